"""Who a LINE WORKS user id is: a dashboard account and/or a person of the staff register
(both carry ``lineworks_user_id``, set by hand or by the account and staff imports)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.i18n import LANGUAGES
from dashboard.services.accounts import actor_for
from dashboard.services.chatbot.context import Speaker
from dashboard.storage.models import StaffMember, User

# Named in the audit log of every act that came through the bot.
VIA = "lineworks"
# What find_speaker answers for an id nobody has, and for one whose holders are all deactivated.
UNKNOWN, DEACTIVATED = "unknown", "deactivated"


def find_speaker(session: Session, lineworks_user_id: str) -> Speaker | str:
    """The speaker, or ``UNKNOWN`` / ``DEACTIVATED``."""
    users = session.scalars(select(User).where(User.lineworks_user_id == lineworks_user_id)).all()
    staff = session.scalars(
        select(StaffMember).where(StaffMember.lineworks_user_id == lineworks_user_id)
    ).all()
    if not users and not staff:
        return UNKNOWN
    user = next((u for u in users if u.active), None)
    person = next((p for p in staff if p.active), None)
    if user is None and person is None:
        return DEACTIVATED
    actor = replace(actor_for(user), via=VIA) if user is not None else None
    return Speaker(
        lineworks_user_id, actor, person.id if person is not None else None, _language(user)
    )


def language_of(session: Session, lineworks_user_id: str) -> str:
    """The language of the account linked to ``lineworks_user_id``, active or not; Japanese
    when no account is (the register stores no language)."""
    users = session.scalars(select(User).where(User.lineworks_user_id == lineworks_user_id)).all()
    user = next((u for u in users if u.active), users[0] if users else None)
    return _language(user)


def _language(user: User | None) -> str:
    return user.language if user is not None and user.language in LANGUAGES else "ja"
