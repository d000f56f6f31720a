"""Directives (指示): the mayor or governor instructs wards, and knows who has acted on it.

``send`` (templates, targets, sending), ``inbox`` (a ward reads, acknowledges 了解 and answers),
``links`` (signed acknowledgement links, the LINE WORKS callback), ``board`` (tracking per ward)
and ``escalation`` (reminders, and the delivery worker's periodic job ``escalate_overdue``).
"""

from dashboard.services.directives.board import (
    Board,
    BoardRow,
    DirectiveSummary,
    board_areas,
    directive_board,
    list_directives,
)
from dashboard.services.directives.escalation import escalate_overdue, resend_unacknowledged
from dashboard.services.directives.inbox import (
    ANSWER_STATUSES,
    InboxItem,
    InboxSummary,
    acknowledge,
    answer,
    inbox_summary,
    list_inbox,
    mark_read,
    may_acknowledge,
    unread_count,
)
from dashboard.services.directives.links import (
    AckOutcome,
    ack_link_item,
    acknowledge_by_link,
    acknowledge_in_room,
    verify_ack_link,
)
from dashboard.services.directives.send import (
    BODY_MAX,
    SENDER_ROLES,
    TARGET_REASONS,
    TEMPLATES,
    TITLE_MAX,
    DuplicateDirective,
    TargetGroups,
    create_directive,
    list_targets,
    send_directive,
    target_groups,
    target_reasons,
    template_targets,
)
from dashboard.services.gate import gate

__all__ = [
    "ANSWER_STATUSES",
    "AckOutcome",
    "BODY_MAX",
    "SENDER_ROLES",
    "Board",
    "BoardRow",
    "DirectiveSummary",
    "DuplicateDirective",
    "InboxItem",
    "InboxSummary",
    "TARGET_REASONS",
    "TEMPLATES",
    "TITLE_MAX",
    "TargetGroups",
    "ack_link_item",
    "acknowledge",
    "acknowledge_by_link",
    "acknowledge_in_room",
    "answer",
    "board_areas",
    "create_directive",
    "directive_board",
    "escalate_overdue",
    "inbox_summary",
    "list_directives",
    "list_inbox",
    "list_targets",
    "mark_read",
    "may_acknowledge",
    "resend_unacknowledged",
    "send_directive",
    "target_groups",
    "template_targets",
    "target_reasons",
    "unread_count",
    "verify_ack_link",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
