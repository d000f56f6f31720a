"""The shelter forms as typed on a phone: initial values, live hints, and submitting them.

Pages keep the fields as text; these functions parse them (full-width digits accepted) and name
every bad field in one ``ValidationFailed`` before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine

from dashboard.domain import Actor, ShelterState
from dashboard.errors import ValidationFailed
from dashboard.services.inputs import (
    InputError,
    check_text,
    optional,
    parse_coordinates,
    parse_fields,
    parse_int,
)
from dashboard.services.shelters.adhoc import register_adhoc_shelter
from dashboard.services.shelters.queries import ShelterView
from dashboard.services.shelters.rules import NAME_MAX_LEN
from dashboard.services.shelters.status import capacity_hints, record_status, validate_status

# Fields of the status form and of the ad-hoc shelter form, as pages keep them (text as typed).
STATUS_FORM_FIELDS = ("state", "evacuees", "households", "voluntary_evacuees", "needs", "note")
ADHOC_FORM_FIELDS = ("coordinates", "name", "capacity", "evacuees", "address")


def status_form(view: ShelterView) -> dict[str, Any]:
    """Initial values of the status form: the latest report, or "open" with nobody yet."""
    return {
        "state": view.state or ShelterState.OPEN.value,
        "evacuees": str(view.evacuees),
        "households": "" if view.households is None else str(view.households),
        "voluntary_evacuees": (
            "" if view.voluntary_evacuees is None else str(view.voluntary_evacuees)
        ),
        "needs": list(view.needs),
        "note": view.note or "",
    }


def status_form_hints(view: ShelterView, form: Mapping[str, Any]) -> list[tuple[str, dict]]:
    """``capacity_hints`` for what is typed so far (nothing while evacuees is not a number)."""
    try:
        evacuees = parse_int(form.get("evacuees"))
    except InputError:
        return []
    return capacity_hints(capacity=view.capacity, evacuees=evacuees, state=form.get("state"))


def submit_status_form(
    engine: Engine,
    actor: Actor,
    *,
    shelter_id: int,
    submission_id: str,
    form: Mapping[str, Any],
    opened_status_id: int | None,
) -> int:
    """``record_status`` from the form as typed (full-width digits accepted; households and
    うち自主避難 optional, empty = not said).

    Every bad field is named in one ``ValidationFailed``.
    """
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    parsers = {
        "evacuees": parse_int,
        "households": optional(parse_int),
        "voluntary_evacuees": optional(parse_int),
    }
    try:
        counts = parse_fields(form, parsers)
    except ValidationFailed as exc:
        problems.update(exc.fields)
        counts = {"evacuees": 0, "households": None, "voluntary_evacuees": None}
    try:
        validate_status(
            form.get("state") or "",
            counts["evacuees"],
            counts["households"] if "evacuees" not in problems else None,
            (),
            form.get("note"),
            counts["voluntary_evacuees"] if "evacuees" not in problems else None,
        )
    except ValidationFailed as exc:
        problems.update({k: v for k, v in exc.fields.items() if k not in problems})
    if problems:
        raise ValidationFailed(problems)
    return record_status(
        engine,
        actor,
        shelter_id=shelter_id,
        submission_id=submission_id,
        state=form["state"],
        needs=form.get("needs") or (),
        note=form.get("note"),
        opened_status_id=opened_status_id,
        **counts,
    )


def register_adhoc_form(
    engine: Engine, actor: Actor, *, submission_id: str, form: Mapping[str, Any]
) -> int:
    """``register_adhoc_shelter`` from the form as typed; every bad field named at once."""
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    try:
        values = parse_fields(
            form,
            {
                "coordinates": parse_coordinates,
                "capacity": optional(parse_int),
                "evacuees": optional(parse_int),
            },
        )
    except ValidationFailed as exc:
        problems.update(exc.fields)
        values = {}
    try:
        check_text(form.get("name"), max_len=NAME_MAX_LEN, required=True)
    except InputError as exc:
        problems["name"] = (exc.key, exc.params)
    if problems:
        raise ValidationFailed(problems)
    lat, lon = values["coordinates"]
    return register_adhoc_shelter(
        engine,
        actor,
        submission_id=submission_id,
        name=form.get("name") or "",
        lat=lat,
        lon=lon,
        capacity=values["capacity"] or 0,
        evacuees=values["evacuees"] or 0,
        address=form.get("address"),
    )
