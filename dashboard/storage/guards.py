"""The one input guard for text, at the storage layer: whatever service, import or form a text
comes from, it passes here on its way into the database.

- ``before_flush`` (every ORM ``Session``): each text column of each new or changed row is
  cleaned (bidi overrides and isolates, U+202A–U+202E and U+2066–U+2069, are dropped: they make
  a name read backwards in lists and exports) and checked: control characters (NUL and the rest
  of C0/C1, except tab, newline and carriage return), lone surrogates, and more characters than
  the column holds are refused with ``ValidationFailed`` naming the column, in the user's
  language (``input.*`` texts), before anything is written.
- ``before_cursor_execute`` (every engine of ``storage.db.make_engine``): a NUL or a lone
  surrogate in any statement parameter (a Core insert of an import, a WHERE clause of a login)
  is refused the same way; PostgreSQL would answer those with a ``DataError``.
- ``storage.db.storage_guard`` turns any remaining ``DataError`` (a number out of range) into
  ``ValidationFailed`` too, so no page shows a driver's message for bad data.

A new model or column is covered without doing anything: the checks read the mapped columns'
types and lengths. tests/dashboard/storage/test_text_guard.py walks every text column of every
model, and the public services that take text, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from dashboard.errors import ValidationFailed

# Bidirectional overrides and isolates: dropped from stored text.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Refused in stored text: C0 controls but tab, newline and CR; DEL; C1 controls; lone surrogates.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# What no driver can pass on (PostgreSQL refuses NUL in text; surrogates cannot be encoded).
UNSENDABLE = re.compile("[\x00\ud800-\udfff]")


def clean_text(value: str) -> str:
    """``value`` without bidi overrides (what the guard stores)."""
    return BIDI_CONTROLS.sub("", value)


def text_problem(value: str, max_len: int | None = None) -> tuple[str, dict[str, object]] | None:
    """Why ``value`` cannot be stored (a text key and its parameters), or None."""
    if FORBIDDEN.search(value):
        return "input.control_chars", {}
    if max_len is not None and len(value) > max_len:
        return "input.too_long", {"max_len": max_len, "length": len(value)}
    return None


def _text_columns(mapper) -> Iterable[tuple[str, int | None]]:
    for attr in mapper.column_attrs:
        column_type = attr.columns[0].type
        string = (
            column_type if isinstance(column_type, String) else getattr(column_type, "impl", None)
        )
        if isinstance(string, String):
            yield attr.key, string.length


def row_problems(obj: object, *, changed_only: bool = False) -> dict[str, tuple[str, dict]]:
    """Clean the text attributes of a mapped object in place and return what is wrong with them
    (attribute -> (text key, parameters)); the ``before_flush`` check, usable on its own."""
    state = inspect(obj)
    problems: dict[str, tuple[str, dict]] = {}
    for key, max_len in _text_columns(state.mapper):
        value = state.dict.get(key)
        if not isinstance(value, str):
            continue
        if changed_only and not state.attrs[key].history.has_changes():
            continue
        cleaned = clean_text(value)
        if cleaned != value:
            setattr(obj, key, cleaned)
        problem = text_problem(cleaned, max_len)
        if problem is not None:
            problems[key] = problem
    return problems


@event.listens_for(Session, "before_flush")
def _check_text(session: Session, _context, _instances) -> None:
    problems: dict[str, tuple[str, dict]] = {}
    for obj in session.new:
        problems.update(row_problems(obj))
    for obj in session.dirty:
        problems.update(row_problems(obj, changed_only=True))
    if problems:
        raise ValidationFailed(problems)


def _unsendable(parameters: object) -> bool:
    if isinstance(parameters, str):
        return UNSENDABLE.search(parameters) is not None
    if isinstance(parameters, Mapping):
        return any(_unsendable(v) for v in parameters.values())
    if isinstance(parameters, list | tuple):
        return any(_unsendable(v) for v in parameters)
    return False


def guard_parameters(engine) -> None:
    """Refuse statements whose parameters no driver can send (see the module's docstring)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _check_parameters(_conn, _cursor, _statement, parameters, _context, _executemany):
        if _unsendable(parameters):
            raise ValidationFailed({"text": ("input.control_chars", {})})
