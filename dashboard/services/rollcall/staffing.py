"""Required staff per unit and tier (必要参集人数): what the board's 参集率 is measured against.

The crisis office sets them in a table on the roll-call page or imports a CSV
(``unit_code,tier,required``; 確認 is a dry run) alone or together with the staff register. A
roll-call of tier T (everyone: tier 4) measures each unit's arrivals against the unit's number
for T; a unit without one is measured against the staff called in, as before.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from dashboard.domain import Actor
from dashboard.errors import PermissionDenied, ValidationFailed
from dashboard.services.areas import require_role, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.rollcall.register import ImportReport, RowProblem, decode_csv, parse_tier
from dashboard.services.rollcall.vocab import CRISIS_OFFICE, TIERS, board_units
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import StaffingRequirement

# Columns of the requirements file.
REQUIREMENT_COLUMNS = ("unit_code", "tier", "required")
# Digits as a Japanese IME may type them.
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# Largest number of staff one unit may require at one tier.
MAX_REQUIRED = 100_000


@dataclass(frozen=True)
class Requirement:
    unit_code: str
    tier: int
    required: int


def list_requirements(engine: Engine, actor: Actor) -> list[Requirement]:
    """Required staff of the units whose board the actor may read (counts, not personal data)."""
    with reading(engine) as session:
        units = board_units(session, actor)
        if units is None:
            raise PermissionDenied()
        stmt = (
            select(StaffingRequirement)
            .where(StaffingRequirement.unit_code.in_(units))
            .order_by(StaffingRequirement.unit_code, StaffingRequirement.tier)
        )
        return [Requirement(r.unit_code, r.tier, r.required) for r in session.scalars(stmt)]


def required_for(session: Session, units: Iterable[str], tier: int | None) -> dict[str, int]:
    """Unit → required staff at ``tier`` (None: everyone, i.e. tier 4), for units that have one."""
    stmt = select(StaffingRequirement.unit_code, StaffingRequirement.required).where(
        StaffingRequirement.unit_code.in_(list(units)),
        StaffingRequirement.tier == (tier or max(TIERS)),
    )
    return dict(session.execute(stmt).all())


def set_requirements(
    engine: Engine, actor: Actor, values: Mapping[tuple[str, int], int | None]
) -> int:
    """Store required staff per (unit, tier); None removes one. Crisis office, units in scope.
    Returns how many were changed."""
    require_role(actor, CRISIS_OFFICE)
    problems = {}
    for (unit, tier), required in values.items():
        if tier not in TIERS:
            problems[f"{unit}:{tier}"] = ("rollcall.tier_invalid", {})
        elif required is not None and not 0 <= required <= MAX_REQUIRED:
            problems[f"{unit}:{tier}"] = ("rollcall.required_invalid", {"max": MAX_REQUIRED})
    if problems:
        raise ValidationFailed(problems)
    with transaction(engine) as session:
        if any(unit not in scope_codes(session, actor) for unit, _ in values):
            raise PermissionDenied()
        changed = _store(session, values, actor)
        if changed:
            record_audit(
                session,
                actor,
                AuditAction.STAFFING_REQUIREMENTS_SET,
                entity="staffing_requirements",
                detail={"changed": changed},
            )
        return changed


def _store(session: Session, values: Mapping[tuple[str, int], int | None], actor: Actor) -> int:
    existing = {
        (r.unit_code, r.tier): r
        for r in session.scalars(
            select(StaffingRequirement).where(
                StaffingRequirement.unit_code.in_({unit for unit, _ in values})
            )
        )
    }
    changed = 0
    for (unit, tier), required in values.items():
        row = existing.get((unit, tier))
        if required is None:
            if row is not None:
                session.execute(delete(StaffingRequirement).where(StaffingRequirement.id == row.id))
                changed += 1
        elif row is None:
            session.add(
                StaffingRequirement(
                    unit_code=unit, tier=tier, required=required, updated_by_id=actor.user_id
                )
            )
            changed += 1
        elif row.required != required:
            row.required, row.updated_by_id = required, actor.user_id
            changed += 1
    return changed


def import_requirements(
    engine: Engine, actor: Actor, data: bytes, *, dry_run: bool
) -> ImportReport:
    """Check (and unless ``dry_run`` store) a ``unit_code,tier,required`` CSV; nothing is stored
    if any row is wrong. ``created``/``updated`` count new and changed numbers."""
    require_role(actor, CRISIS_OFFICE)
    reader = csv.DictReader(io.StringIO(decode_csv(data)))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIREMENT_COLUMNS if c not in header]
    if missing:
        problem = RowProblem(1, ", ".join(missing), "rollcall.import.header")
        return ImportReport(0, 0, 0, 0, [problem], False)
    with transaction(engine) as session:
        units = scope_codes(session, actor)
        problems: list[RowProblem] = []
        values: dict[tuple[str, int], int] = {}
        seen: dict[tuple[str, int], int] = {}
        rows = 0
        for raw in reader:
            rows += 1
            line = reader.line_num
            row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
            found = _check(line, row, units)
            problems.extend(found)
            if found:
                continue
            key = (row["unit_code"], parse_tier(row["tier"]))
            if key in seen:
                problems.append(
                    RowProblem(line, "tier", "rollcall.import.duplicate", {"line": seen[key]})
                )
            seen[key] = line
            values[key] = int(row["required"])
        existing = {
            (r.unit_code, r.tier): r.required
            for r in session.scalars(
                select(StaffingRequirement).where(StaffingRequirement.unit_code.in_(units))
            )
        }
        created = sum(key not in existing for key in values)
        updated = sum(key in existing and existing[key] != n for key, n in values.items())
        applied = not dry_run and not problems
        if applied and (created or updated):
            _store(session, values, actor)
            record_audit(
                session,
                actor,
                AuditAction.STAFFING_REQUIREMENTS_SET,
                entity="staffing_requirements",
                detail={"created": created, "updated": updated},
            )
        return ImportReport(rows, created, updated, 0, problems, applied)


def _check(line: int, row: dict[str, str], units: frozenset[str]) -> list[RowProblem]:
    problems = [
        RowProblem(line, c, "rollcall.import.missing")
        for c in REQUIREMENT_COLUMNS
        if not row.get(c)
    ]
    if row.get("unit_code") and row["unit_code"] not in units:
        problems.append(RowProblem(line, "unit_code", "rollcall.import.unit"))
    if row.get("tier") and parse_tier(row["tier"]) is None:
        problems.append(RowProblem(line, "tier", "rollcall.import.tier"))
    number = (row.get("required") or "").translate(
        str.maketrans("０１２３４５６７８９", "0123456789")
    )
    row["required"] = number.replace(",", "")
    if number and not (row["required"].isdigit() and int(row["required"]) <= MAX_REQUIRED):
        problems.append(
            RowProblem(line, "required", "rollcall.import.required", {"max": MAX_REQUIRED})
        )
    return problems
