"""The console follows the ticket change feed (issue 21): a change made by another console or
the CLI shows here within a second — the tickets list reloads, the detail view of a changed
ticket reloads, and the wallboard's ticket counts (its alerts) are counted again.

A daemon thread runs ``hotline_tui.feed.FeedFollower`` from the feed's head at start-up (what
the screens load then already includes everything before it); after a store outage it reads on
from the last sequence number it saw, so nothing changed meanwhile is missed. The thread only
blocks on the store; everything shown is done on the UI loop (``call_from_thread``).
"""

from __future__ import annotations

import threading

from hotline_tui.errors import StoreError
from hotline_tui.feed import FeedFollower, TicketChange

from .tickets import TicketDetailScreen, TicketsScreen
from .work import failure_text

#: One wait's longest block: how long the thread may take to notice it is asked to stop.
WAIT_S = 0.5


class ConsoleFeed:
    """Started by the App on mount (``start``), stopped on unmount (``stop``)."""

    def __init__(self, app, feed):
        self.app, self.feed = app, feed
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.follower: FeedFollower | None = None
        self.applied = 0               # the last sequence number shown (tests, engineer view)

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="hotline-ticket-feed", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=WAIT_S * 4)
        try:
            self.feed.close()
        except StoreError:
            pass

    # -- the thread ----------------------------------------------------------------------------
    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.follower = FeedFollower(self.feed, self.feed.head(), self._changed, on_error=self._lost,
                                             on_restored=self._restored, sleep=self.stopping.wait)
                break
            except StoreError as exc:        # the store is down at start-up: try again
                self._lost(exc)
                self.stopping.wait(1.0)
        while self.follower is not None and not self.stopping.is_set():
            self.follower.step(WAIT_S)

    def _changed(self, changes: list[TicketChange]) -> None:
        s = self.app.services
        counts = None
        if s.tickets is not None and s.user.can("tickets.read"):
            try:
                counts = s.tickets.overdue_counts(s.user)     # counted in the store, in this thread
            except StoreError:
                counts = None
        self._to_ui(self.show, changes, counts)

    def _lost(self, exc: Exception) -> None:
        self._to_ui(self.app.report, f"ticket feed: {failure_text(exc, self.app.tr)}")

    def _restored(self) -> None:
        self._to_ui(self.app.notify, "ticket feed: reading again")

    def _to_ui(self, fn, *args) -> None:
        if self.stopping.is_set():
            return
        try:
            self.app.call_from_thread(fn, *args)
        except RuntimeError:             # the app is shutting down
            pass

    # -- on the UI loop ------------------------------------------------------------------------
    def show(self, changes: list[TicketChange], counts: tuple[int, int] | None) -> None:
        """Reload what shows a changed ticket: the list (now if it is shown, on its next show
        otherwise), an open detail view of a changed ticket, and the wallboard's counts."""
        app = self.app
        if not app.is_running:
            return
        self.applied = changes[-1].seq
        if counts is not None:
            app.ticket_counts = counts
        serials = {c.serial for c in changes}
        for screen in list(app.screen_stack):
            if isinstance(screen, TicketDetailScreen) and screen.serial in serials:
                screen.reload()
            elif isinstance(screen, TicketsScreen):
                if screen is app.screen:
                    screen.reload()
                else:
                    screen.loaded_at = 0.0       # stale: reloaded when shown again
        for screen in app._installed_screens.values():
            if isinstance(screen, TicketsScreen) and screen not in app.screen_stack:
                screen.loaded_at = 0.0
        app.refresh_now(reuse=True)
