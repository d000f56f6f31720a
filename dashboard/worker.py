"""The delivery worker as the product runs it: the outbox plus every feature's periodic job.

``delivery`` knows no feature; this module composes it with the jobs that must run on each cycle
(passing a directive from a silent or unavailable unit head to the next deputy, reminding wards
that have not acknowledged a directive, and staff who have not answered a roll-call). The
``run-worker`` command and the in-app worker thread both start it from here, so the two never
differ.
"""

from __future__ import annotations

from sqlalchemy import Engine

from dashboard.services import chatbot, delivery, directives, hq, rollcall
from dashboard.settings import Settings


# Run on every worker cycle, before the due messages are sent (so reminders go out at once).
def remind_rollcalls(engine: Engine, *, now, settings: Settings) -> None:
    rollcall.remind_unanswered(engine, now=now)


# The stand-in runs before the reminders, so a reminder goes to whoever holds the directive now.
PERIODIC_JOBS: tuple[delivery.PeriodicJob, ...] = (
    hq.hand_over_overdue,
    directives.escalate_overdue,
    remind_rollcalls,
    rollcall.poll_jma_job,  # only when DASHBOARD_JMA_FEED_URL is set; in a thread of its own
    chatbot.process_bot_events,  # LINE WORKS events left over or due for a retry
)


def start_worker(engine: Engine, settings: Settings | None = None) -> delivery.Worker:
    """Start the delivery worker thread of this app process."""
    return delivery.Worker.start(engine, settings, periodic=PERIODIC_JOBS)


def run_until_signalled(engine: Engine, settings: Settings | None = None) -> str:
    """Run the worker in the foreground until SIGINT or SIGTERM (the ``run-worker`` command)."""
    return delivery.run_until_signalled(engine, settings, periodic=PERIODIC_JOBS)
