"""The drain phase of bench/rollcall.py: how fast the delivery worker sends a roll-call's queued
personal messages (35,000 people ≈ 52,000 messages), on the database being benchmarked.

The worker is driven as the product runs it (``run_outbox_once`` again at once while batches come
back full, ``worker_batch_size`` and ``worker_concurrency`` from the settings) with channels that
answer at once, or after a simulated round trip (a LINE WORKS API call or an SMTP relay), so the
figures are the worker's own cost: claiming, building and signing each message, recording the
outcome. Baseline in the same run: one message per claim (``worker_batch_size=1``) on a sample.
"""

from __future__ import annotations

import time

from sqlalchemy import func, select

from dashboard.channels import SendResult
from dashboard.services import delivery
from dashboard.settings import Settings
from dashboard.storage.db import reading
from dashboard.storage.models import OutboxMessage

# Messages in the one-per-claim baseline; a simulated channel round trip (seconds) and how many
# messages are sent with it.
BASELINE_SAMPLE, ROUND_TRIP_S, ROUND_TRIP_SAMPLE = 500, 0.05, 1_000


class BenchChannel:
    """A channel that takes every message, after ``delay`` seconds."""

    def __init__(self, delay: float = 0.0):
        self.delay, self.sent = delay, 0

    def validate_target(self, target):
        return []

    def send(self, message, target, credentials, *, timeout):
        if self.delay:
            time.sleep(self.delay)
        self.sent += 1
        return SendResult.delivered("bench")


def _pending(engine) -> int:
    with reading(engine) as session:
        stmt = select(func.count()).select_from(OutboxMessage)
        return session.scalar(stmt.where(OutboxMessage.status == "pending"))


def _drain(engine, settings: Settings, *, limit_messages: int, limit_s: float, delay: float):
    """Worker cycles until ``limit_messages`` were sent, nothing is due, or ``limit_s`` passed;
    (messages sent, seconds, cycles)."""
    channels = {"email": BenchChannel(delay), "lineworks": BenchChannel(delay)}
    sent = cycles = 0
    began = time.perf_counter()
    while sent < limit_messages and time.perf_counter() - began < limit_s:
        report = delivery.run_outbox_once(
            engine, channels=channels, credentials={}, settings=settings
        )
        if report.claimed == 0:
            break
        sent, cycles = sent + report.sent, cycles + 1
    return sent, time.perf_counter() - began, cycles


def drain_rows(engine, *, secret: str, limit_s: float) -> list[tuple[str, str, str]]:
    """Rows for the table, in order on the same queue: the baseline (1 message per claim) on a
    sample, the product's settings with channels taking ROUND_TRIP_S on a sample, then the
    product's settings draining the rest with instant channels (the worker's own rate)."""
    base = {"secret_key": secret, "base_url": "http://127.0.0.1:8501"}
    product = Settings(**base)
    shape = f"batch {product.worker_batch_size}, {product.worker_concurrency} in flight"
    total = _pending(engine)
    rows = []
    one = Settings(**base, worker_batch_size=1)
    n, took, _ = _drain(engine, one, limit_messages=BASELINE_SAMPLE, limit_s=limit_s, delay=0.0)
    rows.append(
        (
            f"drain: baseline, 1 message per claim ({n:,})",
            f"{n / took:,.0f} msg/s",
            f"all {total:,} would take {total * took / n:,.0f} s",
        )
    )
    n, took, _ = _drain(
        engine, product, limit_messages=ROUND_TRIP_SAMPLE, limit_s=limit_s, delay=ROUND_TRIP_S
    )
    rows.append(
        (
            f"drain: worker ({shape}), {ROUND_TRIP_S * 1000:.0f} ms sends ({n:,})",
            f"{n / took:,.0f} msg/s",
            f"bound {product.worker_concurrency / ROUND_TRIP_S:,.0f} msg/s "
            f"(in flight / round trip)",
        )
    )
    rest = _pending(engine)
    n, took, cycles = _drain(engine, product, limit_messages=rest, limit_s=limit_s, delay=0.0)
    left = _pending(engine)
    rows.append(
        (
            f"drain: worker ({shape}), instant sends ({n:,})",
            f"{n / took:,.0f} msg/s",
            f"all {total:,}: {total * took / n:,.0f} s"
            + (f" (projected; {left:,} left at the phase limit)" if left else "")
            + f"; {cycles:,} cycles",
        )
    )
    return rows
