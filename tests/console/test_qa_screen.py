"""The QA screen with Pilot (issue 20): `:qa` opens the inspector's queue; Enter shows the call
(recording id), its ticket and the scorecard with the pre-fills; a deduction asks for its
comment and refuses none; `s` submits through the service (scores locked, audited)."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from hotline import build_store
from hotline_tui.clock import FixedClock
from hotline_tui.config import DEMO_DIR
from hotline_tui.qa.factory import qa_service
from screens.app import HotlineApp
from tests.qa_rig import PERIOD, seed_month
from tests.waiting import wait_until_async

from .conftest import build


def sampled(db_path: str):
    store = build_store(db_path)
    seed_month(store, agents=("1001",), per_day=1, days=range(2, 6))
    qa = qa_service(store, DEMO_DIR, FixedClock("2026-12-01T09:00:00+08:00"))
    evs = qa.sample(qa.access.user("qalead"), PERIOD)
    store.close()
    return evs


async def test_an_inspector_scores_a_call_and_its_ticket(db_copy):
    evs = sampled(db_copy)
    inspector = evs[0].inspector
    mine = [e for e in evs if e.inspector == inspector]
    services, _cc, store = build(db_copy, user=inspector)
    assert services.qa is not None
    app = HotlineApp(services)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        app.run_command("qa")
        queue = await wait_until_async(lambda: app.screen.id != "wallboard" and app.screen.query("#qa-queue")
                                       and app.screen.query_one("#qa-queue", DataTable), timeout=10,
                                       sleep=pilot.pause, what="the QA screen")
        await wait_until_async(lambda: queue.row_count == len(mine), timeout=10, sleep=pilot.pause,
                               what="the inspector's queue")
        queue.focus()
        queue.move_cursor(row=0)
        first = mine[0]
        await pilot.press("enter")
        card = app.screen.query_one("#qa-card", DataTable)
        await wait_until_async(lambda: card.row_count > 20, timeout=10, sleep=pilot.pause, what="the scorecard")
        detail = str(app.screen.query_one("#qa-detail", Static).render())
        assert f"Recording {first.call['recording_id']}" in detail and first.ticket_serial in detail
        # a deduction without a comment is refused, with one it is kept
        card.focus()
        card.move_cursor(row=card.get_row_index("call.tone"))
        await pilot.press("n")
        await wait_until_async(lambda: app.screen.query("#prompt"), timeout=10, sleep=pilot.pause, what="the prompt")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.marks["call"]["tone"].level == "full"
        await pilot.press("p")
        await wait_until_async(lambda: app.screen.query("#prompt"), timeout=10, sleep=pilot.pause, what="the prompt")
        app.screen.query_one("#prompt", Input).value = "语调生硬"
        await pilot.press("enter")
        await wait_until_async(lambda: getattr(app.screen, "marks", {}).get("call", {}).get("tone") is not None
                               and app.screen.marks["call"]["tone"].level == "partial", timeout=10,
                               sleep=pilot.pause, what="tone partial")
        assert "Score" in str(card.border_title)
        await pilot.press("s")
        await wait_until_async(lambda: store.qa.evaluation(first.id).state == "submitted", timeout=10,
                               sleep=pilot.pause, what="the evaluation submitted")
        saved = store.qa.evaluation(first.id)
        assert saved.marks["call"]["tone"] == {"level": "partial", "comment": "语调生硬", "evidence": "",
                                               "prefilled": False}
        assert store.audit.for_subject("qa_evaluation", str(first.id))[-1].actor == inspector
        await wait_until_async(lambda: queue.row_count == len(mine) - 1, timeout=10, sleep=pilot.pause,
                               what="the queue without the submitted evaluation")


async def test_the_palette_and_aliases_reach_the_qa_screen(db_copy):
    services, _cc, _store = build(db_copy, user="duty")
    app = HotlineApp(services)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        app.run_command("zj")
        await wait_until_async(lambda: app.screen.query("#qa-status"), timeout=10, sleep=pilot.pause, what="QA screen")
        # the duty supervisor may not score: the scoring keys are not offered
        assert not app.screen.check_action("submit", ())
        assert "No QA permission" in str(app.screen.query_one("#qa-status", Static).render())
        assert not services.errors                      # nothing refused: nothing was asked


async def test_an_agent_sees_their_own_scored_evaluations_read_only(db_copy):
    evs = sampled(db_copy)
    store = build_store(db_copy)
    qa = qa_service(store, DEMO_DIR, FixedClock("2026-12-02T09:00:00+08:00"))
    ev = evs[0]
    qa.score(qa.access.user(ev.inspector), ev.id, {("call", "tone"): ("partial", "语调生硬")})
    store.close()
    services, _cc, _store = build(db_copy, user="agent1001")
    app = HotlineApp(services)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        app.run_command("qa")
        queue = await wait_until_async(lambda: app.screen.query("#qa-queue") and app.screen.query_one("#qa-queue", DataTable),
                                       timeout=10, sleep=pilot.pause, what="the QA screen")
        await wait_until_async(lambda: queue.row_count == 1, timeout=10, sleep=pilot.pause,
                               what="the agent's one submitted evaluation")
        queue.focus()
        await pilot.press("enter")
        card = app.screen.query_one("#qa-card", DataTable)
        await wait_until_async(lambda: card.row_count > 20, timeout=10, sleep=pilot.pause, what="the scorecard")
        assert "语调生硬" in "".join(str(c) for c in card.get_row("call.tone"))
        assert not app.screen.check_action("submit", ()) and not app.screen.check_action("level", ("full",))
