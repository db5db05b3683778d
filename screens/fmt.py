"""How the screens write numbers, times and the alerts' raw figures: compact, fixed meaning."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from hotline_tui.alerts import Alert
from hotline_tui.clock import SITE_TZ


def fmt_duration(seconds: float | None) -> str:
    """12s, 3:05, 1:02:03, 2d03h — compact, fixed meaning, '—' when unknown."""
    if seconds is None:
        return "—"
    s = int(max(seconds, 0))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}:{s % 60:02d}"
    if s < 86400:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 86400}d{s // 3600 % 24:02d}h"


def fmt_clock(epoch: float, fmt: str = "%H:%M:%S") -> str:
    """An epoch time as the site's wall clock (never the server's zone)."""
    return datetime.fromtimestamp(epoch, SITE_TZ).strftime(fmt)


def fmt_rate(value: float | None) -> str:
    """A ratio as a whole percentage (0.834 → 83%), '—' when unknown."""
    return "—" if value is None else f"{value * 100:.0f}%"


# How each alert's raw figures are written; parameters not named here are shown as they are.
ALERT_FORMATS: dict[str, dict[str, Callable[[float], str]]] = {
    "alert_sl": {"value": fmt_rate, "target": fmt_rate},
    "alert_wait": {"value": fmt_duration},
    "alert_break": {"value": fmt_duration},
}


def alert_text(alert: Alert, tr: Callable[..., str]) -> str:
    """The alert's line in the UI's language, its seconds and ratios formatted."""
    formats = ALERT_FORMATS.get(alert.key, {})
    params = {k: formats[k](float(v)) if k in formats else v for k, v in alert.params.items()}
    return tr(alert.key, **params)
