"""Adapters behind the core's ports: ticket/knowledge/call stores (SQLite, PostgreSQL), the
FreeSWITCH event-socket client, the switch simulator and the HTTP notifier.

Backends import ``hotline_tui``; they never import ``screens`` or ``textual``.
"""
