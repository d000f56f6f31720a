"""The one input guard for text (issue 20 #4, ``dashboard.storage.guards``).

Two walks: every text column of every model (read from the models, so a new column is covered
without touching this file) refuses control characters and over-long values and drops bidi
overrides; and the public services that take text, on SQLite and PostgreSQL, answer NUL,
control, bidi and over-long input with ``ValidationFailed`` (never a ``DataError``) and write
nothing. The imports (staff, shelters, users) name the row of a NUL instead of crashing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import String, func, select
from sqlalchemy.exc import DBAPIError

from dashboard.errors import LoginFailed, ServiceError, ValidationFailed
from dashboard.services import accounts, directives, imports, rollcall
from dashboard.services.rollcall.links import make_answer_token
from dashboard.settings import get_settings
from dashboard.storage.db import reading
from dashboard.storage.guards import FORBIDDEN, row_problems
from dashboard.storage.models import (
    Base,
    Directive,
    RollCall,
    RollCallAnswer,
    RollCallRecipient,
    StaffMember,
    User,
    utcnow,
)
from tests.factories import CITY, KITA

BAD = {"NUL": "a\x00b", "control": "a\x07b", "C1": "a\x85b", "surrogate": "a\ud800b"}
BIDI = "\u202eevil\u202c name\u2066x\u2069"
STAFF_CSV = "employee_number,name,unit_code,tier,email\nK1,北 一郎,27127,1,k1@example.lg.jp\n"


def text_columns():
    for mapper in Base.registry.mappers:
        for attr in mapper.column_attrs:
            column_type = attr.columns[0].type
            if isinstance(column_type, String) or isinstance(
                getattr(column_type, "impl", None), String
            ):
                yield mapper.class_, attr.key, getattr(column_type, "length", None)


def test_every_text_column_of_every_model_is_guarded():
    columns = list(text_columns())
    assert len(columns) > 50  # the walk found the models' text columns
    for model, key, length in columns:
        for name, value in BAD.items():
            row = model(**{key: value})
            assert key in row_problems(row), (model.__name__, key, name)
        row = model(**{key: BIDI[: length or None]})
        row_problems(row)
        assert "\u202e" not in getattr(row, key), (model.__name__, key)
        if length:
            row = model(**{key: "あ" * (length + 1)})
            assert row_problems(row)[key][0] == "input.too_long", (model.__name__, key)
            row = model(**{key: "あ" * length})
            assert key not in row_problems(row)


def count(engine, model) -> int:
    with reading(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def answer_token(city):
    rollcall.import_staff(city.engine, city.admin, STAFF_CSV.encode(), dry_run=False)
    rc = rollcall.start_rollcall(city.engine, city.admin, submission_id="rc", scope_code=CITY)
    with reading(city.engine) as s:
        recipient = s.scalars(
            select(RollCallRecipient).where(RollCallRecipient.rollcall_id == rc)
        ).one()
    secret = get_settings().secret_key
    return make_answer_token(recipient.id, recipient.staff_id, secret=secret, now=utcnow())


def refused(call) -> ValidationFailed | None:
    """The clean refusal, or None when the call was accepted; a driver error fails the test."""
    try:
        call()
    except ValidationFailed as exc:
        return exc
    except DBAPIError as exc:  # the defect: a driver error reached the caller
        pytest.fail(f"DataError instead of ValidationFailed: {type(exc).__name__}")
    return None


def stored_texts(engine) -> list[str]:
    """Every text value of every table."""
    values = []
    with reading(engine) as s:
        for model, key, _ in text_columns():
            values.extend(v for v in s.scalars(select(getattr(model, key))) if isinstance(v, str))
    return values


def test_services_that_take_text_refuse_it_cleanly_and_write_nothing(city, answer_token):
    """Each call either refuses with ``ValidationFailed`` and writes nothing, or (a service that
    cleans its text itself) stores it cleaned; never a driver error, never a control character
    or a bidi override in any column of any table."""
    engine = city.engine

    def answer(**fields):
        values = {"submission_id": "s1", "safety": "safe", "attendance": "can_come", **fields}
        return rollcall.submit_answer(engine, answer_token, **values)

    calls = {
        "answer comment": lambda v: answer(comment=v),
        "answer place": lambda v: answer(place=v, attendance="cannot_come", reason="x"),
        "answer submission id": lambda v: answer(submission_id=v),
        "roll-call title": lambda v: rollcall.start_rollcall(
            engine, city.admin, submission_id="t" + v[-3:], scope_code=CITY, title=v
        ),
        "roll-call submission id": lambda v: rollcall.start_rollcall(
            engine, city.admin, submission_id=v, scope_code=CITY
        ),
        "directive title": lambda v: directives.send_directive(
            engine,
            city.mayor,
            submission_id="d" + v[-3:],
            ward_codes=[KITA],
            title=v,
            body="b",
            priority="normal",
            confirmed=True,
        ),
        "user display name": lambda v: accounts.create_user(
            engine,
            city.admin,
            username="u" + str(len(v)) + v[-1].encode("utf-8", "replace").hex(),
            display_name=v,
            role="viewer",
            jurisdiction_code=CITY,
            password="long-enough-password-1",
        ),
    }
    refusals = 0
    for where, call in calls.items():
        # The roll-call title is cut to its column by the service (a long default title).
        long = {} if where == "roll-call title" else {"over-long": "x" * 5000}
        for name, value in {**BAD, **long, "bidi": BIDI}.items():
            if "submission id" in where and name not in ("over-long", "bidi"):
                value = "id" + value
            before = {m: count(engine, m) for m in (RollCallAnswer, RollCall, Directive, User)}
            if refused(lambda call=call, value=value: call(value)) is not None:
                refusals += 1
                after = {m: count(engine, m) for m in before}
                assert after == before, (where, name)  # nothing written
    assert refusals >= 15
    leftovers = [v for v in stored_texts(engine) if FORBIDDEN.search(v) or "\u202e" in v]
    assert leftovers == []

    # A login with a NUL in the name: refused, not a driver error.
    with pytest.raises((LoginFailed, ValidationFailed)):
        accounts.authenticate(engine, "may\x00or", "x")


def test_a_nul_in_an_imported_file_is_a_problem_of_its_row(city):
    engine = city.engine
    staff = STAFF_CSV + "K2,北\x00二郎,27127,1,k2@example.lg.jp\n"
    report = rollcall.import_staff(engine, city.admin, staff.encode(), dry_run=False)
    assert not report.applied
    assert [(p.line, p.column, p.key) for p in report.problems] == [
        (3, "name", "input.control_chars")
    ]
    assert count(engine, StaffMember) == 0

    users = "username,display_name,role,jurisdiction_code\nnew1,新\x00人,viewer,27100\n"
    with pytest.raises(ServiceError) as raised:
        imports.import_users(engine, city.admin, users.encode())
    assert raised.value.key == "import.control_chars"
    assert raised.value.params == {"line": 2, "column": "display_name"}

    shelters = "名称,住所,緯度,経度\n北\x00小学校,北区,34.70,135.50\n"
    with pytest.raises(ServiceError) as raised:
        imports.import_shelters(engine, city.admin, shelters.encode(), area=CITY)
    assert raised.value.key == "import.control_chars" and raised.value.params["line"] == 2
    assert count(engine, User) == len(city.actors)
