"""臨時避難所: a shelter opened on the spot, registered at a point of the reporter's ward."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.domain import Actor, ShelterKind, ShelterState
from dashboard.errors import PermissionDenied, ValidationFailed
from dashboard.services.areas import require_area_writer, require_reporter, scope_codes, ward_at
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.inputs import InputError, check_text
from dashboard.services.modes import exercise_now
from dashboard.services.shelters.rules import (
    ADDRESS_MAX_LEN,
    MAX_COUNT,
    NAME_MAX_LEN,
    check_submission_id,
    range_problem,
)
from dashboard.storage.db import store_once
from dashboard.storage.models import Shelter, ShelterStatus, utcnow


def register_adhoc_shelter(
    engine: Engine,
    actor: Actor,
    *,
    submission_id: str,
    name: str,
    lat: float,
    lon: float,
    capacity: int = 0,
    evacuees: int = 0,
    address: str | None = None,
) -> int:
    """Register a 臨時避難所 at a point of the actor's ward and report it open; returns its id.

    The ward is derived from the point. Idempotent per ``submission_id``.
    """
    require_reporter(actor)
    check_submission_id(submission_id)
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    try:
        name = check_text(name, max_len=NAME_MAX_LEN, required=True)
    except InputError as exc:
        problems["name"] = (exc.key, exc.params)
    try:
        address = check_text(address, max_len=ADDRESS_MAX_LEN) or None
    except InputError as exc:
        problems["address"] = (exc.key, exc.params)
    for field, value in (("capacity", capacity), ("evacuees", evacuees)):
        if not 0 <= value <= MAX_COUNT:
            problems[field] = range_problem(value)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        problems["coordinates"] = ("input.coordinates_format", {})
    if problems:
        raise ValidationFailed(problems)
    external_id = f"adhoc:{submission_id}"

    def find(session: Session) -> int | None:
        return session.scalar(select(Shelter.id).where(Shelter.external_id == external_id))

    def write(session: Session) -> int:
        require_area_writer(session, actor)
        ward_code = ward_at(session, lat, lon)
        if ward_code is None:
            raise ValidationFailed({"coordinates": ("shelter.outside_area", {})})
        if ward_code not in scope_codes(session, actor):
            raise PermissionDenied("shelter.outside_ward")
        exercise = exercise_now(session)
        now = utcnow()
        shelter = Shelter(
            external_id=external_id,
            name=name,
            address=address,
            lat=lat,
            lon=lon,
            ward_code=ward_code,
            capacity=capacity,
            kind=ShelterKind.ADHOC.value,
            hazards=[],
            exercise=exercise,
            created_by_id=actor.user_id,
            created_at=now,
        )
        session.add(shelter)
        session.flush()
        session.add(
            ShelterStatus(
                submission_id=f"{submission_id}:open",
                shelter_id=shelter.id,
                state=ShelterState.OPEN.value,
                evacuees=evacuees,
                exercise=exercise,
                reported_by_id=actor.user_id,
                reported_at=now,
            )
        )
        record_audit(
            session,
            actor,
            AuditAction.ADHOC_SHELTER_REGISTERED,
            entity="shelter",
            entity_id=shelter.id,
            exercise=exercise,
            detail={"name": name, "ward": ward_code, "lat": lat, "lon": lon},
        )
        return shelter.id

    return store_once(engine, find, write)
