"""The process's published map data: built once per key for every session, bounded in size."""

from __future__ import annotations

import gzip
import random
import threading

from dashboard.maps import PublishedMaps


def test_the_same_map_is_built_once_for_every_session_asking_at_once():
    store, calls = PublishedMaps(), []
    gate = threading.Event()

    def build():
        calls.append(1)
        gate.wait(1)
        return '{"n": 1}', None

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(store.publish(("k",), "scope", build)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len({r.token for r in results}) == 1
    assert gzip.decompress(store.get(results[0].token).gzipped) == b'{"n": 1}'


def test_another_scope_or_key_is_another_token():
    store = PublishedMaps()
    a = store.publish(("k",), ("27100", "mayor"), lambda: ("{}", None))
    b = store.publish(("k",), ("27102", "ward_head"), lambda: ("{}", None))
    c = store.publish(("k2",), ("27100", "mayor"), lambda: ("{}", None))
    assert len({a.token, b.token, c.token}) == 3 and b.scope == ("27102", "ward_head")


def test_the_store_keeps_its_byte_bound_dropping_the_least_recently_used():
    store = PublishedMaps(max_bytes=30_000)
    noise = [random.Random(i).randbytes(10_000).hex() for i in range(4)]  # ~10 KB gzipped
    tokens = [
        store.publish((i,), "s", lambda i=i: (f'"{noise[i]}{i}"', None)).token for i in range(4)
    ]
    assert store.size_bytes <= 30_000
    assert store.get(tokens[-1]) is not None and store.get(tokens[0]) is None


def test_every_session_counts_ages_from_the_first_moment_the_data_was_drawn():
    store = PublishedMaps()
    assert store.clock_for(("v1",), "12:00") == "12:00"
    assert store.clock_for(("v1",), "12:05") == "12:00"  # same data: the same bytes for all
    assert store.clock_for(("v2",), "12:05") == "12:05"
