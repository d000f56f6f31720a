"""Shelter registry import: read a file, check every row, then write the good ones at once.

A row with a problem is never dropped silently: it is listed with its row number and a reason
(a translation key), and the import goes on with the other rows — or writes nothing under
``strict``. Rows are matched to shelters already stored on their stable registry id (共通ID / ID)
within their municipality and kind; master fields are updated, status history is never touched.
Shelters of the same municipality and kind missing from the file are listed, and deactivated only
when the caller confirms it (``deactivate_missing``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy import Engine

from dashboard.domain import SYSTEM, Actor, Level
from dashboard.errors import ServiceError
from dashboard.services.areas import require_command, require_in_scope
from dashboard.services.imports.checks import (
    below,
    check_rows,
    jurisdictions,
    municipalities,
    municipality_of,
    read_code,
)
from dashboard.services.imports.layouts import (
    GENERIC,
    LAYOUTS,
    Layout,
    detect_layout,
    generic_layout,
    match_columns,
)
from dashboard.services.imports.reading import Table, read_table
from dashboard.services.imports.results import ImportResult
from dashboard.services.imports.writing import write_registry
from dashboard.storage.db import transaction

# How many rows of the file the preview shows.
SAMPLE_ROWS = 5
Progress = Callable[[float, str], None]


def import_shelters(
    engine: Engine,
    actor: Actor,
    data: bytes,
    *,
    filename: str = "",
    format: str | None = None,
    area: str | None = None,
    mapping: Mapping[str, str] | None = None,
    strict: bool = False,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Check a registry file and, unless ``dry_run`` (or ``strict`` with an error), store it in one
    transaction with an audit entry of its counts. Returns what was found and done."""
    require_command(actor)
    report = progress or (lambda _f, _s: None)
    table = read_table(data, filename=filename)
    layout = _layout(table, format, mapping)
    report(0.05, "read")
    with transaction(engine) as session:
        target = _target_area(session, actor, area, table, layout)
        require_in_scope(session, actor, [target])
        result = ImportResult(
            layout.key, table.encoding, table.header, table.rows[:SAMPLE_ROWS], target
        )
        rows = check_rows(
            session, table, layout, target, result, lambda f: report(0.05 + 0.35 * f, "checking")
        )
        report(0.4, "checked")
        write = not dry_run and not (strict and result.errors)
        write_registry(
            session,
            actor,
            rows,
            result,
            municipalities=municipalities(session, target),
            wards=below(jurisdictions(session), target),
            write=write,
            deactivate_missing=deactivate_missing,
            filename=filename,
            progress=lambda f: report(0.4 + 0.6 * f, "writing"),
        )
        result.written = write
    report(1.0, "done")
    return result


def _layout(table: Table, format: str | None, mapping: Mapping[str, str] | None) -> Layout:
    if mapping or format == GENERIC:
        if not mapping:
            raise ServiceError("import.mapping_needed")
        return generic_layout(table.header, mapping)
    if format:
        if format not in LAYOUTS:
            raise ServiceError("import.unknown_format", format=format)
        return LAYOUTS[format]
    layout = detect_layout(table.header)
    if layout is None:
        raise ServiceError("import.format_unknown", header=", ".join(table.header[:8]))
    return layout


def _target_area(session, actor: Actor, area: str | None, table: Table, layout: Layout) -> str:
    tree = jurisdictions(session)
    if area:
        code = read_code(area) or area
        if code not in tree:
            raise ServiceError("import.area_unknown", code=area)
        return code
    index = match_columns(table.header, layout.columns, layout.aliases).get(
        layout.fields.get("municipality_code", "")
    )
    if index is not None:
        codes = [read_code(row[index]) for row in table.rows[:1000]]
        known = [c for c in codes if c in tree]
        if known:
            return municipality_of(tree, max(set(known), key=known.count))
    home = actor.jurisdiction_code
    if actor is not SYSTEM and tree.get(home, (None, ""))[1] == Level.MUNICIPALITY:
        return home
    cities = [c for c, (_, level, _) in tree.items() if level == Level.MUNICIPALITY]
    if len(cities) == 1:
        return cities[0]
    raise ServiceError("import.area_needed")
