"""「回答リンクを表示」: in demo mode only, the crisis office sees the personal answer links of a
roll-call's recipients, so that a newcomer can answer as a staff member without a mail server.

Outside demo mode the links exist only in the messages sent to each person: nobody else ever
sees them (a link alone authorises answering for its person).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from dashboard.clock import utcnow
from dashboard.domain import Actor
from dashboard.errors import PermissionDenied
from dashboard.services.areas import require_role
from dashboard.services.rollcall.links import answer_url
from dashboard.services.rollcall.vocab import CRISIS_OFFICE
from dashboard.settings import get_settings
from dashboard.storage.db import reading
from dashboard.storage.models import Jurisdiction, RollCallRecipient, StaffMember

# Links listed at most (the first recipients by unit and employee number).
DEMO_LINKS_MAX = 20


@dataclass(frozen=True)
class DemoLink:
    name: str
    unit_name: str
    url: str


def demo_answer_links(
    engine: Engine, actor: Actor, rollcall_id: int, *, now: datetime | None = None
) -> list[DemoLink]:
    """The answer links of the first recipients of ``rollcall_id``; demo mode and the crisis
    office only."""
    settings = get_settings()
    if not settings.demo_mode:
        raise PermissionDenied("rollcall.demo_links_only")
    require_role(actor, CRISIS_OFFICE)
    now = now or utcnow()
    with reading(engine) as session:
        rows = session.execute(
            select(RollCallRecipient.id, StaffMember.id, StaffMember.name, Jurisdiction.name_ja)
            .join(StaffMember, StaffMember.id == RollCallRecipient.staff_id)
            .join(Jurisdiction, Jurisdiction.code == RollCallRecipient.unit_code)
            .where(RollCallRecipient.rollcall_id == rollcall_id)
            .order_by(RollCallRecipient.unit_code, StaffMember.employee_number)
            .limit(DEMO_LINKS_MAX)
        ).all()
    return [
        DemoLink(name, unit, answer_url(recipient, staff, settings=settings, now=now))
        for recipient, staff, name, unit in rows
    ]
