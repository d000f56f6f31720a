"""Benchmark: a staff roll-call for a city of 35,000 staff, on SQLite and PostgreSQL.

Usage: python bench/rollcall.py [--staff N] [--rate R] [--clients C] [--pg-url URL]
                                [--skip-sqlite] [--skip-drain] [--skip-answers]
Prints a table; asserts nothing. Everything runs on 127.0.0.1, bounded in count and time.

Per backend (a fresh database with the demo city and N staff over its 24 wards):
1. start: ``start_rollcall`` for everyone — recipients and one outbox row per channel of each
   person (about 1.5 per person) in one transaction. Baseline in the same run: the naive way, one
   transaction per person (a loop over a per-person "ask" service), timed on a sample and shown
   scaled to N.
2. answers: N answers POSTed to ``/rollcall/answer`` (the app's own route, served by uvicorn in
   a separate process) by C concurrent clients at a steady target rate R/s; achieved answers/s
   and p50/p95 latency. Baseline: one client sending one answer after another (sample).
   Then (bench/rollcall_drain.py) the delivery worker drains the queued messages: answers/s of
   messages sent, against one message per claim in the same run (``--skip-drain`` leaves it).
3. board: ``rollcall.board`` for the whole city after all answers (what the board page redraws).
   Baseline: the naive board, one query per person for their latest answer.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere in the repo

import requests  # noqa: E402
from rollcall_drain import drain_rows  # noqa: E402
from sqlalchemy import create_engine, delete, func, insert, select, text  # noqa: E402

from dashboard.domain import Actor, Role  # noqa: E402
from dashboard.services import demo, rollcall  # noqa: E402
from dashboard.services.rollcall.links import make_answer_token  # noqa: E402
from dashboard.storage.db import make_engine, reading, transaction  # noqa: E402
from dashboard.storage.migrate import upgrade_head  # noqa: E402
from dashboard.storage.models import (  # noqa: E402
    Jurisdiction,
    OutboxMessage,
    RollCall,
    RollCallAnswer,
    RollCallRecipient,
    StaffMember,
    utcnow,
)

STAFF = 35_000
# Target answers per second and concurrent clients.
RATE, CLIENTS = 400, 64
# People in the naive start baseline and answers in the one-client baseline (samples).
NAIVE_START_SAMPLE, SEQUENTIAL_SAMPLE = 2_000, 500
# No phase runs longer than this (seconds); what was done by then is reported.
PHASE_LIMIT_S = 300
SECRET = "bench-rollcall-secret-0123456789"
PG_ADMIN_URL = os.environ.get(
    "DASHBOARD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ADMIN = Actor(None, "bench-admin", "bench admin", Role.CRISIS_ADMIN, "27100")
CITY = "27100"
ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def prepare(engine, staff: int) -> None:
    upgrade_head(engine)
    demo.seed_demo(engine)
    rng = random.Random(7)
    with transaction(engine) as session:
        wards = list(
            session.scalars(select(Jurisdiction.code).where(Jurisdiction.parent_code == CITY))
        )
        rows = []
        for n in range(staff):
            both = rng.random() < 0.5
            rows.append(
                {
                    "employee_number": f"E{n:06d}",
                    "name": f"職員 {n}",
                    "unit_code": wards[n % len(wards)],
                    "tier": rng.choice((1, 2, 3, 4)),
                    "email": f"e{n}@example.lg.jp",
                    "lineworks_user_id": f"lw-{n}" if both else None,
                    "active": True,
                    "updated_at": utcnow(),
                }
            )
        session.execute(insert(StaffMember), rows)


def naive_start(engine, sample: int) -> float:
    """The naive start: one transaction per person. Returns seconds for ``sample`` people."""
    with transaction(engine) as session:
        rc = RollCall(
            submission_id=uuid.uuid4().hex,
            trigger="manual",
            title="naive",
            scope_code=CITY,
            remind_after_minutes=15,
            max_reminders=3,
            exercise=True,
        )
        session.add(rc)
        session.flush()
        rc_id = rc.id
        people = session.execute(select(StaffMember).limit(sample)).scalars().all()
        people = [(p.id, p.unit_code, p.tier, p.email, p.lineworks_user_id) for p in people]
    start = time.perf_counter()
    for staff_id, unit, tier, email, lw in people:
        with transaction(engine) as session:
            recipient = RollCallRecipient(
                rollcall_id=rc_id, staff_id=staff_id, unit_code=unit, tier=tier
            )
            session.add(recipient)
            session.flush()
            for kind in (["email"] if email else []) + (["lineworks"] if lw else []):
                session.add(
                    OutboxMessage(
                        recipient_id=recipient.id,
                        channel_kind=kind,
                        purpose="rollcall",
                        exercise=True,
                    )
                )
    return time.perf_counter() - start


def answer_body(rng: random.Random, token: str, n: int) -> dict:
    roll = rng.random()
    body = {"token": token, "submission_id": f"b{n}", "safety": "safe", "attendance": "can_come"}
    if roll < 0.2:
        body["attendance"] = "arrived"
    elif roll < 0.3:
        body.update(attendance="cannot", reason="交通途絶")
    elif roll < 0.4:
        body["safety"] = "injured_minor"
    if body["attendance"] == "can_come":
        body["eta_minutes"] = rng.choice((20, 45, 90, 150, 300, 480))
    return body


def serve(url: str) -> tuple[subprocess.Popen, str]:
    """The app's HTTP routes in their own process on a free local port."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = (
        "import uvicorn; from starlette.applications import Starlette; from dashboard import web;"
        f"uvicorn.run(Starlette(routes=web.ROUTES), host='127.0.0.1', port={port},"
        " log_level='warning')"
    )
    env = dict(
        os.environ,
        DASHBOARD_DATABASE_URL=url,
        DASHBOARD_SECRET_KEY=SECRET,
        DASHBOARD_DEMO_MODE="false",
        PYTHONPATH=str(ROOT),
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}/rollcall/answer"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.post(base, json={}, timeout=1)
            return proc, base
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("answer endpoint did not start")


def post_answers(base: str, bodies: list[dict], rate: float, clients: int) -> tuple[float, list]:
    """Send from ``clients`` threads, request i at start + i/rate; (seconds, latencies)."""
    latencies: list[float] = []
    failures = []
    lock = threading.Lock()
    counter = iter(range(len(bodies)))
    start = time.perf_counter()

    def client() -> None:
        with requests.Session() as http:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None or time.perf_counter() - start > PHASE_LIMIT_S:
                    return
                wait = start + i / rate - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                began = time.perf_counter()
                answer = http.post(base, json=bodies[i], timeout=30)
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    if answer.status_code != 200:
                        failures.append(answer.status_code)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        print(f"  ({len(failures)} answers refused: {sorted(set(failures))})")
    return time.perf_counter() - start, latencies


def naive_board(engine, rollcall_id: int) -> float:
    start = time.perf_counter()
    with reading(engine) as session:
        ids = session.execute(
            select(RollCallRecipient.id, RollCallRecipient.unit_code).where(
                RollCallRecipient.rollcall_id == rollcall_id
            )
        ).all()
        counts: dict[str, list[int]] = {}
        for recipient_id, unit in ids:
            latest = session.scalars(
                select(RollCallAnswer)
                .where(RollCallAnswer.recipient_id == recipient_id)
                .order_by(RollCallAnswer.id.desc())
                .limit(1)
            ).first()
            row = counts.setdefault(unit, [0, 0, 0])
            row[0] += 1
            if latest is not None:
                row[1] += 1
                row[2] += latest.attendance == "arrived"
    return time.perf_counter() - start


def bench(name: str, url: str, args) -> list[tuple[str, str, str]]:
    big = "postgresql" in url
    engine = make_engine(url, pool_size=10, max_overflow=10) if big else make_engine(url)
    rows = []
    try:
        prepare(engine, args.staff)
        naive_s = naive_start(engine, min(NAIVE_START_SAMPLE, args.staff))
        naive_rate = min(NAIVE_START_SAMPLE, args.staff) / naive_s
        with transaction(engine) as session:  # the naive run's messages are not to be sent
            session.execute(delete(OutboxMessage).where(OutboxMessage.exercise.is_(True)))
        rows.append(
            (
                "start: naive, 1 transaction per person (sample, scaled)",
                f"{args.staff / naive_rate:.2f} s",
                f"{naive_rate:,.0f} people/s",
            )
        )
        began = time.perf_counter()
        rc = rollcall.start_rollcall(engine, ADMIN, submission_id="bench", scope_code=CITY)
        start_s = time.perf_counter() - began
        with reading(engine) as session:
            queued = session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.exercise.is_(False))
            )
            pairs = session.execute(
                select(RollCallRecipient.id, RollCallRecipient.staff_id)
                .where(RollCallRecipient.rollcall_id == rc)
                .order_by(RollCallRecipient.id)
            ).all()
        rows.append(
            (
                f"start: start_rollcall ({len(pairs):,} people, {queued:,} messages)",
                f"{start_s:.2f} s",
                f"{len(pairs) / start_s:,.0f} people/s",
            )
        )
        if not args.skip_drain:
            rows += drain_rows(engine, secret=SECRET, limit_s=PHASE_LIMIT_S)
        if args.skip_answers:
            return [(name, *row) for row in rows]
        rng, now = random.Random(11), utcnow()
        bodies = [
            answer_body(rng, make_answer_token(r, s, secret=SECRET, now=now), n)
            for n, (r, s) in enumerate(pairs)
        ]
        proc, base = serve(url)
        try:
            sample = bodies[:SEQUENTIAL_SAMPLE]
            seq_s, seq_lat = post_answers(base, sample, rate=1e9, clients=1)
            rows.append(
                (
                    f"answers: baseline, 1 client one after another ({len(sample)})",
                    f"{len(seq_lat) / seq_s:,.0f} /s",
                    f"p50 {percentile(seq_lat, 0.5) * 1000:.1f} ms, "
                    f"p95 {percentile(seq_lat, 0.95) * 1000:.1f} ms",
                )
            )
            rest = bodies[SEQUENTIAL_SAMPLE:]
            took, lat = post_answers(base, rest, rate=args.rate, clients=args.clients)
            rows.append(
                (
                    f"answers: {args.clients} clients, target {args.rate}/s ({len(lat):,})",
                    f"{len(lat) / took:,.0f} /s",
                    f"p50 {percentile(lat, 0.5) * 1000:.1f} ms, "
                    f"p95 {percentile(lat, 0.95) * 1000:.1f} ms",
                )
            )
        finally:
            proc.terminate()
            proc.wait(10)
        naive_b = naive_board(engine, rc)
        rows.append(("board: naive, one query per person", f"{naive_b:.2f} s", ""))
        times = []
        for _ in range(3):
            began = time.perf_counter()
            board = rollcall.board(engine, ADMIN, rc)
            times.append(time.perf_counter() - began)
        rows.append(
            (
                f"board: rollcall.board, 24 wards (median of 3; {board.total.answered:,} answered)",
                f"{statistics.median(times):.2f} s",
                f"参集率 {board.total.rate:.0%}",
            )
        )
        return [(name, *row) for row in rows]
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=STAFF)
    parser.add_argument("--rate", type=float, default=RATE)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--pg-url", default=PG_ADMIN_URL)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-drain", action="store_true")
    parser.add_argument("--skip-answers", action="store_true", help="start and drain only")
    args = parser.parse_args()

    results = []
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            results += bench("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args)
    admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
    name = f"dashboard_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - no server: report and go on
        print(f"(PostgreSQL skipped: {str(exc).splitlines()[0]})")
    else:
        try:
            url = admin.url.set(database=name).render_as_string(hide_password=False)
            results += bench("postgresql", url, args)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()

    print(f"\nStaff roll-call, {args.staff:,} staff")
    header = f"{'backend':<11} {'measure':<66} {'time/rate':>12}  detail"
    print(header)
    print("-" * (len(header) + 20))
    for backend, label, value, detail in results:
        print(f"{backend:<11} {label:<66} {value:>12}  {detail}")


if __name__ == "__main__":
    main()
