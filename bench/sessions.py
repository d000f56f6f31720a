"""Benchmark: K idle, logged-in Streamlit sessions on one app process, driven over Streamlit's own
websocket protocol (no browser), and what they cost: server CPU and RSS, a probe user's page
loads, and how long a new directive takes to reach every open ward page.

Usage: python bench/sessions.py [--ks 0,50,100,200,300] [--variants branch,gc-on,main]
                                [--main-repo /work/main] [--url http://127.0.0.1:8080]
                                [--reports 100000] [--trickle 3] [--after-close 120]
Bounded: 127.0.0.1 only, K at most 300, each variant stops climbing once it is saturated
(a probe over --saturated seconds or sessions that do not open), --max-minutes overall.
Prints a table; asserts nothing.

What a session does is what the browser does: it connects to ``/_stcore/stream`` with the login
cookie (a token made with ``accounts.start_session``, as the login page does), asks for a page
(``rerun_script``), and afterwards answers every ``auto_rerun`` the server announces (the 5 s
banner fragment, the 15 s map fragment) with a fragment rerun, as the frontend's timers do. A
third of the sessions are command staff on the map, the rest ward heads (one per ward, round
robin) on the shelter page.

Variants, each its own server on a throwaway PostgreSQL database seeded with the demo city:
  branch  this checkout as configured (.streamlit/config.toml: no post-run GC; shared change check)
  gc-on   this checkout with ``--runner.postScriptGC true`` (Streamlit's default)
  main    the checkout at --main-repo (today's main: GC on, every poll reads the database)
  deploy2 nginx with deploy/nginx.conf in front of two app processes of this checkout (CPU and
          RSS summed over both; needs nginx)
  poll3/poll4/poll5  this checkout with DASHBOARD_DIRECTIVE_POLL_SECONDS 3/4/5 (banner poll cost)
--reports N seeds N damage reports in bulk besides the demo city's (a large disaster);
--trickle S adds one more report through the services every S seconds while sessions are open
(the map's data then changes all the time). --after-close S samples the server's RSS for S
seconds after the last K's sessions closed (does the memory come back?). Map sessions fetch the
map data their page's script would load (GET /mapdata/..., this branch) as a browser does.

With --url the bench drives an already running deployment (e.g. nginx in front of two app
processes, see deploy/) against a database given by --database-url; CPU and RSS are then summed
over the processes given by --pids.

Probe (per K, after the sessions settled): "map load" is a new mayor session from connect to the
end of the first run of the map page (server side: the map HTML is built and sent; a browser adds
its drawing); "tap" is a rerun of an open shelter page (what any button press costs at least);
"directive" sends one directive to all 24 wards and times until each idle ward page's banner
fragment showed its title (the issue asks for ≤ 10 s).

Honesty checks printed with every K: websockets the server (or nginx) closed, with their close
codes (a closed session stops polling and would otherwise look like a missed directive), the
bench client's own CPU (is the load generator the limit?), the load average, and behind nginx
how the sessions spread over the processes. Diagnosis options: ``--stall-client S`` blocks the
client S seconds at every K (as a starved load generator would: Streamlit drops websockets
that do not answer its 30 s ping within 30 s); ``--nginx-worker-connections N`` runs deploy2's
nginx with that limit (every open page holds two connections).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere in the repo

import websockets  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.sessionkit import (  # noqa: E402
    OPEN_TIMEOUT_S,
    REPO,
    Session,
    app_server,
    cpu_seconds,
    deployment,
    drop_database,
    rss_mb,
    seed_reports,
    threads,
    throwaway_database,
)
from dashboard import demo_city  # noqa: E402
from dashboard.domain import SYSTEM, Actor, Role  # noqa: E402
from dashboard.services import accounts, damage, demo, directives  # noqa: E402
from dashboard.storage.db import make_engine, reading  # noqa: E402
from dashboard.storage.migrate import upgrade_head  # noqa: E402
from dashboard.storage.models import User  # noqa: E402

KS = (0, 50, 100, 200, 300)
K_MAX = 300
# Seconds the sessions idle before and while the server's CPU is measured.
SETTLE_S = float(os.environ.get("BENCH_SETTLE_S", 10))
MEASURE_S = float(os.environ.get("BENCH_MEASURE_S", 20))
# Sessions opened at once while climbing to the next K.
OPEN_AT_ONCE = 6
# How long a directive may take to reach the ward pages before it counts as missed.
DIRECTIVE_WAIT_S = 20.0
MAP_SHARE = 3  # every third session is on the map
MAYOR = Actor(None, "mayor", "bench", Role.MAYOR, "27100")
SESSION_COOKIE = "dashboard_session"


def prepare(url: str, reports: int = 0) -> tuple[list[str], list[str]]:
    """Seed the demo city (unless there), ``reports`` damage reports in bulk, one ward head per
    ward; returns (map users, ward users). A database seeded before is used as it is."""
    engine = make_engine(url)
    upgrade_head(engine)
    demo.ensure_demo(engine)
    if reports:
        started = time.monotonic()
        added = seed_reports(url, reports)
        print(f"  seeded {added:,} reports in bulk in {time.monotonic() - started:.0f} s")
    wards = [code for code, *_ in directives.list_targets(engine, MAYOR)]
    with reading(engine) as session:
        known = set(session.scalars(select(User.username)))
    for code in wards:
        if f"bench-{code}" not in known:
            accounts.create_user(
                engine,
                SYSTEM,  # a set-up script, like the CLI: not a one-time password
                username=f"bench-{code}",
                display_name=f"bench {code}",
                role=Role.WARD_HEAD,
                jurisdiction_code=code,
                password=uuid.uuid4().hex,
            )
    engine.dispose()
    return ["mayor", "kikikanri"], [f"bench-{code}" for code in wards]


def tokens_for(engine, username: str, count: int) -> list[str]:
    with reading(engine) as session:
        actor = accounts.actor_for(session.scalar(select(User).where(User.username == username)))
    return [accounts.start_session(engine, actor) for _ in range(count)]


# --- one variant ------------------------------------------------------------------------------


async def climb(base: str, pids: list[int], engine, users, ks, deadline: float, label: str):
    map_users, ward_users = users
    ws_url = base.replace("http", "ws", 1) + "/_stcore/stream"
    sessions: list[Session] = []
    rows = []
    # The first request of a fresh process goes to the start page (see dashboard/app.py).
    (token,) = tokens_for(engine, map_users[0], 1)
    warm = Session(ws_url, base, token, "")
    await warm.open()
    await warm.close()
    # The start for "RSS after close": a server that has shown each kind of page once (its
    # modules imported: the map's libraries alone are tens of MB, and stay).
    for page in ("map", "shelters"):
        user = map_users[0] if page == "map" else ward_users[0]
        (token,) = tokens_for(engine, user, 1)
        warm = Session(ws_url, base, token, page)
        await warm.open()
        await warm.close()
    start_rss = rss_mb(pids)
    saturated = False
    trickle = asyncio.create_task(trickle_reports(engine)) if args.trickle else None
    try:
        for k in ks:
            if saturated or time.monotonic() > deadline:
                rows.append((label, k, None))
                continue
            opened = await open_more(ws_url, base, engine, users, sessions, k)
            if not opened:
                saturated = True
                rows.append((label, k, None))
                continue
            await asyncio.sleep(SETTLE_S)
            if args.stall_client:
                # What a starved load generator does: no pongs, no polls for a while.
                print(f"  stalling the bench client for {args.stall_client:.0f} s")
                time.sleep(args.stall_client)
            cpu0, wall0, mine0 = cpu_seconds(pids), time.monotonic(), time.process_time()
            each0 = [cpu_seconds([pid]) for pid in pids]
            await asyncio.sleep(MEASURE_S)
            wall = time.monotonic() - wall0
            cpu = (cpu_seconds(pids) - cpu0) / wall
            client = (time.process_time() - mine0) / wall  # is the load generator the limit?
            if len(pids) > 1:
                each = [cpu_seconds([p]) - c for p, c in zip(pids, each0, strict=True)]
                print(
                    "  per process: cpu s",
                    [f"{c:.1f}" for c in each],
                    "threads",
                    [threads(p) for p in pids],
                )
            rss = rss_mb(pids)
            probe = await probe_user(ws_url, base, engine, map_users[0], ward_users[0])
            title = f"bench{label.replace('-', '')}{k}x{uuid.uuid4().hex[:6]}"  # no Markdown
            reach = await directive_reach(engine, sessions, title)
            dropped = [s.dropped for s in sessions if s.dropped is not None]
            rows.append((label, k, (cpu, rss, *probe, *reach, len(dropped), client)))
            figures = " ".join(f"{x:.2f}" for x in probe)
            print(f"  {label:7} K={k:3} cpu {cpu:4.0%} rss {rss:5.0f} MB {figures} {reach}")
            print(f"  bench client cpu {client:.0%}; dropped websockets {len(dropped)}", end=" ")
            print(sorted(Counter(dropped).items())[:3], f"load {os.getloadavg()[0]:.1f}")
            fetched = [s for s in sessions if s.fetch_map_data]
            print(
                f"  map data fetched {sum(s.map_fetches for s in fetched)} times by"
                f" {len(fetched)} map sessions ({sum(s.map_bytes for s in fetched) / 1e6:.1f} MB,"
                f" {sum(s.map_failures for s in fetched)} failed)"
            )
            if probe[0] > args.saturated:
                saturated = True
    finally:
        if trickle is not None:
            trickle.cancel()
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    await after_close(pids, start_rss, label)
    return rows


async def trickle_reports(engine) -> None:
    """One new damage report every ``--trickle`` seconds, through the services (as a phone)."""
    with reading(engine) as session:
        staff = accounts.actor_for(
            session.scalar(select(User).where(User.username == "kita-staff"))
        )
    (lat, lon), n = (
        next((w[3], w[4]) for w in demo_city.WARDS if w[0] == staff.jurisdiction_code),
        0,
    )
    while True:
        await asyncio.sleep(args.trickle)
        n += 1
        draft = damage.ReportDraft(
            lat=lat + 0.0001 * (n % 20),
            lon=lon + 0.0001 * (n % 20),
            category="fire",
            severity=1 + n % 4,
            description=f"bench trickle {n}",
        )
        await asyncio.to_thread(
            damage.submit_report, engine, staff, draft, submission_id=uuid.uuid4().hex
        )


async def after_close(pids, start_rss: float, label: str) -> None:
    """RSS after the sessions closed, every 30 s for ``--after-close`` seconds."""
    samples = [f"start {start_rss:.0f} MB", f"at close {rss_mb(pids):.0f}"]
    waited = 0
    while waited < args.after_close:
        step = min(30, args.after_close - waited)
        await asyncio.sleep(step)
        waited += step
        samples.append(f"+{waited:.0f} s {rss_mb(pids):.0f}")
    AFTER_CLOSE[label] = ", ".join(samples)
    print(f"  {label} RSS after the sessions closed: {AFTER_CLOSE[label]}")


async def open_more(ws_url, base, engine, users, sessions: list[Session], k: int) -> bool:
    map_users, ward_users = users
    want = k - len(sessions)
    if want <= 0:
        return True
    new: list[Session] = []
    for i in range(len(sessions), k):
        if i % MAP_SHARE == 0:
            username, page = map_users[(i // MAP_SHARE) % len(map_users)], "map"
        else:
            username, page = ward_users[i % len(ward_users)], "shelters"
        (token,) = tokens_for(engine, username, 1)
        new.append(Session(ws_url, base, token, page, fetch_map_data=page == "map"))
    gate = asyncio.Semaphore(OPEN_AT_ONCE)

    failures: list[str] = []

    async def one(session: Session) -> bool:
        async with gate:
            try:
                await session.open()
                return True
            except (TimeoutError, OSError, websockets.WebSocketException) as exc:
                failures.append(f"{session.page}: {type(exc).__name__} {exc}"[:200])
                return False

    started = time.monotonic()
    results = await asyncio.gather(*(one(s) for s in new))
    sessions.extend(new)
    spread: dict[str, int] = {}
    for s in sessions:
        spread[s.upstream or "-"] = spread.get(s.upstream or "-", 0) + 1
    print(
        f"  opened {sum(results)}/{len(new)} in {time.monotonic() - started:.0f} s",
        spread,
        *failures[:3],
    )
    return all(results)


async def probe_user(ws_url, base, engine, map_user, ward_user):
    """(map load p50 s, map load max s, tap p50 s, tap p95 s)."""
    loads, taps = [], []
    for _ in range(3):
        (token,) = tokens_for(engine, map_user, 1)
        probe = Session(ws_url, base, token, "map")
        try:
            loads.append(await probe.open())
        except (TimeoutError, OSError, websockets.WebSocketException):
            loads.append(OPEN_TIMEOUT_S)
        finally:
            await probe.close()
    (token,) = tokens_for(engine, ward_user, 1)
    ward = Session(ws_url, base, token, "shelters")
    try:
        await ward.open()
        for _ in range(10):
            taps.append(await ward.timed_rerun())
    except (TimeoutError, OSError, websockets.WebSocketException):
        taps.append(OPEN_TIMEOUT_S)
    finally:
        await ward.close()
    taps.sort()
    return (
        statistics.median(loads),
        max(loads),
        statistics.median(taps),
        taps[min(len(taps) - 1, round(0.95 * (len(taps) - 1)))],
    )


async def directive_reach(engine, sessions: list[Session], title: str):
    """(ward pages reached, ward pages open, seconds until the last one showed it)."""
    wards = [s for s in sessions if s.page == "shelters"]
    for s in wards:
        s.watch, s.seen_at = title.encode(), None
    codes = [code for code, *_ in directives.list_targets(engine, MAYOR)]
    sent = time.monotonic()
    await asyncio.to_thread(
        directives.send_directive,
        engine,
        MAYOR,
        submission_id=uuid.uuid4().hex,
        ward_codes=codes,
        title=title,
        body="bench",
        priority="normal",
    )
    while time.monotonic() - sent < DIRECTIVE_WAIT_S:
        if all(s.seen_at is not None for s in wards):
            break
        await asyncio.sleep(0.2)
    seen = [s.seen_at - sent for s in wards if s.seen_at is not None]
    by_upstream: dict[str, list[int]] = {}
    for s in wards:
        counts = by_upstream.setdefault(s.upstream or "-", [0, 0])
        counts[0] += s.seen_at is not None
        counts[1] += 1
    if len(by_upstream) > 1:
        print("  directive reached per process:", by_upstream)
    for s in wards:
        s.watch = None
    return len(seen), len(wards), max(seen) if seen else None


async def churn(base: str, pids: list[int], engine, users, rounds: int, label: str) -> list:
    """Open 50 sessions, let them poll twice, close them; again ``rounds`` times. RSS after each
    round shows what sessions leave behind (e.g. without the post-run garbage collection)."""
    ws_url = base.replace("http", "ws", 1) + "/_stcore/stream"
    (token,) = tokens_for(engine, users[0][0], 1)
    warm = Session(ws_url, base, token, "")
    await warm.open()
    await warm.close()
    start_rss, rows = rss_mb(pids), []
    for n in range(1, rounds + 1):
        sessions: list[Session] = []
        await open_more(ws_url, base, engine, users, sessions, 50)
        await asyncio.sleep(11)
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
        await asyncio.sleep(3)
        rows.append((label, n * 50, rss_mb(pids) - start_rss))
        print(f"  {label} churn: {n * 50} sessions opened and closed, RSS +{rows[-1][2]:.0f} MB")
    return rows


AFTER_CLOSE: dict[str, str] = {}


def table(rows) -> None:
    head = (
        "| variant | idle sessions | server CPU (of a core) | RSS MB | probe map load p50 / max s"
        " | tap p50 / p95 s | directive reached (last after s) | websockets dropped"
        " | bench client CPU |"
    )
    print("\n" + head + "\n|" + "---|" * 9)
    for label, k, r in rows:
        if r is None:
            print(f"| {label} | {k} | saturated or skipped | | | | | | |")
            continue
        cpu, rss, load50, load_max, tap50, tap95, reached, of, last, dropped, client = r
        last_text = f"{last:.1f}" if last is not None else "–"
        print(
            f"| {label} | {k} | {cpu:.0%} | {rss:.0f} | {load50:.2f} / {load_max:.2f} "
            f"| {tap50:.2f} / {tap95:.2f} | {reached}/{of} ({last_text}) | {dropped} "
            f"| {client:.0%} |"
        )
    for label, samples in AFTER_CLOSE.items():
        print(f"\n{label}: RSS {samples}")


def main() -> None:
    global args
    # A timeout's SIGTERM still stops the servers and drops the database (the finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ks", default=",".join(map(str, KS)))
    parser.add_argument("--variants", default="branch,gc-on,main")
    parser.add_argument("--main-repo", default="/work/main")
    parser.add_argument("--url", help="drive a running deployment instead of starting servers")
    parser.add_argument("--database-url", help="its database (with --url)")
    parser.add_argument("--pids", default="", help="its app processes, comma-separated")
    parser.add_argument("--saturated", type=float, default=30.0, help="probe seconds = saturated")
    parser.add_argument("--max-minutes", type=float, default=40.0)
    parser.add_argument(
        "--stall-client", type=float, default=0, help="block the client this long at every K"
    )
    parser.add_argument(
        "--nginx-worker-connections", type=int, default=4096, help="deploy2's nginx events{}"
    )
    parser.add_argument("--churn", type=int, default=0, help="rounds of 50 sessions opened/closed")
    parser.add_argument("--reports", type=int, default=0, help="damage reports seeded in bulk")
    parser.add_argument("--trickle", type=float, default=0, help="a new report every S seconds")
    parser.add_argument("--after-close", type=float, default=0, help="RSS watched S s after")
    args = parser.parse_args()
    ks = sorted({min(int(k), K_MAX) for k in args.ks.split(",")})
    deadline = time.monotonic() + args.max_minutes * 60
    rows = []
    if args.url:
        host = urllib.request.urlparse(args.url).hostname
        if host not in ("127.0.0.1", "localhost"):
            sys.exit("the bench drives 127.0.0.1 only")
        users = prepare(args.database_url, args.reports)
        engine = make_engine(args.database_url)
        pids = [int(p) for p in args.pids.split(",") if p]
        rows += asyncio.run(climb(args.url, pids, engine, users, ks, deadline, "deploy"))
        table(rows)
        return
    name, url = throwaway_database()
    try:
        users = prepare(url, args.reports)
        engine = make_engine(url, pool_size=5)
        variants = {
            "branch": (REPO, []),
            "gc-on": (REPO, ["--runner.postScriptGC", "true"]),
            "main": (Path(args.main_repo), []),
        }
        poll_env = {f"poll{n}": {"DASHBOARD_DIRECTIVE_POLL_SECONDS": str(n)} for n in (3, 4, 5)}
        for label in args.variants.split(","):
            if label == "deploy2":
                with deployment(url, 2, args.nginx_worker_connections) as (base, pids):
                    print(f"== {label} (nginx, deploy/nginx.conf, in front of 2 app processes)")
                    rows += asyncio.run(climb(base, pids, engine, users, ks, deadline, label))
                continue
            repo, extra = variants.get(label, (REPO, []))
            if not (repo / "dashboard" / "app.py").exists():
                print(f"  {label}: no app at {repo}, skipped")
                continue
            with app_server(repo, url, extra, poll_env.get(label)) as (base, pids):
                print(f"== {label} ({repo} {' '.join(extra)})")
                if args.churn:
                    asyncio.run(churn(base, pids, engine, users, args.churn, label))
                    continue
                rows += asyncio.run(climb(base, pids, engine, users, ks, deadline, label))
        engine.dispose()
    finally:
        drop_database(name)
    table(rows)


if __name__ == "__main__":
    main()
