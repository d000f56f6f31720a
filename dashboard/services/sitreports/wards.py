"""What a ward head does for the numbered report: enter tallies for rows that are not point
reports (水道 戸数, 道路 箇所, …) and confirm the ward's figures before the city issues.

Only the ward head (or the city's command staff) of a ward in their scope may do either, and the
tallies of a ward are read only by users whose scope holds that ward.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.domain import COMMAND_ROLES, Actor, Role
from dashboard.errors import NotFound, ValidationFailed
from dashboard.services.areas import area_tree, require_in_scope, require_role
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.inputs import InputError, optional, parse_int
from dashboard.services.modes import get_disaster
from dashboard.services.sitreports.figures import WardState, ward_figures
from dashboard.services.sitreports.rows import TALLY_ROW_KEYS
from dashboard.services.sitreports.snapshot import AreaFigures
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import User, WardConfirmation, WardTally, utcnow

# Who may enter tallies and confirm a ward's figures.
WARD_FIGURE_ROLES = COMMAND_ROLES | {Role.WARD_HEAD}
# Largest tally accepted (a typo guard; 千円 amounts can be large).
MAX_TALLY = 100_000_000


@dataclass(frozen=True)
class TallyEntry:
    row_key: str
    value: int | None  # None: 未確認
    entered_at: datetime
    entered_by: str | None


def _require_ward(session: Session, actor: Actor, ward_code: str) -> None:
    require_role(actor, WARD_FIGURE_ROLES)
    tree = area_tree(session)
    if ward_code not in tree.levels or tree.children(ward_code):
        raise NotFound()
    require_in_scope(session, actor, [ward_code])


def parse_tallies(raw: Mapping[str, str | None]) -> dict[str, int | None]:
    """Tallies as typed (full-width digits accepted); an empty field is 未確認, not 0."""
    values, problems = {}, {}
    for key, text in raw.items():
        if key not in TALLY_ROW_KEYS:
            continue
        try:
            values[key] = optional(lambda s: parse_int(s, minimum=0, maximum=MAX_TALLY))(text)
        except InputError as exc:
            problems[key] = (exc.key, exc.params)
    if problems:
        raise ValidationFailed(problems)
    return values


def ward_tallies(
    engine: Engine, actor: Actor, disaster_id: int, ward_code: str
) -> dict[str, TallyEntry]:
    """The newest tally per row of one ward of the actor's scope."""
    with reading(engine) as session:
        _require_ward(session, actor, ward_code)
        disaster = get_disaster(session, actor, disaster_id)
        names = dict(session.execute(select(User.id, User.display_name)).all())
        rows = session.scalars(
            select(WardTally)
            .where(WardTally.disaster_id == disaster.id, WardTally.ward_code == ward_code)
            .order_by(WardTally.entered_at, WardTally.id)
        )
        return {
            t.row_key: TallyEntry(t.row_key, t.value, t.entered_at, names.get(t.entered_by_id))
            for t in rows
        }


def enter_tallies(
    engine: Engine,
    actor: Actor,
    disaster_id: int,
    ward_code: str,
    values: Mapping[str, int | None],
    *,
    at: datetime | None = None,
) -> int:
    """Store the tallies that changed (None: 未確認); returns how many rows were stored."""
    unknown = [key for key in values if key not in TALLY_ROW_KEYS]
    if unknown:
        raise ValidationFailed({key: ("sitrep.row_unknown", {}) for key in unknown})
    for key, value in values.items():
        if value is not None and not 0 <= value <= MAX_TALLY:
            raise ValidationFailed({key: ("input.too_large", {"maximum": MAX_TALLY})})
    at = at or utcnow()
    with transaction(engine) as session:
        _require_ward(session, actor, ward_code)
        disaster = get_disaster(session, actor, disaster_id)
        current = {
            t.row_key: t.value
            for t in session.scalars(
                select(WardTally)
                .where(WardTally.disaster_id == disaster.id, WardTally.ward_code == ward_code)
                .order_by(WardTally.entered_at, WardTally.id)
            )
        }
        changed = {
            key: value
            for key, value in values.items()
            if key in current and current[key] != value or key not in current and value is not None
        }
        for key, value in changed.items():
            session.add(
                WardTally(
                    disaster_id=disaster.id,
                    ward_code=ward_code,
                    row_key=key,
                    value=value,
                    exercise=disaster.exercise,
                    entered_by_id=actor.user_id,
                    entered_at=at,
                )
            )
        if changed:
            record_audit(
                session,
                actor,
                AuditAction.WARD_TALLY_ENTERED,
                entity="disaster",
                entity_id=disaster.id,
                exercise=disaster.exercise,
                detail={"ward": ward_code, "values": changed},
                at=at,
            )
        return len(changed)


def confirm_ward(
    engine: Engine, actor: Actor, disaster_id: int, ward_code: str, *, at: datetime | None = None
) -> None:
    """The ward head confirms the ward's figures as they are now."""
    at = at or utcnow()
    with transaction(engine) as session:
        _require_ward(session, actor, ward_code)
        disaster = get_disaster(session, actor, disaster_id)
        session.add(
            WardConfirmation(
                disaster_id=disaster.id,
                ward_code=ward_code,
                exercise=disaster.exercise,
                confirmed_by_id=actor.user_id,
                confirmed_at=at,
            )
        )
        record_audit(
            session,
            actor,
            AuditAction.WARD_FIGURES_CONFIRMED,
            entity="disaster",
            entity_id=disaster.id,
            exercise=disaster.exercise,
            detail={"ward": ward_code},
            at=at,
        )


def ward_draft(
    engine: Engine, actor: Actor, disaster_id: int, ward_code: str, *, as_of: datetime | None = None
) -> AreaFigures:
    """One ward's figures as they stand (what the ward head confirms)."""
    as_of = as_of or utcnow()
    with reading(engine) as session:
        _require_ward(session, actor, ward_code)
        disaster = get_disaster(session, actor, disaster_id)
        figures, states = ward_figures(session, disaster, [ward_code], as_of)
        state: WardState = states[ward_code]
        return AreaFigures(
            ward_code,
            area_tree(session).name(ward_code, "ja"),
            figures[ward_code],
            state.confirmation,
            state.confirmed_at,
            state.confirmed_by,
        )
