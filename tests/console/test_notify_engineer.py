"""The console runs a delivery worker (notify.yaml ``worker.enabled``) and the engineer view
shows the outbox line: a ticket registered in the console reaches the loopback gateway, and
the line says so (Pilot). ``enabled: false``: no worker, the line says that too."""

from __future__ import annotations

import yaml

from backends.notify_gateway import Gateway
from hotline import Wiring, build_console
from hotline_tui.tickets.service import Intake
from screens.app import HotlineApp
from screens.engineer import EngineerScreen
from tests.notify.conftest import secrets_of, site_for
from tests.waiting import wait_until_async

def _services(db, site):
    opts = dict(config=None, readonly=False, replay=None, speed=1.0, record=None, refresh_hz=None, seed=5)
    return build_console(Wiring(db=db, config_dir=str(site), lang="en"), echo=lambda s: None, **opts)

def _outbox_line(app) -> str:
    screen = app.screen
    if not isinstance(screen, EngineerScreen):
        return ""
    return str(screen.query_one("#outbox").render())

async def test_the_console_delivers_and_the_engineer_view_shows_the_outbox(kb_copy, tmp_path):
    probe = Gateway({})
    url = probe.url
    probe.server.server_close()
    site = site_for(tmp_path, url)
    gw = Gateway(secrets_of(site), port=int(url.rsplit(":", 1)[1])).start()
    try:
        services = _services(kb_copy, site)
        assert services.notify_worker and services.tickets is not None
        t = services.tickets.register(services.access.user("agent1001"),
                                      Intake("phone", "13812341234", "路灯不亮", "complaint"))
        app = HotlineApp(services, start_screen="engineer")
        async with app.run_test(size=(140, 40)) as pilot:
            line = await wait_until_async(lambda: "sent 1" in _outbox_line(app) and _outbox_line(app), timeout=20,
                                          sleep=pilot.pause, what="the outbox line showing the message sent",
                                          show=lambda: _outbox_line(app))
            assert "delivery worker running" in line
        assert gw.state.processed == [f"{t.serial}-registered-v1-citizen"]
    finally:
        gw.stop()

async def test_without_a_worker_the_line_says_so(kb_copy, tmp_path):
    site = site_for(tmp_path, "http://127.0.0.1:9")
    data = yaml.safe_load((site / "notify.yaml").read_text("utf-8"))
    data["worker"]["enabled"] = False
    (site / "notify.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    services = _services(kb_copy, site)
    assert not services.notify_worker and services.outbox is not None
    services.tickets.register(services.access.user("agent1001"), Intake("phone", "13812341234", "路灯不亮", "complaint"))
    app = HotlineApp(services, start_screen="engineer")
    async with app.run_test(size=(140, 40)) as pilot:
        line = await wait_until_async(lambda: "pending 1" in _outbox_line(app) and _outbox_line(app), timeout=20,
                                      sleep=pilot.pause, what="the outbox line", show=lambda: _outbox_line(app))
        assert "no delivery worker" in line
