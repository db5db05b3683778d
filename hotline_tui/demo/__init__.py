"""The demo site's data: realistic tickets, callers and (from other modules) articles."""
