"""The HQ roster: departments (部局) beside the wards, which units' heads are HQ members (本部員),
their kind, and who heads each unit with deputies in a fixed order (代行順位).

A department is a jurisdiction row of level ``department`` below its city or prefecture, with no
boundary and a synthetic code (``D`` and five digits), so everything addressed to a jurisdiction
(deliveries, channel targets, staff units, inboxes) works for it unchanged. Holders are history:
``set_holders`` closes the rows in force and adds new ones only where something changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from dashboard.domain import COMMAND_ROLES, Actor, Level, Role
from dashboard.errors import PermissionDenied, ValidationFailed
from dashboard.services.areas import area_tree, require_role, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.inputs import clean_fields
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import HqUnit, Jurisdiction, UnitHolder, User, utcnow

# Who keeps the roster: the crisis-management office, the mayor and the governor.
ROSTER_ROLES = COMMAND_ROLES
# Kinds of unit a template can be meant for; labels are the texts "hq.kind.<key>".
UNIT_KINDS = (
    "crisis",  # 危機管理
    "construction",  # 建設・道路
    "health",  # 健康・保健
    "welfare",  # 福祉
    "water",  # 水道
    "fire",  # 消防
    "education",  # 教育
    "environment",  # 環境
    "ward",  # 区役所
    "other",
)
# Who may hold a unit (head or deputy): its own accounts that may acknowledge for it.
HOLDER_ROLES = frozenset({Role.WARD_HEAD})
# Deputies per unit at most (the head is rank 0).
MAX_DEPUTIES = 5
# Prefix of a department's synthetic code (JIS codes are digits only, so never the same).
DEPARTMENT_PREFIX = "D"
NAME_MAX = 100


@dataclass(frozen=True)
class Holder:
    id: int
    rank: int
    user_id: int
    username: str
    display_name: str
    employee_number: str | None
    valid_from: datetime
    valid_to: datetime | None

    @property
    def is_head(self) -> bool:
        return self.rank == 0


@dataclass(frozen=True)
class RosterUnit:
    """A unit as the administration page lists it: what it is and who holds it now."""

    code: str
    parent_code: str | None
    level: str
    name_ja: str
    name_en: str | None
    hq_member: bool
    unit_kind: str | None
    holders: tuple[Holder, ...]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_ja


def unit_codes(session: Session, actor: Actor) -> list[str]:
    """Units the actor keeps: the areas and departments directly below their home."""
    tree = area_tree(session)
    home = actor.jurisdiction_code
    return [*tree.children(home), *tree.departments(home)]


def _next_department_code(session: Session) -> str:
    codes = session.scalars(
        select(Jurisdiction.code).where(Jurisdiction.level == Level.DEPARTMENT.value)
    ).all()
    numbers = [int(c[1:]) for c in codes if c.startswith(DEPARTMENT_PREFIX) and c[1:].isdigit()]
    return f"{DEPARTMENT_PREFIX}{max(numbers, default=0) + 1:05d}"


def add_department(
    session: Session,
    actor: Actor,
    *,
    name_ja: str,
    name_en: str | None = None,
    parent_code: str | None = None,
    unit_kind: str | None = None,
    hq_member: bool = True,
) -> str:
    """Add a department below ``parent_code`` (default: the actor's city or prefecture) in the
    caller's transaction; returns its code."""
    require_role(actor, ROSTER_ROLES)
    values = clean_fields(
        {"name_ja": (name_ja, NAME_MAX, True), "name_en": (name_en, NAME_MAX, False)}
    )
    parent_code = parent_code or actor.jurisdiction_code
    tree = area_tree(session)
    if tree.levels.get(parent_code) not in (Level.MUNICIPALITY.value, Level.PREFECTURE.value):
        raise ValidationFailed({"parent_code": ("hq.parent_invalid", {})})
    if parent_code not in scope_codes(session, actor):
        raise PermissionDenied()
    _check_kind(unit_kind)
    code = _next_department_code(session)
    session.add(
        Jurisdiction(
            code=code,
            parent_code=parent_code,
            level=Level.DEPARTMENT.value,
            name_ja=values["name_ja"],
            name_en=values["name_en"] or None,
        )
    )
    session.flush()
    session.add(HqUnit(code=code, hq_member=hq_member, unit_kind=unit_kind))
    record_audit(
        session,
        actor,
        AuditAction.DEPARTMENT_ADDED,
        entity="jurisdiction",
        entity_id=code,
        detail={"name": values["name_ja"], "parent": parent_code},
    )
    return code


def create_department(engine: Engine, actor: Actor, **values) -> str:
    """``add_department`` in its own transaction (the administration page)."""
    with transaction(engine) as session:
        return add_department(session, actor, **values)


def _check_kind(unit_kind: str | None) -> None:
    if unit_kind is not None and unit_kind not in UNIT_KINDS:
        raise ValidationFailed({"unit_kind": ("hq.kind_invalid", {})})


def _unit_in_reach(session: Session, actor: Actor, code: str) -> None:
    require_role(actor, ROSTER_ROLES)
    if code not in unit_codes(session, actor):
        raise PermissionDenied()


def apply_unit(
    session: Session, actor: Actor, code: str, *, hq_member: bool, unit_kind: str | None
) -> bool:
    """Set a unit's HQ membership and kind in the caller's transaction; True if it changed."""
    _unit_in_reach(session, actor, code)
    _check_kind(unit_kind)
    unit = session.get(HqUnit, code)
    if unit is not None and (unit.hq_member, unit.unit_kind) == (hq_member, unit_kind):
        return False
    if unit is None:
        session.add(HqUnit(code=code, hq_member=hq_member, unit_kind=unit_kind))
    else:
        unit.hq_member, unit.unit_kind = hq_member, unit_kind
    record_audit(
        session,
        actor,
        AuditAction.HQ_UNIT_UPDATED,
        entity="hq_unit",
        entity_id=code,
        detail={"hq_member": hq_member, "kind": unit_kind},
    )
    return True


def set_unit(
    engine: Engine, actor: Actor, code: str, *, hq_member: bool, unit_kind: str | None
) -> bool:
    with transaction(engine) as session:
        return apply_unit(session, actor, code, hq_member=hq_member, unit_kind=unit_kind)


def holders_in_force(
    session: Session, codes: list[str] | None = None
) -> dict[str, list[UnitHolder]]:
    """The rows in force per unit, by rank."""
    stmt = select(UnitHolder).where(UnitHolder.valid_to.is_(None))
    if codes is not None:
        stmt = stmt.where(UnitHolder.unit_code.in_(codes))
    found: dict[str, list[UnitHolder]] = {}
    for row in session.scalars(stmt.order_by(UnitHolder.unit_code, UnitHolder.rank)):
        found.setdefault(row.unit_code, []).append(row)
    return found


def apply_holders(
    session: Session,
    actor: Actor,
    code: str,
    holders: list[tuple[int, str | None]],
    *,
    now: datetime,
) -> bool:
    """Make ``holders`` ((user id, employee number) of the head, then deputy 1, 2 …) the unit's
    holders in the caller's transaction. Rows that stay the same are kept; the others are closed
    (``valid_to``) and new ones added. True if anything changed."""
    _unit_in_reach(session, actor, code)
    problems = _holder_problems(session, code, holders)
    if problems:
        raise ValidationFailed({"holders": problems[0]})
    current = {h.rank: h for h in holders_in_force(session, [code]).get(code, [])}
    changed = False
    for rank in sorted(set(current) | set(range(len(holders)))):
        old = current.get(rank)
        new = holders[rank] if rank < len(holders) else None
        if old is not None and new is not None and (old.user_id, old.employee_number) == new:
            continue
        if old is not None:
            old.valid_to = now
        if new is not None:
            session.add(
                UnitHolder(
                    unit_code=code,
                    rank=rank,
                    user_id=new[0],
                    employee_number=new[1] or None,
                    valid_from=now,
                    created_by_id=actor.user_id,
                )
            )
        changed = True
    if changed:
        session.flush()
        record_audit(
            session,
            actor,
            AuditAction.HQ_HOLDERS_SET,
            entity="hq_unit",
            entity_id=code,
            detail={"holders": [user_id for user_id, _ in holders]},
            at=now,
        )
    return changed


def _holder_problems(
    session: Session, code: str, holders: list[tuple[int, str | None]]
) -> list[tuple[str, dict[str, object]]]:
    problems: list[tuple[str, dict[str, object]]] = []
    if len(holders) > MAX_DEPUTIES + 1:
        problems.append(("hq.too_many_deputies", {"max": MAX_DEPUTIES}))
    ids = [user_id for user_id, _ in holders]
    if len(set(ids)) != len(ids):
        problems.append(("hq.holder_twice", {}))
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}
    for user_id in ids:
        user = users.get(user_id)
        if user is None or not user.active or user.jurisdiction_code != code:
            problems.append(("hq.holder_not_of_unit", {"user": user.username if user else user_id}))
        elif Role(user.role) not in HOLDER_ROLES:
            problems.append(("hq.holder_role", {"user": user.username}))
    return problems


def set_holders(
    engine: Engine,
    actor: Actor,
    code: str,
    holders: list[tuple[int, str | None]],
    *,
    now: datetime | None = None,
) -> bool:
    with transaction(engine) as session:
        return apply_holders(session, actor, code, holders, now=now or utcnow())


def _holder_views(session: Session, rows: list[UnitHolder]) -> tuple[Holder, ...]:
    ids = {r.user_id for r in rows}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}
    return tuple(
        Holder(
            r.id,
            r.rank,
            r.user_id,
            users[r.user_id].username,
            users[r.user_id].display_name,
            r.employee_number,
            r.valid_from,
            r.valid_to,
        )
        for r in rows
    )


def list_roster(engine: Engine, actor: Actor) -> list[RosterUnit]:
    """The actor's units (areas first, then departments) with membership, kind and holders."""
    require_role(actor, ROSTER_ROLES)
    with reading(engine) as session:
        codes = unit_codes(session, actor)
        units = {u.code: u for u in session.scalars(select(HqUnit).where(HqUnit.code.in_(codes)))}
        areas = {
            j.code: j
            for j in session.scalars(select(Jurisdiction).where(Jurisdiction.code.in_(codes)))
        }
        in_force = holders_in_force(session, codes)
        return [
            RosterUnit(
                code,
                areas[code].parent_code,
                areas[code].level,
                areas[code].name_ja,
                areas[code].name_en,
                units[code].hq_member if code in units else False,
                units[code].unit_kind if code in units else None,
                _holder_views(session, in_force.get(code, [])),
            )
            for code in codes
        ]


def holder_history(engine: Engine, actor: Actor, code: str) -> list[Holder]:
    """Every holder the unit ever had, newest first (the yearly reorganisations)."""
    with reading(engine) as session:
        _unit_in_reach(session, actor, code)
        rows = list(
            session.scalars(
                select(UnitHolder)
                .where(UnitHolder.unit_code == code)
                .order_by(UnitHolder.valid_from.desc(), UnitHolder.rank)
            )
        )
        return list(_holder_views(session, rows))


def unit_accounts(engine: Engine, actor: Actor, code: str) -> list[tuple[int, str, str]]:
    """(user id, user name, display name) of the accounts that may hold the unit."""
    with reading(engine) as session:
        _unit_in_reach(session, actor, code)
        rows = session.execute(
            select(User.id, User.username, User.display_name)
            .where(
                User.jurisdiction_code == code,
                User.active.is_(True),
                User.role.in_([r.value for r in HOLDER_ROLES]),
            )
            .order_by(User.username)
        ).all()
        return [tuple(r) for r in rows]


def hq_member_codes(session: Session, codes: list[str]) -> list[str]:
    """Of ``codes``, the units whose heads are HQ members."""
    return list(
        session.scalars(
            select(HqUnit.code)
            .where(HqUnit.code.in_(codes), HqUnit.hq_member.is_(True))
            .order_by(HqUnit.code)
        )
    )


def kind_codes(session: Session, codes: list[str], unit_kind: str) -> list[str]:
    """Of ``codes``, the units of ``unit_kind``."""
    return list(
        session.scalars(
            select(HqUnit.code)
            .where(HqUnit.code.in_(codes), HqUnit.unit_kind == unit_kind)
            .order_by(HqUnit.code)
        )
    )


def holder_rank_at(session: Session, code: str, user_id: int | None, at: datetime) -> int | None:
    """The rank ``user_id`` held in unit ``code`` at ``at`` (0 head, n deputy n), else None."""
    if user_id is None:
        return None
    return session.scalar(
        select(func.min(UnitHolder.rank)).where(
            UnitHolder.unit_code == code,
            UnitHolder.user_id == user_id,
            UnitHolder.valid_from <= at,
            (UnitHolder.valid_to.is_(None)) | (UnitHolder.valid_to > at),
        )
    )
