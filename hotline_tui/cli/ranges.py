"""The bounds of every numeric option, declared once.

A number outside its range is a one-line usage error (exit 2) before anything is opened:
``--limit -1`` never reaches the store (PostgreSQL raised on a negative LIMIT, and 10**20 does
not fit a BIGINT). ``tests/test_cli_numeric_options.py`` walks every command and fails for a
numeric option declared without one of these (or another ``IntRange``/``FloatRange``).
"""

from __future__ import annotations

import click

#: Rows one list call returns (tickets list/overdue, escalate, kb unanswered).
LIMIT = click.IntRange(1, 10_000)
#: Rows skipped before the first one returned.
OFFSET = click.IntRange(0, 10**9)
#: Knowledge search hits (the ranker re-scores every candidate: a short list).
SEARCH_LIMIT = click.IntRange(1, 1_000)
#: Working days of a deadline or an extension.
WORKING_DAYS = click.IntRange(1, 365)
#: A record's version (a 32-bit column on both stores).
VERSION = click.IntRange(1, 2**31 - 1)
#: A stored row id (BIGINT on PostgreSQL, INTEGER on SQLite).
ROW_ID = click.IntRange(1, 2**63 - 1)
#: An RNG seed.
SEED = click.IntRange(0, 2**32 - 1)
#: A TCP port to listen on (0: any free port).
LISTEN_PORT = click.IntRange(0, 65535)
#: A TCP port to connect to.
CONNECT_PORT = click.IntRange(1, 65535)
#: Simulated (or replayed) seconds per real second.
SPEED = click.FloatRange(0, 1000, min_open=True)
#: Console repaints per second.
REFRESH_HZ = click.FloatRange(0.1, 10)
#: A duration in seconds, zero allowed (up to a week).
SECONDS = click.FloatRange(0, 7 * 86400)
#: A duration in seconds that must be positive (up to a week).
POSITIVE_SECONDS = click.FloatRange(0, 7 * 86400, min_open=True)
#: Offered calls per hour of one queue.
CALLS_PER_HOUR = click.FloatRange(0, 1_000_000, min_open=True)
#: A share strictly between 0 and 1 (a service-level target).
OPEN_SHARE = click.FloatRange(0, 1, min_open=True, max_open=True)
#: Demo tickets to seed.
DEMO_TICKETS = click.IntRange(0, 1_000_000)
#: Days of demo history.
DEMO_DAYS = click.IntRange(1, 3650)
#: Largest ESL frame accepted, bytes.
FRAME_BYTES = click.IntRange(1024, 1 << 30)
