"""``hotline console``'s own wiring (``hotline.build_console``): the embedded default reaches the
simulator through the real adapter, a recording replays read-only, a bad config is one typed error."""

from __future__ import annotations

import asyncio
import time

import pytest

from hotline import Wiring, build_console
from hotline_tui.config import DEMO_DIR
from hotline_tui.errors import ConfigError
from screens.app import HotlineApp


def console_services(db: str, **kw):
    opts = dict(config=None, readonly=False, replay=None, speed=1.0, record=None, refresh_hz=None, seed=5)
    opts.update(kw)
    return build_console(Wiring(db=db, config_dir=str(DEMO_DIR), lang="en"), echo=lambda s: None, **opts)


async def until(cond, deadline_s: float = 30.0) -> None:
    end = time.monotonic() + deadline_s
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("condition not met before the deadline")
        await asyncio.sleep(0.05)


async def test_the_embedded_console_connects_to_its_simulator_and_records(kb_copy, tmp_path):
    rec = tmp_path / "shift.jsonl"
    services = console_services(kb_copy, record=str(rec))
    assert services.mode == "embedded" and services.kb is not None and services.supervisor is not None
    app = HotlineApp(services, start_screen="engineer")
    async with app.run_test(size=(140, 40)) as pilot:
        await until(lambda: [(n.node, n.link) for n in services.nodes()] == [("sim", "connected")])
        node = services.switch.node("sim")
        assert node.health.address != "127.0.0.1:0"            # the simulator's real port
        await until(lambda: len(services.live.snapshot(time.time()).agents) > 0)
        assert services.store_info()["kind"] == "sqlite"
        await pilot.pause()
    assert rec.stat().st_size > 0


async def test_a_recording_replays_read_only(kb_copy, tmp_path):
    rec = tmp_path / "shift.jsonl"
    services = console_services(kb_copy, record=str(rec))
    async with HotlineApp(services).run_test(size=(140, 40)):
        await until(lambda: len(services.live.snapshot(time.time()).agents) > 0)
    replay = console_services(kb_copy, replay=str(rec), speed=50.0)
    assert replay.mode == "replay" and replay.readonly and replay.switch is None
    async with HotlineApp(replay, replay_speed=50.0).run_test(size=(140, 40)):
        await until(lambda: len(replay.live.snapshot(replay.now()).agents) > 0)


def test_a_bad_console_config_is_a_config_error(kb_copy, tmp_path):
    cfg = tmp_path / "site.yaml"
    cfg.write_text("switch:\n  - host: 10.0.0.1\n    port: 99999\n")
    with pytest.raises(ConfigError) as exc:
        console_services(kb_copy, config=str(cfg))
    assert exc.value.line == 3
