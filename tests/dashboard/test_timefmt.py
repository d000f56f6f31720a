from datetime import UTC, datetime, timedelta

from dashboard.timefmt import format_age, format_time


def test_times_are_shown_in_japan_time():
    utc = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    assert format_time(utc) == "08:30"
    assert format_time(utc, date=True) == "11/26 08:30"
    assert format_time(None) == "—"


def test_age_in_both_languages():
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert format_age(now - timedelta(seconds=20), now) == "たった今"
    assert format_age(now - timedelta(minutes=7), now, "en") == "7 min ago"
    assert format_age(now - timedelta(minutes=125), now) == "2時間5分前"
    assert format_age(None, now, "en") == "never"
