"""The HQ roster from a CSV (or .xlsx) file: one row per holder, or per unit without a user name.

Read as the shelter and staff imports read files (UTF-8 with or without BOM, CP932; headers in
English or Japanese, compared ignoring width, case and spaces). A dry run lists every problem with
its row number; nothing is written if any row is wrong. A unit is named by its code or, for a
department, its name: an unknown department name adds the department. Holders of a unit are
given by rank (0 or 本部員 / 部局長 / 区長 = the head, 1… or 代行1 … = deputies); applying the
file replaces a unit's holders in force and keeps the old ones as history. Accounts must exist
and belong to the unit (add a new department first, then its accounts, then its holders).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from dashboard.domain import Actor
from dashboard.errors import ServiceError
from dashboard.i18n import translate
from dashboard.services.areas import area_tree, require_role
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.hq.units import (
    MAX_DEPUTIES,
    ROSTER_ROLES,
    UNIT_KINDS,
    _holder_problems,
    add_department,
    apply_holders,
    apply_unit,
    unit_codes,
)
from dashboard.services.imports import RowProblem, normalise_header, parse_flag, read_table
from dashboard.storage.db import transaction
from dashboard.storage.models import HqUnit, User, utcnow

# Columns of the file and the other headers accepted for them.
HQ_COLUMNS: dict[str, tuple[str, ...]] = {
    "unit_code": ("部局コード", "組織コード", "区域コード", "コード", "code"),
    "unit_name": ("部局名", "組織名", "所属", "部局", "name"),
    "rank": ("代行順位", "順位", "順番", "order"),
    "username": ("ユーザー名", "ログインID", "ユーザーID", "user"),
    "employee_number": ("職員番号", "職員コード", "employee"),
    "hq_member": ("本部員", "本部員フラグ", "hq"),
    "unit_kind": ("種別", "部局種別", "区分", "kind"),
}
# Words for the head in the rank column.
HEAD_WORDS = ("本部員", "部局長", "区長", "局長", "室長", "長", "head", "本部長")
_DEPUTY = re.compile(r"^(?:第)?(?:代行|代行者|deputy)?(?:第)?(\d+)(?:位|番|代行者|代行)?$")


@dataclass(frozen=True)
class HqImportReport:
    rows: int
    new_departments: list[str]
    units: int
    holders: int
    problems: list[RowProblem]
    applied: bool


def _columns(header: tuple[str, ...]) -> dict[str, int]:
    names = {
        normalise_header(alias): key
        for key, aliases in HQ_COLUMNS.items()
        for alias in (key, *aliases)
    }
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        key = names.get(normalise_header(text))
        if key and key not in found:
            found[key] = index
    return found


def parse_rank(text: str) -> int | None:
    """0 for the head, n for deputy n; None if unreadable."""
    value = unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")
    if value in HEAD_WORDS:
        return 0
    if value.isdigit():
        rank = int(value)
    else:
        match = _DEPUTY.match(value)
        rank = int(match.group(1)) if match else -1
    return rank if 0 <= rank <= MAX_DEPUTIES else None


def _kind(text: str) -> str | None:
    value = text.strip()
    for kind in UNIT_KINDS:
        if value.lower() in (
            kind,
            translate(f"hq.kind.{kind}", "ja"),
            translate(f"hq.kind.{kind}", "en").lower(),
        ):
            return kind
    return None


def import_roster(
    engine, actor: Actor, data: bytes, *, dry_run: bool, filename: str = ""
) -> HqImportReport:
    """Check (and unless ``dry_run`` store) a roster file; nothing is stored if a row is wrong."""
    require_role(actor, ROSTER_ROLES)
    try:
        table = read_table(data, filename=filename)
    except ServiceError as exc:
        return HqImportReport(0, [], 0, 0, [RowProblem(1, "", exc.key)], False)
    columns = _columns(table.header)
    if "unit_code" not in columns and "unit_name" not in columns:
        return HqImportReport(0, [], 0, 0, [RowProblem(1, "unit_code", "hq.import.header")], False)

    def cell(row: tuple[str, ...], key: str) -> str:
        return row[columns[key]].strip() if key in columns else ""

    with transaction(engine) as session:
        tree = area_tree(session)
        codes = unit_codes(session, actor)
        by_name = {tree.names[c][0]: c for c in codes}
        problems: list[RowProblem] = []
        units: dict[str, dict] = {}  # unit key -> {"lines", "holders": {rank: (line, user, no)}, …}
        users = {u.username: u for u in session.scalars(select(User))}
        for line, row in zip(table.numbers, table.rows, strict=True):
            code, name = cell(row, "unit_code"), cell(row, "unit_name")
            if code and code not in codes:
                problems.append(
                    RowProblem(line, "unit_code", "hq.import.unit_unknown", {"code": code})
                )
                continue
            key = code or by_name.get(name) or (f"new:{name}" if name else "")
            if not key:
                problems.append(RowProblem(line, "unit_code", "hq.import.unit_missing"))
                continue
            unit = units.setdefault(key, {"name": name, "holders": {}, "line": line})
            if cell(row, "hq_member"):
                flag = parse_flag(cell(row, "hq_member"))
                if flag is None:
                    problems.append(RowProblem(line, "hq_member", "hq.import.flag"))
                unit["hq_member"] = bool(flag)
            if cell(row, "unit_kind"):
                kind = _kind(cell(row, "unit_kind"))
                if kind is None:
                    problems.append(RowProblem(line, "unit_kind", "hq.kind_invalid"))
                unit["kind"] = kind
            username = cell(row, "username")
            if not username:
                continue
            rank = parse_rank(cell(row, "rank") or "")
            if rank is None:
                problems.append(RowProblem(line, "rank", "hq.import.rank", {"max": MAX_DEPUTIES}))
                continue
            if rank in unit["holders"]:
                problems.append(
                    RowProblem(
                        line, "rank", "hq.import.rank_twice", {"line": unit["holders"][rank][0]}
                    )
                )
                continue
            user = users.get(username)
            if user is None:
                problems.append(
                    RowProblem(line, "username", "hq.import.user_unknown", {"user": username})
                )
                continue
            number = cell(row, "employee_number") or None
            if number and len(number) > 32:
                problems.append(
                    RowProblem(line, "employee_number", "hq.import.too_long", {"max": 32})
                )
            unit["holders"][rank] = (line, user.id, number)
        for key, unit in units.items():
            ranks = sorted(unit["holders"])
            if ranks and ranks != list(range(len(ranks))):
                problems.append(RowProblem(unit["line"], "rank", "hq.import.rank_gap"))
                continue
            holders = [unit["holders"][r][1:] for r in ranks]
            if key.startswith("new:"):
                if holders:
                    problems.append(
                        RowProblem(unit["line"], "username", "hq.import.new_unit_holders")
                    )
                continue
            for problem_key, params in _holder_problems(session, key, holders):
                problems.append(RowProblem(unit["line"], "username", problem_key, params))
        new = [u["name"] for k, u in units.items() if k.startswith("new:")]
        applied = not dry_run and not problems
        holder_units = 0
        if applied:
            now = utcnow()
            for key, unit in units.items():
                if key.startswith("new:"):
                    add_department(
                        session,
                        actor,
                        name_ja=unit["name"],
                        unit_kind=unit.get("kind"),
                        hq_member=unit.get("hq_member", True),
                    )
                    continue
                if "hq_member" in unit or "kind" in unit:
                    current = session.get(HqUnit, key)
                    apply_unit(
                        session,
                        actor,
                        key,
                        hq_member=unit.get("hq_member", current.hq_member if current else True),
                        unit_kind=unit.get("kind", current.unit_kind if current else None),
                    )
                if unit["holders"]:
                    ranks = sorted(unit["holders"])
                    holder_units += apply_holders(
                        session, actor, key, [unit["holders"][r][1:] for r in ranks], now=now
                    )
            record_audit(
                session,
                actor,
                AuditAction.HQ_ROSTER_IMPORTED,
                entity="hq_unit",
                detail={"rows": len(table.rows), "new_departments": len(new), "units": len(units)},
            )
        return HqImportReport(len(table.rows), new, len(units), holder_units, problems, applied)
