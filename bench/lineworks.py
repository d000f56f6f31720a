"""Benchmark: a roll-call answered by button in LINE WORKS, 2,000 callback events a minute.

Usage: python bench/lineworks.py [--events N] [--per-minute R] [--replays SHARE] [--pg-url URL]
Prints a table; asserts nothing. Everything runs on 127.0.0.1 and stops by itself.

One app process (the dashboard's HTTP routes under uvicorn, as ``app.py`` mounts them) takes
signed callbacks from a fake LINE WORKS (tests/dashboard/services/chatbot/fake_lineworks.py:
token endpoint and message API, which the bot's receipts go to). N staff of the register each
tap 無事・参集できる once, sent at R events per minute by 16 clients; a share of the events is
sent twice (a replay). Measured: the callback's answer latency p50/p95 (what LINE WORKS waits
for), how long until every event was worked (answer stored, receipt sent), and whether any
event was lost or doubled (answers stored = distinct events, receipts = distinct events).
Baseline in the same run: the same answers POSTed to the answer page's JSON route
(``/rollcall/answer``, signed link) at the same rate.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from anywhere in the repo

import requests  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from dashboard.domain import Actor, Role  # noqa: E402
from dashboard.services import chatbot, demo, rollcall  # noqa: E402
from dashboard.services.rollcall.links import make_answer_token  # noqa: E402
from dashboard.storage.db import make_engine, reading, transaction  # noqa: E402
from dashboard.storage.migrate import upgrade_head  # noqa: E402
from dashboard.storage.models import (  # noqa: E402
    BotInboundEvent,
    Jurisdiction,
    RollCallAnswer,
    RollCallRecipient,
    StaffMember,
    utcnow,
)
from tests.dashboard.channels.factories import make_rsa_key  # noqa: E402
from tests.dashboard.services.chatbot.fake_lineworks import (  # noqa: E402
    BOT_ID,
    BOT_SECRET,
    fake_lineworks,
    signature_of,
    tap,
)

EVENTS, PER_MINUTE, CLIENTS = 2_000, 2_000, 16
# Share of events sent a second time (a replay: must change nothing).
REPLAYS = 0.05
# Answers in the page-route baseline (a sample at the same rate).
BASELINE_SAMPLE = 500
# No phase runs longer than this (seconds); what was done by then is reported.
PHASE_LIMIT_S = 240
SECRET = "bench-lineworks-secret-0123456789"
ADMIN = Actor(None, "bench-admin", "bench admin", Role.CRISIS_ADMIN, "27100")
CITY = "27100"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def prepare(engine, staff: int) -> dict[int, tuple[int, str]]:
    """Demo city, ``staff`` people with LINE WORKS ids, a roll-call; recipient -> (staff, lw)."""
    upgrade_head(engine)
    demo.seed_demo(engine)
    with transaction(engine) as session:
        wards = list(
            session.scalars(select(Jurisdiction.code).where(Jurisdiction.parent_code == CITY))
        )
        session.execute(
            insert(StaffMember),
            [
                {
                    "employee_number": f"L{n:06d}",
                    "name": f"職員 {n}",
                    "unit_code": wards[n % len(wards)],
                    "tier": 1,
                    "lineworks_user_id": f"lw-bench-{n}",
                    "active": True,
                    "updated_at": utcnow(),
                }
                for n in range(staff)
            ],
        )
    call = rollcall.start_rollcall(engine, ADMIN, submission_id="bench-lw", scope_code=CITY)
    with reading(engine) as session:
        rows = session.execute(
            select(RollCallRecipient.id, StaffMember.id, StaffMember.lineworks_user_id)
            .join(StaffMember, StaffMember.id == RollCallRecipient.staff_id)
            .where(
                RollCallRecipient.rollcall_id == call, StaffMember.lineworks_user_id.is_not(None)
            )
        )
        return {r: (s, lw) for r, s, lw in rows}


def serve(url: str, env_extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """The app's HTTP routes in their own process on a free local port."""
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
        NO_PROXY="127.0.0.1",
        PYTHONPATH=str(ROOT),
        **env_extra,
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/", timeout=1)
            return proc, base
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("app did not start")


def post_all(
    url: str, requests_: list[tuple[bytes, dict]], per_second: float
) -> tuple[float, list[float], dict[str, int]]:
    """Send from CLIENTS threads, request i at start + i/rate; (seconds, latencies, answers)."""
    latencies: list[float] = []
    answers: dict[str, int] = {}
    lock = threading.Lock()
    counter = iter(range(len(requests_)))
    start = time.perf_counter()

    def client() -> None:
        with requests.Session() as http:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None or time.perf_counter() - start > PHASE_LIMIT_S:
                    return
                wait = start + i / per_second - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                body, headers = requests_[i]
                began = time.perf_counter()
                answer = http.post(url, data=body, headers=headers, timeout=30)
                took = time.perf_counter() - began
                key = f"{answer.status_code} {answer.text[:20]}"
                with lock:
                    latencies.append(took)
                    answers[key] = answers.get(key, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, latencies, answers


def bench(name: str, url: str, args) -> list[tuple[str, str, str]]:
    engine = make_engine(url)
    recipients = prepare(engine, args.events + BASELINE_SAMPLE)
    ids = sorted(recipients)
    bot_ids, page_ids = ids[: args.events], ids[args.events :]
    rng = random.Random(23)
    rows = []
    with fake_lineworks() as api:
        env = {
            "DASHBOARD_LINEWORKS_BOT_SECRET": BOT_SECRET,
            "DASHBOARD_LINEWORKS_CLIENT_ID": "client-abc",
            "DASHBOARD_LINEWORKS_CLIENT_SECRET": "secret-xyz",
            "DASHBOARD_LINEWORKS_SERVICE_ACCOUNT": "bot@example.lg.jp",
            "DASHBOARD_LINEWORKS_PRIVATE_KEY": make_rsa_key()[0],
            "DASHBOARD_LINEWORKS_BOT_ID": BOT_ID,
            "DASHBOARD_LINEWORKS_TOKEN_URL": f"{api.api_url}/oauth2/v2.0/token",
            "DASHBOARD_LINEWORKS_API_BASE": f"{api.api_url}/v1.0",
        }
        proc, base = serve(url, env)
        try:
            # Baseline: the answer page's route, same rate.
            page = []
            for n, recipient in enumerate(page_ids):
                token = make_answer_token(
                    recipient, recipients[recipient][0], secret=SECRET, now=utcnow()
                )
                fields = {
                    "token": token,
                    "submission_id": f"page-{n}",
                    "safety": "safe",
                    "attendance": "can_come",
                }
                body = json.dumps(fields).encode()
                page.append((body, {"Content-Type": "application/json"}))
            seconds, page_lat, _ = post_all(base + "/rollcall/answer", page, args.per_minute / 60)
            rows.append(
                (
                    f"{name}: baseline, answer page route ({len(page)})",
                    f"p50 {percentile(page_lat, 0.5) * 1000:.0f} ms",
                    f"p95 {percentile(page_lat, 0.95) * 1000:.0f} ms",
                )
            )
            # The bot: one tap per person, some sent twice.
            events = []
            for recipient in bot_ids:
                body = tap(recipients[recipient][1], f"rc:{recipient}:come")
                headers = {
                    "X-WORKS-Signature": signature_of(body),
                    "Content-Type": "application/json",
                }
                events.append((body, headers))
                if rng.random() < args.replays:
                    events.append((body, headers))
            sent_at = time.perf_counter()
            seconds, lat, answers = post_all(
                base + "/lineworks/callback", events, args.per_minute / 60
            )
            # Until every event was worked (bounded).
            deadline = time.monotonic() + PHASE_LIMIT_S
            while time.monotonic() < deadline:
                counts = chatbot.count_by_status(engine)
                if not counts.get("pending") and not counts.get("working"):
                    break
                time.sleep(0.2)
            worked_s = time.perf_counter() - sent_at
        finally:
            proc.terminate()
            proc.wait(30)
        with reading(engine) as session:
            stored = session.scalar(
                select(func.count())
                .select_from(RollCallAnswer)
                .where(RollCallAnswer.submission_id.like("lw-%"))
            )
            waits = session.execute(
                select(BotInboundEvent.received_at, BotInboundEvent.done_at).where(
                    BotInboundEvent.done_at.is_not(None)
                )
            ).all()
        counts = chatbot.count_by_status(engine)
        receipts = len({u for u, c in api.sent})
    work = [(done - got).total_seconds() for got, done in waits]
    distinct = len(bot_ids)
    rows += [
        (
            f"{name}: bot callback answer ({len(events)} posts, {len(events) - distinct} replays)",
            f"p50 {percentile(lat, 0.5) * 1000:.0f} ms",
            f"p95 {percentile(lat, 0.95) * 1000:.0f} ms",
        ),
        (
            f"{name}: sent at",
            f"{len(events) / seconds * 60:,.0f} events/min",
            f"answers: {dict(sorted(answers.items()))}",
        ),
        (
            f"{name}: queued → worked (answer stored)",
            f"p50 {percentile(work, 0.5) * 1000:.0f} ms",
            f"p95 {percentile(work, 0.95) * 1000:.0f} ms",
        ),
        (
            f"{name}: all worked after the first post",
            f"{worked_s:.1f} s",
            f"events {dict(sorted(counts.items()))}",
        ),
        (
            f"{name}: lost or doubled",
            f"answers stored {stored} / {distinct} distinct",
            f"receipts to {receipts} people",
        ),
    ]
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=EVENTS)
    parser.add_argument("--per-minute", type=float, default=PER_MINUTE)
    parser.add_argument("--replays", type=float, default=REPLAYS)
    parser.add_argument("--pg-url", help="also run on this PostgreSQL server (a fresh database)")
    args = parser.parse_args()
    os.environ.setdefault("NO_PROXY", "127.0.0.1")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += bench("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args)
    if args.pg_url:
        name = f"bench_lineworks_{os.getpid()}"
        admin = make_engine(args.pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = admin.url.set(database=name).render_as_string(hide_password=False)
            rows += bench("PostgreSQL", url, args)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    width = max(len(r[0]) for r in rows)
    for label, a, b in rows:
        print(f"{label:<{width}}  {a:<28}  {b}")


if __name__ == "__main__":
    main()
