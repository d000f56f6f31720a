"""The roll-call's vocabulary and who may see what; labels are the texts ``rollcall.*``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dashboard.domain import COMMAND_ROLES, SYSTEM, Actor, Role
from dashboard.errors import PermissionDenied
from dashboard.services.areas import scope_codes

# Mobilisation tiers, mildest first: 警戒配備, 第1, 第2, 第3非常配備 (the disaster-mode levels).
TIERS = (1, 2, 3, 4)
# How a person is: unhurt, slightly or seriously injured.
SAFETY = ("safe", "injured_minor", "injured_serious")
# Whether a person comes in: can come (with an arrival estimate), cannot, already there.
ATTENDANCE = ("can_come", "cannot", "arrived")
# What started a roll-call.
TRIGGERS = ("manual", "declaration", "intensity")
# Outbox purposes of the first message and of a reminder.
PURPOSE_CALL, PURPOSE_REMINDER = "rollcall", "rollcall_remind"
# Channel kinds a person can be reached on (their e-mail, their LINE WORKS account).
PERSON_CHANNELS = ("lineworks", "email")
# Answers tapped in the LINE WORKS talk room (postback ``rc:<recipient id>:<word>``), stored as
# the answer page stores them: word -> (safety, attendance). Labels: texts "rollcall.chat.<word>".
CHAT_PREFIX = "rc"
CHAT_ANSWERS = {
    "come": ("safe", "can_come"),
    "cannot": ("safe", "cannot"),
    "injured": ("injured_minor", "cannot"),
    "arrived": ("safe", "arrived"),
}
# The 到着予定 quick replies: word -> minutes (None: longer than the longest choice).
CHAT_ETAS = {"eta30": 30, "eta60": 60, "eta180": 180, "etamore": None}
# Roles that see personal data of every unit in scope (the crisis office).
CRISIS_OFFICE = frozenset({Role.CRISIS_ADMIN})


def board_units(session: Session, actor: Actor) -> frozenset[str] | None:
    """Units whose counts the actor may see: every unit in scope for command roles, the own ward
    for its head; None for anyone else."""
    if actor is SYSTEM or actor.role in COMMAND_ROLES:
        return scope_codes(session, actor)
    if actor.role == Role.WARD_HEAD:
        return frozenset({actor.jurisdiction_code})
    return None


def personal_units(session: Session, actor: Actor) -> frozenset[str]:
    """Units whose staff names and answers the actor may see: all in scope for the crisis office,
    the own unit for its head; refused for everyone else (a mayor sees counts only)."""
    if actor is SYSTEM or actor.role in CRISIS_OFFICE:
        return scope_codes(session, actor)
    if actor.role == Role.WARD_HEAD:
        return frozenset({actor.jurisdiction_code})
    raise PermissionDenied()
