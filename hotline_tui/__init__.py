"""hotline core: domain model, workflow rules, SLA clock, live state, KPIs and the ports.

Pure Python. Imports neither textual nor any backend nor any screen (import-linter enforces it).
"""
