"""Delivery to outside channels: the outbox ``queue``, per-ward channel ``targets``, and the
``worker`` that drains the queue (LINE WORKS, e-mail, webhooks). Knows nothing of directives:
features hand it messages and, for the worker, their periodic jobs."""

from dashboard.services.delivery.personal import (
    PERSONAL_SOURCES,
    PersonalMessage,
    enqueue_personal,
    register_personal_source,
)
from dashboard.services.delivery.queue import (
    CLAIM_LEASE,
    ChannelState,
    Job,
    OutboxReport,
    ack_url,
    channel_states,
    claim_due,
    enqueue_messages,
    record_results,
    renew_claims,
)
from dashboard.services.delivery.targets import (
    TargetView,
    add_channel_target,
    list_channel_targets,
    set_channel_target_enabled,
)
from dashboard.services.delivery.worker import (
    PeriodicJob,
    Worker,
    run_outbox_once,
    run_until_signalled,
    run_worker_cycle,
    stop_all_workers,
)
from dashboard.services.gate import gate

__all__ = [
    "PERSONAL_SOURCES",
    "PersonalMessage",
    "enqueue_personal",
    "register_personal_source",
    "CLAIM_LEASE",
    "ChannelState",
    "Job",
    "OutboxReport",
    "PeriodicJob",
    "TargetView",
    "Worker",
    "ack_url",
    "add_channel_target",
    "channel_states",
    "claim_due",
    "enqueue_messages",
    "list_channel_targets",
    "record_results",
    "renew_claims",
    "run_outbox_once",
    "run_until_signalled",
    "run_worker_cycle",
    "set_channel_target_enabled",
    "stop_all_workers",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
