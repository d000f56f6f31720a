"""Change detection: the data version moves with every write and only then; one version read per
interval per process; one shared read per version and scope; and a directive sent while 50 idle
sessions poll reaches every one of them."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboard.domain import Actor, Role
from dashboard.services import changes, damage, delivery, directives, modes
from dashboard.storage.models import utcnow
from dashboard.ui import chrome
from tests.factories import KITA, KITA_POINT

WARD_SESSIONS = 50


@pytest.fixture(autouse=True)
def _no_stray_workers():
    delivery.stop_all_workers()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def ward_codes(city) -> list[str]:
    return [code for code, *_ in directives.list_targets(city.engine, city.mayor)]


def send(city, title: str) -> int:
    return directives.send_directive(
        city.engine,
        city.mayor,
        submission_id=title,
        ward_codes=ward_codes(city),
        title=title,
        body="本文",
        priority="high",
    )


def test_the_version_moves_with_every_write_and_not_with_reads(city):
    engine = city.engine
    before = changes.data_version(engine)
    directives.inbox_summary(engine, city.kita_head)  # a poll marks nothing the version counts
    assert changes.data_version(engine) == before

    send(city, "給水所を開設してください")
    sent = changes.data_version(engine)
    assert sent != before
    item = directives.list_inbox(engine, city.kita_head, limit=1)[0]
    directives.acknowledge(engine, city.kita_head, item.delivery_id)
    acknowledged = changes.data_version(engine)
    assert acknowledged != sent
    modes.start_drill(engine, city.admin, name="総合防災訓練")
    assert changes.data_version(engine) not in (before, sent, acknowledged)


def test_a_new_damage_report_leaves_the_banners_version_as_it_was(city):
    """Reports arrive every second in a large disaster; the banners need not be read again."""
    engine = city.engine
    before = changes.data_version(engine)
    draft = damage.ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="fire", severity=3)
    damage.submit_report(engine, city.kita_staff, draft, submission_id="banner-version")
    reported = changes.data_version(engine)
    assert reported != before and reported.banners == before.banners
    send(city, "被害状況を報告してください")
    sent = changes.data_version(engine)
    assert sent.banners != reported.banners
    item = directives.list_inbox(engine, city.kita_head, limit=1)[0]
    directives.acknowledge(engine, city.kita_head, item.delivery_id)
    assert changes.data_version(engine).banners != sent.banners


def test_the_clock_reads_the_database_once_per_interval(city):
    clock = FakeClock()
    versions = changes.VersionClock(city.engine, 2.0, clock=clock)
    first = versions.current()
    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(lambda _: versions.current(), range(40))) == {first}
    assert versions.reads == 1

    send(city, "避難所の状況を報告してください")
    assert versions.current() == first  # within the interval: the version it read
    clock.now += 2.0
    assert versions.current() != first
    assert versions.reads == 2


def test_shared_reads_compute_once_per_key_for_sessions_asking_at_once():
    shared = changes.SharedReads(max_entries=2)
    started = threading.Event()

    def slow() -> str:
        started.set()
        return "read"

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: shared.get(("k", 1), slow), range(64)))
    assert results == ["read"] * 64 and shared.computed == 1
    shared.get(("k", 2), lambda: "second")
    shared.get(("k", 3), lambda: "third")  # the oldest key goes
    assert shared.get(("k", 1), lambda: "again") == "again"
    assert shared.computed == 4


def test_a_failed_read_is_not_kept():
    shared = changes.SharedReads()

    def broken() -> str:
        raise RuntimeError("database away")

    with pytest.raises(RuntimeError):
        shared.get("k", broken)
    assert shared.get("k", lambda: "back") == "back"


def test_shared_reads_age_out_and_the_janitor_lets_them_go_when_no_one_asks():
    clock = FakeClock()
    shared = changes.SharedReads(max_age=90.0, clock=clock)
    held = [bytearray(1_000_000) for _ in range(3)]
    for i, value in enumerate(held):
        shared.get(("map", i), lambda value=value: value)
    clock.now += 60.0
    shared.get(("map", "new"), lambda: "fresh")
    assert shared.sweep() == 0 and len(shared) == 4  # nothing old enough yet
    changes.register_sweep(shared)
    clock.now += 45.0  # the three first are 105 s old, the newest 45 s: sessions closed
    assert changes.sweep_now() >= 3
    assert len(shared) == 1 and shared.get(("map", "new"), lambda: "again") == "fresh"


def test_an_expensive_read_is_repeated_at_most_a_fifth_of_the_time_however_fast_data_moves():
    clock = FakeClock()
    shared = changes.SharedReads(clock=clock)

    def costly(result: str):
        def compute() -> str:
            clock.now += 1.0  # a map rebuild of one second
            return result

        return compute

    assert shared.get_bounded(("map", "v1"), "map", costly("v1"), share=0.2) == "v1"
    clock.now += 3.0  # the data moved on: v2, v3 ... but 4 s < 5 x 1 s since the last rebuild
    assert shared.get_bounded(("map", "v2"), "map", costly("v2"), share=0.2) == "v1"
    clock.now += 2.0
    assert shared.get_bounded(("map", "v3"), "map", costly("v3"), share=0.2) == "v3"
    assert shared.computed == 2  # v2 was never built

    # While one session rebuilds, the others keep the last result instead of waiting.
    clock.now += 10.0
    inside = []

    def rebuild() -> str:
        inside.append(shared.get_bounded(("map", "v5"), "map", costly("v5"), share=0.2))
        return "v4"

    assert shared.get_bounded(("map", "v4"), "map", rebuild, share=0.2) == "v4"
    assert inside == ["v3"] and shared.computed == 3

    cheap = changes.SharedReads(clock=clock)  # a read that costs nothing follows every change
    assert cheap.get_bounded(("m", 1), "m", lambda: 1, share=0.2) == 1
    assert cheap.get_bounded(("m", 2), "m", lambda: 2, share=0.2) == 2


def test_on_postgresql_a_write_wakes_the_version_clock_at_once(city):
    """NOTIFY (migration 0009) instead of waiting out the check interval; SQLite polls."""
    engine = city.engine
    versions = changes.VersionClock(engine, 3600.0, listen=True)
    try:
        if engine.dialect.name != "postgresql":
            assert versions.listener is None
            return
        assert versions.listener.listening.wait(10), "the listener did not connect"
        first = versions.current()
        directives.send_directive(
            engine, city.mayor, submission_id="wake", ward_codes=[KITA], template="report_damage"
        )
        deadline = time.monotonic() + 10
        while versions.current() == first and time.monotonic() < deadline:
            time.sleep(0.05)
        assert versions.current() != first  # an hour-long interval, yet seen at once
        assert versions.listener.notifications >= 1
    finally:
        versions.close()


def test_a_directive_sent_while_50_sessions_idle_reaches_every_one(city):
    """50 ward pages (two or three per ward) poll the banners through the shared path; the
    directive shows on all of them at the first poll after the version check, read once per
    ward and not once per page."""
    engine, clock = city.engine, FakeClock()
    tracking = (changes.VersionClock(engine, chrome.CHANGE_CHECK_SECONDS, clock=clock),)
    tracking += (changes.SharedReads(),)
    codes = ward_codes(city)
    sessions = [
        Actor(None, f"head-{i}", f"head {i}", Role.WARD_HEAD, codes[i % len(codes)])
        for i in range(WARD_SESSIONS)
    ]
    now = utcnow().replace(second=1)

    def poll_all() -> list:
        with ThreadPoolExecutor(10) as pool:
            return list(pool.map(lambda a: chrome.banner_data(engine, a, now, tracking), sessions))

    assert all(summary.newest is None for _, summary in poll_all())
    reads_before = tracking[1].computed
    assert reads_before == len(codes)  # one read per ward, shared by its pages

    send(city, "土砂災害警戒区域の住民に避難を呼びかけてください")
    # Within the check interval the pages keep what they showed (no database work)...
    assert all(summary.newest is None for _, summary in poll_all())
    assert tracking[1].computed == reads_before
    clock.now += chrome.CHANGE_CHECK_SECONDS
    # ...and at the next poll every page shows it.
    shown = poll_all()
    titles = {summary.newest.title for _, summary in shown}
    assert titles == {"土砂災害警戒区域の住民に避難を呼びかけてください"}
    assert all(summary.unread == 1 for _, summary in shown)
    assert tracking[1].computed == 2 * len(codes)
    assert tracking[0].reads == 2
