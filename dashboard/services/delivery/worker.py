"""The delivery worker: a thread in each app process, or ``python -m dashboard run-worker``.

Each cycle runs the periodic jobs it was given (features hand them in, e.g. directives' escalation;
delivery imports no feature), then claims what is due, sends it in parallel outside any database
transaction while renewing the claims (heartbeat), and records the outcome.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import Engine

from dashboard.channels import CHANNELS, Channel, SendResult
from dashboard.services.delivery.queue import (
    HEARTBEAT,
    Job,
    OutboxReport,
    claim_due,
    has_due,
    record_results,
    renew_claims,
)
from dashboard.settings import Settings, get_settings
from dashboard.storage.models import utcnow

# How many attempt details the worker logs at most per failing cycle (keeps logs readable).
LOG_DETAILS = 5

# A job run on every worker cycle before sending: ``job(engine, now=..., settings=...)``.
PeriodicJob = Callable[..., object]

logger = logging.getLogger(__name__)


def send_job(
    job: Job,
    channels: dict[str, Channel],
    credentials: dict[str, dict[str, Any]],
    *,
    timeout: float,
) -> SendResult:
    """Send one job; never raises (a bug in a channel must not stop the other channels)."""
    channel = channels.get(job.kind)
    if channel is None:
        return SendResult.failed(f"unknown channel kind {job.kind!r}", retryable=False)
    try:
        return channel.send(job.message, job.target, credentials.get(job.kind, {}), timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - logged as a failed attempt and retried
        return SendResult.failed(f"{job.kind}: {type(exc).__name__}: {exc}", retryable=True)


def run_outbox_once(
    engine: Engine,
    *,
    now: datetime | None = None,
    channels: dict[str, Channel] = CHANNELS,
    credentials: dict[str, dict[str, Any]] | None = None,
    settings: Settings | None = None,
) -> OutboxReport:
    """Claim the due messages, send them in parallel outside the database, record the outcome.

    ``now`` schedules claims and retries (tests inject it); the sends themselves happen at once.
    """
    settings = settings or get_settings()
    now = now or utcnow()
    credentials = credentials if credentials is not None else settings.channel_credentials()
    if not has_due(engine, now=now):
        return OutboxReport()
    jobs = claim_due(engine, now=now, settings=settings)
    if not jobs:
        return OutboxReport()
    timeout = settings.channel_timeout_seconds
    with (
        _heartbeat(engine, jobs, claimed_at=now),
        ThreadPoolExecutor(max_workers=min(settings.worker_concurrency, len(jobs))) as pool,
    ):
        outcomes = list(
            pool.map(lambda job: send_job(job, channels, credentials, timeout=timeout), jobs)
        )
    results = list(zip(jobs, outcomes, strict=True))
    failures = [
        f"{job.kind} #{job.message_id}" + ("" if job.personal else f": {r.detail}")
        for job, r in results
        if not r.ok
    ]
    if failures:
        logger.warning("outbox: %d failed attempt(s): %s", len(failures), failures[:LOG_DETAILS])
    return record_results(engine, results, now=now, settings=settings)


@contextmanager
def _heartbeat(engine: Engine, jobs: list[Job], *, claimed_at: datetime) -> Iterator[None]:
    """Renew the jobs' claims every ``HEARTBEAT`` until the block ends (a thread beside the
    sends; ``claimed_at`` is the injected clock, advanced by the real time elapsed)."""
    done = threading.Event()
    started = time.monotonic()

    def beat() -> None:
        while not done.wait(HEARTBEAT.total_seconds()):
            elapsed = timedelta(seconds=time.monotonic() - started)
            try:
                renew_claims(engine, jobs, now=claimed_at + elapsed)
            except Exception:  # noqa: BLE001 - a missed beat only shortens the lease
                logger.warning("outbox: could not renew claims", exc_info=True)

    thread = threading.Thread(target=beat, name="delivery-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def run_worker_cycle(
    engine: Engine,
    *,
    now: datetime,
    settings: Settings,
    periodic: Iterable[PeriodicJob] = (),
) -> OutboxReport:
    """One tick of the worker: the periodic jobs (e.g. reminding overdue wards), then send."""
    for job in periodic:
        job(engine, now=now, settings=settings)
    return run_outbox_once(engine, now=now, settings=settings)


def worker_loop(
    engine: Engine,
    *,
    stop: threading.Event,
    settings: Settings | None = None,
    periodic: Iterable[PeriodicJob] = (),
    clock: Callable[[], datetime] = utcnow,
) -> None:
    """Run worker cycles until ``stop`` is set; errors are logged and the loop goes on."""
    settings = settings or get_settings()
    failing = False
    while not stop.is_set():
        report = OutboxReport()
        try:
            report = run_worker_cycle(engine, now=clock(), settings=settings, periodic=periodic)
            failing = False
        except Exception:  # noqa: BLE001 - a database hiccup must not end delivery for good
            if not failing:
                logger.exception("delivery worker cycle failed; retrying")
            failing = True
        # A full batch means more is waiting: go on at once.
        if report.claimed < settings.worker_batch_size:
            stop.wait(settings.worker_interval_seconds)


class Worker:
    """A delivery worker thread (one per app process); ``stop()`` ends it after its cycle."""

    # Every started worker that has not been stopped, for a clean shutdown (and for tests).
    live: ClassVar[set[Worker]] = set()

    def __init__(
        self,
        engine: Engine,
        settings: Settings | None = None,
        periodic: Iterable[PeriodicJob] = (),
    ) -> None:
        self.stop_event = threading.Event()
        self.thread = threading.Thread(
            target=worker_loop,
            args=(engine,),
            kwargs={"stop": self.stop_event, "settings": settings, "periodic": tuple(periodic)},
            name="delivery-worker",
            daemon=True,
        )

    @classmethod
    def start(
        cls,
        engine: Engine,
        settings: Settings | None = None,
        *,
        periodic: Iterable[PeriodicJob] = (),
    ) -> Worker:
        worker = cls(engine, settings, periodic)
        worker.thread.start()
        cls.live.add(worker)
        return worker

    def stop(self, timeout: float | None = None) -> None:
        self.stop_event.set()
        Worker.live.discard(self)
        if timeout is not None:
            self.thread.join(timeout)


def stop_all_workers(timeout: float = 10) -> None:
    """Stop every worker thread of this process and wait for each to finish its cycle."""
    for worker in list(Worker.live):
        worker.stop(timeout)


def run_until_signalled(
    engine: Engine, settings: Settings | None = None, *, periodic: Iterable[PeriodicJob] = ()
) -> str:
    """Run the worker in the foreground until SIGINT or SIGTERM (the ``run-worker`` command)."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    logger.info("delivery worker running")
    worker_loop(engine, stop=stop, settings=settings, periodic=periodic)
    return "delivery worker stopped"
