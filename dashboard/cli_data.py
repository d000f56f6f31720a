"""The data commands of the CLI: shelter registry and staff account import, shelter and damage
report export. ``dashboard/cli.py`` registers them; the work is in services.imports/exports.

Problems are printed one per line with their row number (in English, the CLI's language); the
one-time passwords of new accounts go to stdout once (or to a file given with --passwords) and
never into a log or the audit.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from dashboard.domain import SYSTEM
from dashboard.errors import CommandError, ServiceError
from dashboard.i18n import translate
from dashboard.services import exports, imports

# The problem lines printed before "... and N more".
MAX_PROBLEM_LINES = 200
EXPORT_FILE_TYPES = tuple(exports.FILE_TYPES)


def add_data_commands(add: Callable, commands: dict[str, Callable]) -> None:
    p = add(
        "import-shelters",
        commands["import-shelters"],
        "import a shelter registry (GSI 指定避難所 / 指定緊急避難場所 CSV, デジタル庁 dataset, "
        "GeoJSON, xlsx, or any CSV with --map); UTF-8, UTF-8 with BOM or CP932",
    )
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p.add_argument("--format", choices=imports.FORMATS, help="skip detection from the header")
    p.add_argument("--area", help="JIS code of the target municipality (or prefecture)")
    p.add_argument("--strict", action="store_true", help="import nothing if any row is rejected")
    p.add_argument("--map", help="column mapping of a generic CSV: 名称=name,緯度=lat,経度=lon,…")
    p.add_argument(
        "--deactivate-missing",
        action="store_true",
        help="deactivate stored shelters of the same municipality and kind the file omits",
    )
    p.add_argument("--rejected", help="write the rejected rows with their reasons to this CSV")
    p = add(
        "import-users",
        commands["import-users"],
        "import staff accounts from a CSV (username, display name, role, area code, e-mail, "
        "LINE WORKS id); new accounts get one-time passwords printed once",
    )
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--passwords", help="write the one-time passwords to this file, not stdout")
    p = add("export-shelters", commands["export-shelters"], "export shelters")
    p.add_argument("--layout", choices=tuple(imports.LAYOUTS), default="gsi_shelter")
    p.add_argument("--status", action="store_true", help="append the latest status columns")
    p.add_argument("--table", action="store_true", help="the running shelters' status table")
    p.add_argument(
        "--lalert",
        choices=("table", "xml"),
        help="every shelter's status in Lアラート's items (避難所情報): a table, or the XML body",
    )
    _output_arguments(p)
    p = add("export-reports", commands["export-reports"], "export damage reports")
    p.add_argument("--ward", help="only this ward (JIS code)")
    p.add_argument("--state", action="append", help="review state (repeatable)")
    p.add_argument("--category", action="append", help="damage category (repeatable)")
    p.add_argument("--since", type=datetime.fromisoformat, help="ISO time with zone")
    p.add_argument("--until", type=datetime.fromisoformat, help="ISO time with zone")
    _output_arguments(p)


def _output_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--type", choices=EXPORT_FILE_TYPES, default="csv", dest="file_type")
    p.add_argument("--lang", choices=("ja", "en"), default="ja")
    p.add_argument("-o", "--output", help="file to write (default: the export's own name)")


def _problem_line(problem: imports.Problem) -> str:
    return f"row {problem.row}: {problem.level}: {translate(problem.key, 'en', **problem.params)}"


def import_shelters_command(engine: Engine, args: argparse.Namespace) -> str:
    try:
        mapping = imports.parse_mapping(args.map)
    except ValueError as exc:
        raise ServiceError("import.bad_mapping", field=str(exc)) from exc
    result = imports.import_shelters(
        engine,
        SYSTEM,
        Path(args.file).read_bytes(),
        filename=Path(args.file).name,
        format=args.format,
        area=args.area,
        mapping=mapping or None,
        strict=args.strict,
        dry_run=args.dry_run,
        deactivate_missing=args.deactivate_missing,
    )
    for problem in result.problems[:MAX_PROBLEM_LINES]:
        print(_problem_line(problem), file=sys.stderr)
    if len(result.problems) > MAX_PROBLEM_LINES:
        print(f"... and {len(result.problems) - MAX_PROBLEM_LINES} more", file=sys.stderr)
    if args.rejected and result.rejected:
        Path(args.rejected).write_bytes(exports.csv_bytes(exports.rejected_table(result)))
    for registry_id, name in result.missing[:MAX_PROBLEM_LINES]:
        print(f"missing from the file: {registry_id} {name}", file=sys.stderr)
    for field, count in result.changes.items():
        print(f"changes {field}: {count} shelters", file=sys.stderr)
    summary = (
        f"{result.format}, {result.encoding}, area {result.area_code}: {result.total} rows, "
        f"{result.created} new, {result.updated} updated, {result.unchanged} unchanged, "
        f"{len(result.rejected)} rejected, {len(result.missing)} missing"
        + (f", {result.deactivated} deactivated" if result.deactivated else "")
    )
    if args.strict and result.errors:
        raise CommandError(f"nothing imported (--strict): {summary}")
    return ("dry run, nothing written: " if not result.written else "imported: ") + summary


def import_users_command(engine: Engine, args: argparse.Namespace) -> str:
    result = imports.import_users(
        engine, SYSTEM, Path(args.file).read_bytes(), dry_run=args.dry_run
    )
    for problem in result.problems:
        print(_problem_line(problem), file=sys.stderr)
    if result.passwords:
        lines = "".join(f"{user}\t{password}\n" for user, password in result.passwords)
        if args.passwords:
            path = Path(args.passwords)
            path.touch(mode=0o600)
            path.write_text("username\tone-time password\n" + lines, encoding="utf-8")
        else:
            sys.stdout.write("username\tone-time password (shown once)\n" + lines)
    verb = "would create" if args.dry_run else "created"
    return f"{verb} {result.created} accounts, {len(result.rejected)} rows rejected"


def _write(table: exports.ExportTable, args: argparse.Namespace) -> str:
    data, _, name = exports.render(table, args.file_type)
    path = Path(args.output or name)
    path.write_bytes(data)
    return f"wrote {len(table.rows)} rows to {path}"


def export_shelters_command(engine: Engine, args: argparse.Namespace) -> str:
    if args.lalert == "xml":
        path = Path(args.output or "lalert_shelters.xml")
        path.write_bytes(exports.lalert_xml(engine, SYSTEM))
        return f"wrote {path}"
    if args.lalert == "table":
        return _write(exports.lalert_table(engine, SYSTEM), args)
    if args.table:
        return _write(exports.status_table(engine, SYSTEM, lang=args.lang), args)
    table = exports.registry_table(engine, SYSTEM, layout_key=args.layout, with_status=args.status)
    return _write(table, args)


def export_reports_command(engine: Engine, args: argparse.Namespace) -> str:
    table = exports.reports_table(
        engine,
        SYSTEM,
        lang=args.lang,
        ward_code=args.ward,
        review_states=args.state,
        categories=args.category,
        since=args.since,
        until=args.until,
    )
    return _write(table, args)
