"""The one cell guard for every file the app writes for a person (issue 20 #3).

The export functions are found, not listed: every public name (``__all__``) of every service
package that ends in ``_csv``, ``_xlsx``, ``_geojson``, ``_pdf`` or ``_bytes`` or starts with
``export_``. Each is called with its inputs built from its type hints, every text field a
formula (=, +, -, @, tab, CR and the full-width forms); no cell of the file it writes may start
like a formula, and the formulas show as text (with the guard's apostrophe). A PDF shows text
and runs nothing, so it is only checked to write. A new export whose input type the builder
cannot make fails here until ``formula_value`` learns it.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib
import inspect
import io
import itertools
import json
import pkgutil
import re
import types
import typing
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from openpyxl import load_workbook

import dashboard.services
from dashboard.services.imports import FORMULA_STARTS
from dashboard.services.sitreports import REMARK_KEYS, SUMMARY_REMARK_KEYS
from dashboard.services.sitreports.rows import ROWS

FORMULAS = ('=HYPERLINK("http://x.example","y")', "+1+1", "-1+1", "@SUM(1)", "\t=1", "\r=1", "＝1")
EXPORT_NAME = re.compile(r"(_csv|_xlsx|_geojson|_pdf|_bytes)$|^export_")
NOW = datetime(2026, 1, 1, tzinfo=UTC)
# Fields whose value is looked up in a table (a kind, a level): a real value, not a formula.
ENUMERATED = {
    "kind": "directive",
    "level": "municipality",
    "disaster_kind": "typhoon",
    "status": "confirmed",
    "safety": "safe",
    "attendance": "can_come",
    "form": "damage",  # その2: its workbook carries the その1 sheet too
}


def export_functions() -> list[tuple[str, typing.Callable]]:
    found = []
    for info in pkgutil.iter_modules(dashboard.services.__path__):
        package = importlib.import_module(f"dashboard.services.{info.name}")
        for name in getattr(package, "__all__", ()):
            if EXPORT_NAME.search(name) and callable(getattr(package, name)):
                found.append((f"{info.name}.{name}", getattr(package, name)))
    return found


def formula_value(tp, name: str, counter: itertools.count):
    """A value of type ``tp`` whose every text is one of ``FORMULAS``."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        tp = next(a for a in args if a is not type(None))
        return formula_value(tp, name, counter)
    if tp is str:
        return ENUMERATED.get(name) or FORMULAS[next(counter) % len(FORMULAS)]
    if tp is bool:
        return False
    if tp in (int, float):
        return tp(1)
    if tp is datetime:
        return NOW
    if origin in (list, tuple, Iterable, Sequence, frozenset, set) or tp in (list, tuple):
        item = formula_value(args[0], name, counter) if args else FORMULAS[0]
        if origin in (frozenset, set):
            return origin([item])
        return (item,) if origin is tuple else [item]
    if origin is dict or tp is dict:
        if name in ("total", "figures"):  # a report's figures: every row, a number each
            return {row.key: [1, FORMULAS[0], False] for row in ROWS}
        if name == "hq_entries":  # 災害対策本部等の設置状況: texts from the declarations
            return {
                "level": "市町村",
                "name": FORMULAS[0],
                "body": FORMULAS[1],
                "set_up": NOW.isoformat(),
                "dissolved": None,
            }
        if name == "remarks":
            return dict.fromkeys(REMARK_KEYS + SUMMARY_REMARK_KEYS, FORMULAS[0])
        return {}
    if getattr(tp, "__name__", "") == "ExportTable":
        return tp("t", list(FORMULAS), [list(FORMULAS)], points=[(34.7, 135.5)])
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        return tp(
            **{
                f.name: formula_value(hints[f.name], f.name, counter)
                for f in dataclasses.fields(tp)
                if f.init
            }
        )
    raise AssertionError(f"no formula value for {tp!r} ({name}): teach formula_value")


def cells_of(data: bytes) -> list[str]:
    """Every text cell of a CSV, workbook or GeoJSON file."""
    if data.startswith(b"PK"):
        book = load_workbook(io.BytesIO(data))
        return [
            c.value
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for c in row
            if isinstance(c.value, str)
        ]
    text = data.decode("utf-8-sig")
    if text.startswith("{"):
        return [
            v
            for f in json.loads(text)["features"]
            for v in f["properties"].values()
            if isinstance(v, str)
        ]
    return [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]


def test_every_export_writes_formulas_as_text():
    functions = export_functions()
    names = {name for name, _ in functions}
    assert {"rollcall.export_csv", "rollcall.export_xlsx", "exports.csv_bytes"} <= names
    for name, function in functions:
        counter = itertools.count()
        hints = typing.get_type_hints(function)
        arguments = [
            formula_value(hints[p.name], p.name, counter)
            for p in inspect.signature(function).parameters.values()
            if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD
        ]
        data = function(*arguments)
        if name.endswith("_pdf"):
            assert data.startswith(b"%PDF")
            continue
        cells = cells_of(data)
        live = [c for c in cells if c.startswith(FORMULA_STARTS)]
        assert live == [], (name, live)
        assert any(c.startswith("'") and c[1:] in FORMULAS for c in cells), (name, cells[:20])
