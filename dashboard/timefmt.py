"""Showing times: stored in UTC, shown in Asia/Tokyo (or the configured zone), in ja or en."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dashboard import i18n  # module, not name: i18n imports the map texts, which import us
from dashboard.settings import get_settings


def local(dt: datetime) -> datetime:
    """``dt`` in the deployment's time zone (Asia/Tokyo by default)."""
    return dt.astimezone(ZoneInfo(get_settings().timezone))


def format_time(dt: datetime | None, lang: str = "ja", *, date: bool = False) -> str:
    """'14:05' or, with ``date``, '11/25 14:05'; '—' for no time."""
    if dt is None:
        return "—"
    shown = local(dt)
    return shown.strftime("%m/%d %H:%M" if date else "%H:%M")


def format_age(dt: datetime | None, now: datetime, lang: str = "ja") -> str:
    """How long ago: '3分前' / '3 min ago', '2時間5分前' / '2 h 5 min ago'."""
    if dt is None:
        return i18n.translate("time.never", lang)
    minutes = max(0, int((now - dt).total_seconds() // 60))
    if minutes < 1:
        return i18n.translate("time.just_now", lang)
    if minutes < 60:
        return i18n.translate("time.minutes_ago", lang, minutes=minutes)
    return i18n.translate("time.hours_ago", lang, hours=minutes // 60, minutes=minutes % 60)
