"""Writing checked registry rows: inserts and updates in bulk, inside the caller's transaction.

A national registry has ~83,000 rows, so rows are not loaded and saved one ORM object at a time:
the stored shelters of the target municipalities are read as plain tuples once, compared in
Python, and new or changed rows go out as executemany batches (ORM bulk INSERT / UPDATE by
primary key). Status rows are never read or written here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from dashboard.domain import Actor
from dashboard.services.audit import AuditAction, record_audit
from dashboard.storage.models import Shelter, utcnow

if TYPE_CHECKING:
    from dashboard.services.imports.shelters import ImportResult, ShelterRow

# Rows per executemany batch (bounded memory, few round trips).
BATCH = 2000
# Master fields an import sets; a stored shelter whose fields all equal the row's is unchanged.
MASTER_FIELDS = (
    "name",
    "kana",
    "address",
    "lat",
    "lon",
    "ward_code",
    "capacity",
    "hazards",
    "attributes",
    "active",
)


@dataclass(frozen=True, slots=True)
class _Stored:
    """What the comparison needs of a stored shelter: a digest of its master fields instead of
    the fields (a national registry's attributes would otherwise take hundreds of MB)."""

    id: int
    digest: bytes
    name: str
    ward_code: str
    active: bool


def _digest(values: tuple) -> bytes:
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _stored(session: Session, municipalities: set[str]) -> dict[tuple[str, str, str], _Stored]:
    columns = [getattr(Shelter, f) for f in MASTER_FIELDS]
    stmt = select(
        Shelter.id, Shelter.municipality_code, Shelter.kind, Shelter.registry_id, *columns
    ).where(Shelter.municipality_code.in_(municipalities), Shelter.registry_id.is_not(None))
    fields = {f: n for n, f in enumerate(MASTER_FIELDS)}
    found = {}
    for i, m, k, r, *rest in session.execute(stmt).yield_per(BATCH):
        found[(m, k, r)] = _Stored(
            i,
            _digest(tuple(rest)),
            rest[fields["name"]],
            rest[fields["ward_code"]],
            rest[fields["active"]],
        )
    return found


def _adoptable(session: Session, wards: set[str]) -> dict[tuple[str, str], int]:
    """Shelters of the area not yet from a registry (the demo's, entered by hand), by the id an
    export writes for them (external id, else the database id): a re-import adopts them instead
    of creating a twin."""
    stmt = select(Shelter.id, Shelter.kind, Shelter.external_id).where(
        Shelter.registry_id.is_(None), Shelter.ward_code.in_(wards), Shelter.exercise.is_(False)
    )
    return {(kind, external or str(i)): i for i, kind, external in session.execute(stmt)}


def _values(row: ShelterRow) -> tuple:
    return (
        row.name,
        row.kana,
        row.address,
        row.lat,
        row.lon,
        row.ward_code,
        row.capacity,
        row.hazards,
        row.attributes,
        True,
    )


def write_registry(
    session: Session,
    actor: Actor,
    rows: list[ShelterRow],
    result: ImportResult,
    *,
    municipalities: set[str],
    wards: set[str],
    write: bool,
    deactivate_missing: bool,
    filename: str,
    progress: Callable[[float], None],
) -> None:
    """Count new, changed, unchanged and missing shelters into ``result``; write them if
    ``write``."""
    stored = _stored(session, municipalities)
    adoptable = _adoptable(session, wards)
    now = utcnow()
    # Written batch by batch as the rows are compared, so a national file never holds all of its
    # INSERT parameters in memory at once.
    pending: dict[str, list[dict]] = {"insert": [], "update": []}
    counts = {"insert": 0, "update": 0}

    def add(kind: str, params: dict, *, last: bool = False) -> None:
        if params:
            pending[kind].append(params)
            counts[kind] += 1
        if write and pending[kind] and (last or len(pending[kind]) >= BATCH):
            session.execute(insert(Shelter) if kind == "insert" else update(Shelter), pending[kind])
            pending[kind] = []
        elif not write and len(pending[kind]) >= BATCH:
            pending[kind] = []

    seen: set[tuple[str, str, str]] = set()
    for done, row in enumerate(rows, start=1):
        key = (row.municipality_code, row.kind, row.registry_id)
        seen.add(key)
        values = _values(row)
        master = dict(zip(MASTER_FIELDS, values, strict=True))
        adopt = adoptable.get((row.kind, row.registry_id)) if key not in stored else None
        if adopt is not None:
            add(
                "update",
                {
                    "id": adopt,
                    **master,
                    "municipality_code": row.municipality_code,
                    "registry_id": row.registry_id,
                    "source": result.format,
                    "updated_at": now,
                },
            )
        elif key not in stored:
            add(
                "insert",
                {
                    **master,
                    "municipality_code": row.municipality_code,
                    "kind": row.kind,
                    "registry_id": row.registry_id,
                    "source": result.format,
                    "exercise": False,
                    "created_at": now,
                    "updated_at": now,
                },
            )
        elif stored[key].digest != _digest(values):
            add(
                "update",
                {"id": stored[key].id, **master, "source": result.format, "updated_at": now},
            )
        if done % BATCH == 0:
            progress(done / len(rows))
    add("insert", {}, last=True)
    add("update", {}, last=True)
    kinds = {row.kind for row in rows}
    # Missing: active, of a kind the file lists, inside the target area (a ward's file says
    # nothing about the other wards of its city).
    missing = sorted(
        (key, stored[key])
        for key in stored.keys() - seen
        if key[1] in kinds and stored[key].active and stored[key].ward_code in wards
    )
    result.created, result.updated = counts["insert"], counts["update"]
    result.unchanged = len(rows) - result.created - result.updated
    result.missing = [(key[2], found.name) for key, found in missing]
    if not write:
        return
    if deactivate_missing and missing:
        ids = [found.id for _, found in missing]
        for i in range(0, len(ids), BATCH):
            session.execute(
                update(Shelter)
                .where(Shelter.id.in_(ids[i : i + BATCH]))
                .values(active=False, updated_at=now)
            )
        result.deactivated = len(ids)
    record_audit(
        session,
        actor,
        AuditAction.SHELTERS_IMPORTED,
        entity="shelters",
        entity_id=result.area_code,
        detail={
            "file": filename,
            "format": result.format,
            "encoding": result.encoding,
            "rows": result.total,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": len(result.rejected),
            "missing": len(result.missing),
            "deactivated": result.deactivated,
        },
    )
