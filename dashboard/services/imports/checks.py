"""Checking registry rows: required fields, duplicate ids, coordinates (swapped ones fixed), the
municipality code and name columns, and the ward each point lies in."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

import numpy as np
from sqlalchemy import select

import geo
from dashboard.domain import Level, ShelterKind
from dashboard.errors import ServiceError
from dashboard.services.areas import leaf_frame
from dashboard.services.imports.layouts import GENERIC, STATUS_COLUMNS, Layout, match_columns
from dashboard.services.imports.reading import Table
from dashboard.services.imports.results import ImportResult, Problem, ShelterRow
from dashboard.services.imports.values import (
    clean,
    fix_coordinates,
    parse_capacity,
    parse_flag,
    parse_float,
)
from dashboard.storage.models import Jurisdiction

# Rows between two progress reports while checking.
PROGRESS_EVERY = 5000
# Fields every layout must find a column for.
REQUIRED_FIELDS = ("id", "name", "lat", "lon")


def read_code(text: str) -> str | None:
    try:
        return geo.normalise_code(text)
    except ValueError:
        return None


def municipality_of(tree: dict, code: str) -> str:
    at = code
    while at in tree and tree[at][1] not in (Level.MUNICIPALITY, Level.PREFECTURE):
        at = tree[at][0]
    return at if at in tree and tree[at][1] == Level.MUNICIPALITY else code


def below(tree: dict, target: str) -> set[str]:
    found = {target}
    changed = True
    while changed:
        more = {c for c, (parent, _, _) in tree.items() if parent in found} - found
        found |= more
        changed = bool(more)
    return found


def municipalities(session, target: str) -> set[str]:
    """The municipalities at or below ``target`` (a prefecture, a city or a ward's city)."""
    tree = jurisdictions(session)
    found = {c for c in below(tree, target) if tree[c][1] == Level.MUNICIPALITY}
    return found or {municipality_of(tree, target)}


def jurisdictions(session) -> dict[str, tuple[str | None, str, str]]:
    rows = session.execute(
        select(
            Jurisdiction.code, Jurisdiction.parent_code, Jurisdiction.level, Jurisdiction.name_ja
        )
    )
    return {code: (parent, level, name) for code, parent, level, name in rows}


def _columns(table: Table, layout: Layout) -> tuple[dict[str, int], dict[str, int]]:
    """(column -> index of the header, field -> index), refusing a file without a required one."""
    found = match_columns(table.header, layout.columns, layout.aliases)
    fields = {f: found[c] for f, c in layout.fields.items() if c in found}
    missing = [layout.fields.get(f, f) for f in REQUIRED_FIELDS if f not in fields]
    if missing:
        raise ServiceError("import.missing_columns", columns=", ".join(missing))
    return found, fields


def carried_fields(fields: dict[str, int], hazard_index: dict[str, int]) -> frozenset[str]:
    """The stored fields a file sets: those its layout found a column for (a registry without a
    capacity column says nothing about capacities), the ward (from the point) and the flag
    ``active``; hazards only when it has hazard columns."""
    found = {f for f in ("name", "kana", "address", "capacity") if f in fields}
    return frozenset(
        {*found, "lat", "lon", "ward_code", "active", *(["hazards"] if hazard_index else [])}
    )


def _kind(layout: Layout, text: str) -> str:
    if layout.key != GENERIC or not text:
        return layout.kind
    value = unicodedata.normalize("NFKC", text)
    if value in set(ShelterKind):
        return value
    if "福祉" in value:
        return ShelterKind.WELFARE
    return ShelterKind.EMERGENCY_SITE if "場所" in value else ShelterKind.DESIGNATED


def check_rows(
    session,
    table: Table,
    layout: Layout,
    target: str,
    result: ImportResult,
    progress: Callable[[float], None] = lambda _share: None,
):
    """The rows that can be imported; a problem of every other row goes into ``result``."""
    found, fields = _columns(table, layout)
    hazard_index = {h: found[c] for h, c in layout.hazards.items() if c in found}
    by_index = {i: c for c, i in found.items()}
    # Columns kept verbatim: all but the stored fields, the flags, NO and an export's status.
    stored = {
        fields[f] for f in ("row_no", "id", "name", "kana", "address", "lat", "lon") if f in fields
    } | set(hazard_index.values())
    kept = [
        (i, by_index.get(i, h))
        for i, h in enumerate(table.header)
        if i not in stored and h not in STATUS_COLUMNS
    ]
    result.carried = carried_fields(fields, hazard_index)
    mapped = {found[c] for c in layout.fields.values() if c in found}
    result.compared_columns = tuple(c for i, c in kept if i not in mapped)
    tree = jurisdictions(session)
    scope = below(tree, target)
    leaves = leaf_frame(session)
    leaves = leaves[leaves["code"].isin(scope)]
    if not len(leaves):
        raise ServiceError("import.no_boundaries", code=target)
    municipality_names = {tree[c][2] for c in municipalities(session, target)}
    result.total = len(table.rows)
    candidates: list[tuple[int, tuple[str, ...], ShelterRow, str]] = []
    seen: dict[tuple[str, str], int] = {}
    problems = result.problems

    def value(row: tuple[str, ...], name: str) -> str:
        return clean(row[fields[name]]) if name in fields else ""

    for index, (number, row) in enumerate(zip(table.numbers, table.rows, strict=True)):
        if index % PROGRESS_EVERY == 0:
            progress(index / max(1, len(table.rows)))
        errors_before = len(problems)
        registry_id, name = value(row, "id"), value(row, "name")
        if not name:
            problems.append(Problem(number, "error", "import.problem.empty_name"))
        if not registry_id:
            problems.append(Problem(number, "error", "import.problem.empty_id"))
        kind = _kind(layout, value(row, "kind"))
        if registry_id and (kind, registry_id) in seen:
            first = seen[(kind, registry_id)]
            problems.append(
                Problem(
                    number,
                    "error",
                    "import.problem.duplicate_id",
                    {"id": registry_id, "first": first},
                )
            )
        elif registry_id:
            seen[(kind, registry_id)] = number
        lat, lon = parse_float(value(row, "lat")), parse_float(value(row, "lon"))
        point = fix_coordinates(lat, lon) if lat is not None and lon is not None else None
        if lat is None or lon is None:
            problems.append(Problem(number, "error", "import.problem.no_coordinates"))
        elif point is None:
            problems.append(
                Problem(number, "error", "import.problem.bad_coordinates", {"lat": lat, "lon": lon})
            )
        elif point[2]:
            problems.append(Problem(number, "warning", "import.problem.swapped"))
        code_text = value(row, "municipality_code")
        code = read_code(code_text) if code_text else None
        if code_text and code is None:
            problems.append(
                Problem(number, "warning", "import.problem.bad_code", {"code": code_text})
            )
        elif code and code not in scope and code not in _ancestors(tree, target):
            problems.append(
                Problem(number, "error", "import.problem.other_municipality", {"code": code_text})
            )
        place = value(row, "municipality_name")
        if place and not any(n in _plain(place) for n in municipality_names):
            problems.append(
                Problem(number, "warning", "import.problem.name_mismatch", {"name": place})
            )
        capacity, readable = parse_capacity(value(row, "capacity"))
        if not readable:
            problems.append(
                Problem(
                    number,
                    "warning",
                    "import.problem.capacity_text",
                    {"text": value(row, "capacity")},
                )
            )
        hazards = []
        for hazard, index in hazard_index.items():
            flag = parse_flag(row[index])
            if flag is None:
                problems.append(
                    Problem(
                        number,
                        "warning",
                        "import.problem.bad_flag",
                        {"column": layout.hazards[hazard], "text": row[index]},
                    )
                )
            elif flag:
                hazards.append(hazard)
        if len(problems) > errors_before and any(
            p.level == "error" for p in problems[errors_before:]
        ):
            result.rejected.append((number, row))
            continue
        shelter = ShelterRow(
            number,
            "",
            kind,
            registry_id,
            name,
            value(row, "kana") or None,
            value(row, "address") or None,
            round(point[0], 7),
            round(point[1], 7),
            "",
            capacity,
            hazards,
            {column: clean(row[i]) for i, column in kept},
        )
        candidates.append((number, row, shelter, place))
    return _place_rows(candidates, leaves, tree, result)


def _ancestors(tree: dict, code: str) -> set[str]:
    found = set()
    while code in tree and tree[code][0]:
        code = tree[code][0]
        found.add(code)
    return found


@lru_cache(maxsize=4096)  # a registry repeats the same few place names on every row
def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def _place_rows(candidates, leaves, tree, result: ImportResult) -> list[ShelterRow]:
    """Assign each row's ward from its point; a point outside the target area is an error."""
    lat = np.array([c[2].lat for c in candidates], dtype=float)
    lon = np.array([c[2].lon for c in candidates], dtype=float)
    wards = geo.assign_areas(lat, lon, leaves) if candidates else []
    names = dict(zip(leaves["code"], leaves["name_ja"], strict=True))
    rows: list[ShelterRow] = []
    for (number, row, shelter, place), ward in zip(candidates, wards, strict=True):
        if ward is None:
            result.problems.append(
                Problem(
                    number,
                    "error",
                    "import.problem.outside",
                    {"lat": shelter.lat, "lon": shelter.lon},
                )
            )
            result.rejected.append((number, row))
            continue
        plain = _plain(place) if place else ""
        said = [n for code, n in names.items() if plain and code != ward and n and n in plain]
        if said and names[ward] not in plain:
            result.problems.append(
                Problem(
                    number,
                    "warning",
                    "import.problem.ward_mismatch",
                    {"ward": names[ward], "said": said[0]},
                )
            )
        shelter.ward_code = ward
        shelter.municipality_code = municipality_of(tree, ward)
        rows.append(shelter)
    result.problems.sort(key=lambda p: p.row)
    result.rejected.sort()
    return rows
