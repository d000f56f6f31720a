"""The staff register (職員名簿): people who are asked in a roll-call, apart from login accounts.

Imported from CSV (UTF-8, with or without BOM, or Shift_JIS/CP932 as Excel writes it) with a dry
run that lists every problem per row; rows are matched on the employee number, so an import after
the yearly reorganisation moves people between units (their earlier roll-calls keep the unit they
had then). The audit log gets counts only, never names or addresses.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import Engine, select

from dashboard.domain import Actor
from dashboard.errors import PermissionDenied
from dashboard.services.areas import require_role, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.imports import RowProblem
from dashboard.services.rollcall.history import log_change, log_changes
from dashboard.services.rollcall.vocab import CRISIS_OFFICE, TIERS, personal_units
from dashboard.storage.db import reading, transaction
from dashboard.storage.guards import FORBIDDEN
from dashboard.storage.models import Jurisdiction, StaffMember

# Columns of the import file; the first three and tier are required.
COLUMNS = (
    "employee_number",
    "name",
    "unit_code",
    "tier",
    "department",
    "post",
    "email",
    "lineworks_user_id",
)
REQUIRED = ("employee_number", "name", "unit_code", "tier")
# Tier names accepted in the file besides 1-4.
TIER_NAMES = {"警戒配備": 1, "第1非常配備": 2, "第2非常配備": 3, "第3非常配備": 4}
# Longest value per column (the model's lengths).
MAX_LENGTHS = {
    "employee_number": 32,
    "name": 100,
    "department": 100,
    "post": 200,
    "email": 254,
    "lineworks_user_id": 100,
}
# Widest areas first in choices.
LEVEL_ORDER = {"prefecture": 0, "municipality": 1, "ward": 2}
# At most this many rows per file (a city has tens of thousands of staff).
MAX_ROWS = 100_000


@dataclass(frozen=True)
class ImportReport:
    rows: int
    created: int
    updated: int
    moved: int
    problems: list[RowProblem]
    applied: bool


@dataclass(frozen=True)
class StaffView:
    id: int
    employee_number: str
    name: str
    unit_code: str
    department: str | None
    tier: int
    post: str | None
    email: str | None
    lineworks_user_id: str | None
    active: bool


def decode_csv(data: bytes) -> str:
    """The text of an uploaded CSV: UTF-8 (BOM optional), else CP932 as Japanese Excel saves."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp932", errors="replace")


def parse_tier(value: str) -> int | None:
    value = value.strip().translate(str.maketrans("１２３４", "1234"))
    if value in TIER_NAMES:
        return TIER_NAMES[value]
    return int(value) if value.isdigit() and int(value) in TIERS else None


def check_row(line: int, row: dict[str, str], units: frozenset[str]) -> list[RowProblem]:
    problems = [RowProblem(line, c, "rollcall.import.missing") for c in REQUIRED if not row.get(c)]
    for column, limit in MAX_LENGTHS.items():
        if len(row.get(column) or "") > limit:
            problems.append(RowProblem(line, column, "rollcall.import.too_long", {"max": limit}))
    if row.get("tier") and parse_tier(row["tier"]) is None:
        problems.append(RowProblem(line, "tier", "rollcall.import.tier"))
    if row.get("unit_code") and row["unit_code"] not in units:
        problems.append(RowProblem(line, "unit_code", "rollcall.import.unit"))
    email = row.get("email") or ""
    if email and (email.count("@") != 1 or any(ch in email for ch in " ,;<>\r\n")):
        problems.append(RowProblem(line, "email", "rollcall.import.email"))
    if not email and not row.get("lineworks_user_id"):
        problems.append(RowProblem(line, "email", "rollcall.import.no_contact"))
    return problems


def import_staff(engine: Engine, actor: Actor, data: bytes, *, dry_run: bool) -> ImportReport:
    """Check (and unless ``dry_run`` store) a staff CSV; nothing is stored if any row is wrong."""
    require_role(actor, CRISIS_OFFICE)
    reader = csv.DictReader(io.StringIO(decode_csv(data)))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problem = RowProblem(1, ", ".join(missing), "rollcall.import.header")
        return ImportReport(0, 0, 0, 0, [problem], False)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for raw in reader:
            if len(rows) >= MAX_ROWS:
                break
            row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
            rows.append((reader.line_num, row))
    except csv.Error:  # a field over 128 KiB, a broken quote: that line, not a traceback
        line = reader.reader.line_num
        problem = RowProblem(line, "", "import.bad_csv_line", {"line": line})
        return ImportReport(len(rows), 0, 0, 0, [problem], False)
    # A control character (a NUL) is a problem of its row; it is dropped so that the checks'
    # queries can still run (nothing is stored while any row has a problem).
    unreadable = [
        RowProblem(line, column, "input.control_chars")
        for line, row in rows
        for column, value in row.items()
        if isinstance(value, str) and FORBIDDEN.search(value)
    ]
    rows = [
        (line, {k: FORBIDDEN.sub("", v) if isinstance(v, str) else v for k, v in row.items()})
        for line, row in rows
    ]
    with transaction(engine) as session:
        units = scope_codes(session, actor)
        problems = [*unreadable, *(p for line, row in rows for p in check_row(line, row, units))]
        seen: dict[str, int] = {}
        for line, row in rows:
            number = row.get("employee_number", "")
            if number in seen:
                problems.append(
                    RowProblem(
                        line, "employee_number", "rollcall.import.duplicate", {"line": seen[number]}
                    )
                )
            seen[number] = line
        existing = {
            s.employee_number: s
            for s in session.scalars(
                select(StaffMember).where(StaffMember.employee_number.in_(seen))
            )
        }
        if any(s.unit_code not in units for s in existing.values()):
            raise PermissionDenied()  # someone of another city: not this admin's register
        created = updated = moved = 0
        for _line, row in rows:
            person = existing.get(row.get("employee_number", ""))
            if person is None:
                created += 1
            else:
                updated += 1
                moved += person.unit_code != row.get("unit_code")
        applied = not dry_run and not problems
        if applied:
            changes = []
            for _line, row in rows:
                person = existing.get(row["employee_number"])
                previous = person.unit_code if person is not None else None
                stored = _store(session, person, row)
                if person is None or previous != stored.unit_code:
                    changes.append((stored, previous))
            session.flush()
            log_changes(session, actor, changes, "imported")
            record_audit(
                session,
                actor,
                AuditAction.STAFF_IMPORTED,
                entity="staff_members",
                detail={"created": created, "updated": updated, "moved": moved},
            )
        return ImportReport(len(rows), created, updated, moved, problems, applied)


def _store(session, person: StaffMember | None, row: dict[str, str]) -> StaffMember:
    values = {
        "name": row["name"],
        "unit_code": row["unit_code"],
        "tier": parse_tier(row["tier"]),
        "department": row.get("department") or None,
        "post": row.get("post") or None,
        "email": row.get("email") or None,
        "lineworks_user_id": row.get("lineworks_user_id") or None,
        "active": True,
    }
    if person is None:
        person = StaffMember(employee_number=row["employee_number"], **values)
        session.add(person)
    else:
        for key, value in values.items():
            setattr(person, key, value)
    return person


def list_staff(engine: Engine, actor: Actor, *, unit_code: str | None = None) -> list[StaffView]:
    """The register of the units whose personal data the actor may see."""
    with reading(engine) as session:
        units = personal_units(session, actor)
        if unit_code is not None:
            if unit_code not in units:
                raise PermissionDenied()
            units = frozenset({unit_code})
        stmt = select(StaffMember).where(StaffMember.unit_code.in_(units))
        return [
            StaffView(
                s.id,
                s.employee_number,
                s.name,
                s.unit_code,
                s.department,
                s.tier,
                s.post,
                s.email,
                s.lineworks_user_id,
                s.active,
            )
            for s in session.scalars(
                stmt.order_by(StaffMember.unit_code, StaffMember.employee_number)
            )
        ]


def set_staff_active(engine: Engine, actor: Actor, staff_id: int, active: bool) -> None:
    """Take a person out of (or back into) future roll-calls; the row stays for the history."""
    require_role(actor, CRISIS_OFFICE)
    with transaction(engine) as session:
        person = session.get(StaffMember, staff_id)
        if person is None or person.unit_code not in scope_codes(session, actor):
            raise PermissionDenied()
        if person.active != active:
            log_change(session, actor, person, "activated" if active else "deactivated")
        person.active = active
        action = AuditAction.STAFF_ACTIVATED if active else AuditAction.STAFF_DEACTIVATED
        record_audit(session, actor, action, entity="staff_member", entity_id=staff_id)


@dataclass(frozen=True)
class UnitChoice:
    code: str
    name_ja: str
    name_en: str | None
    level: str

    def name(self, lang: str) -> str:
        return (self.name_en if lang == "en" else None) or self.name_ja


def units_in_scope(engine: Engine, actor: Actor) -> list[UnitChoice]:
    """Areas and units the actor may start a roll-call for or read a board of, widest first."""
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        stmt = select(Jurisdiction).where(Jurisdiction.code.in_(scope))
        rows = sorted(session.scalars(stmt), key=lambda j: (LEVEL_ORDER.get(j.level, 9), j.code))
        return [UnitChoice(j.code, j.name_ja, j.name_en, j.level) for j in rows]
