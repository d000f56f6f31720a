"""Writing checked registry rows: inserts and updates in bulk, inside the caller's transaction.

A national registry has ~83,000 rows, so rows are not loaded and saved one ORM object at a time:
the stored shelters of the target municipalities are read as plain tuples once, compared in
Python, and new or changed rows go out as executemany batches (ORM bulk INSERT / UPDATE by
primary key). Status rows are never read or written here.

A file only speaks for the columns its layout carries: the GSI 指定避難所 layout has no capacity
and no kana, so a GSI file leaves the stored capacities and kana as they are (unknown in the file
is not "set to unknown"). Kept columns (``attributes``) are merged: a column the file has replaces
the stored one, the others stay. A row equal to the stored shelter on everything the file carries
is unchanged and is not written; what would change is counted per field for the preview.
"""

from __future__ import annotations

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
# Master fields an import may set, in the order ``_Stored.values`` holds them.
MASTER_FIELDS = (
    "name",
    "kana",
    "address",
    "lat",
    "lon",
    "ward_code",
    "capacity",
    "hazards",
    "active",
)
# Coordinates are compared to the decimals the import keeps (7: about 1 cm).
COORD_DECIMALS = 7


@dataclass(frozen=True, slots=True)
class _Stored:
    """What the comparison needs of a stored shelter: its master fields normalised, and a hash of
    each compared kept column (a national registry's attributes would otherwise take hundreds of
    MB)."""

    id: int
    values: tuple
    attrs: tuple[int, ...]
    name: str
    ward_code: str
    active: bool


def _normal(values: tuple) -> tuple:
    """Master field values as compared: no kana = "", coordinates rounded, hazards unordered."""
    name, kana, address, lat, lon, ward, capacity, hazards, active = values
    return (
        name or "",
        kana or "",
        address or "",
        round(float(lat), COORD_DECIMALS),
        round(float(lon), COORD_DECIMALS),
        ward,
        capacity,
        tuple(sorted(hazards or ())),
        bool(active),
    )


def _attr_hashes(attributes: dict | None, columns: tuple[str, ...]) -> tuple[int, ...]:
    attributes = attributes or {}
    return tuple(hash(str(attributes.get(c, "") or "")) for c in columns)


def _read(session: Session, where, columns: tuple[str, ...]):
    fields = [getattr(Shelter, f) for f in MASTER_FIELDS]
    stmt = select(
        Shelter.id,
        Shelter.municipality_code,
        Shelter.kind,
        Shelter.registry_id,
        Shelter.external_id,
        Shelter.attributes,
        *fields,
    ).where(*where)
    for i, m, k, r, external, attributes, *rest in session.execute(stmt).yield_per(BATCH):
        values = _normal(tuple(rest))
        stored = _Stored(
            i, values, _attr_hashes(attributes, columns), values[0], values[5], values[8]
        )
        yield (m, k, r, external), stored


def _stored(
    session: Session, municipalities: set[str], columns: tuple[str, ...]
) -> dict[tuple[str, str, str], _Stored]:
    where = (Shelter.municipality_code.in_(municipalities), Shelter.registry_id.is_not(None))
    return {(m, k, r): found for (m, k, r, _), found in _read(session, where, columns)}


def _adoptable(
    session: Session, wards: set[str], columns: tuple[str, ...]
) -> dict[tuple[str, str], _Stored]:
    """Shelters of the area not yet from a registry (the demo's, entered by hand), by the id an
    export writes for them (external id, else the database id): a re-import adopts them instead
    of creating a twin."""
    where = (
        Shelter.registry_id.is_(None),
        Shelter.ward_code.in_(wards),
        Shelter.exercise.is_(False),
    )
    return {
        (k, external or str(found.id)): found
        for (_, k, _, external), found in _read(session, where, columns)
    }


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
        True,
    )


def _changes(
    stored: _Stored, row: ShelterRow, carried: frozenset[str], columns: tuple[str, ...]
) -> list[str]:
    """The fields (and ``attr:<column>``) the row would change in the stored shelter."""
    new = _normal(_values(row))
    changed = [
        f
        for f, old, value in zip(MASTER_FIELDS, stored.values, new, strict=True)
        if f in carried and old != value
    ]
    hashes = _attr_hashes(row.attributes, columns)
    changed += [
        f"attr:{c}"
        for c, old, value in zip(columns, stored.attrs, hashes, strict=True)
        if old != value
    ]
    return changed


def _merge_attributes(session: Session, params: list[dict]) -> None:
    """Each update's kept columns laid over the stored ones (columns the file lacks stay)."""
    ids = [p["id"] for p in params]
    stmt = select(Shelter.id, Shelter.attributes).where(Shelter.id.in_(ids))
    stored = dict(session.execute(stmt).tuples().all())
    for p in params:
        p["attributes"] = {**(stored.get(p["id"]) or {}), **p["attributes"]}


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
    columns = result.compared_columns
    carried = result.carried or frozenset(MASTER_FIELDS)
    stored = _stored(session, municipalities, columns)
    adoptable = _adoptable(session, wards, columns)
    now = utcnow()
    # Written batch by batch as the rows are compared, so a national file never holds all of its
    # INSERT parameters in memory at once.
    pending: dict[str, list[dict]] = {"insert": [], "update": [], "adopt": []}
    counts = {"insert": 0, "update": 0, "adopt": 0}
    changes: dict[str, int] = {}

    def add(kind: str, params: dict, *, last: bool = False) -> None:
        if params:
            pending[kind].append(params)
            counts[kind] += 1
        if write and pending[kind] and (last or len(pending[kind]) >= BATCH):
            if kind != "insert":
                _merge_attributes(session, pending[kind])
            session.execute(insert(Shelter) if kind == "insert" else update(Shelter), pending[kind])
            pending[kind] = []
        elif not write and len(pending[kind]) >= BATCH:
            pending[kind] = []

    seen: set[tuple[str, str, str]] = set()
    updated = linked = 0
    for done, row in enumerate(rows, start=1):
        key = (row.municipality_code, row.kind, row.registry_id)
        seen.add(key)
        master = dict(zip(MASTER_FIELDS, _values(row), strict=True))
        adopt = adoptable.get((row.kind, row.registry_id)) if key not in stored else None
        if key not in stored and adopt is None:
            add(
                "insert",
                {
                    **master,
                    "attributes": row.attributes,
                    "municipality_code": row.municipality_code,
                    "kind": row.kind,
                    "registry_id": row.registry_id,
                    "source": result.format,
                    "exercise": False,
                    "created_at": now,
                    "updated_at": now,
                },
            )
            continue
        found = adopt or stored[key]
        changed = _changes(found, row, carried, columns)
        for name in changed:
            changes[name] = changes.get(name, 0) + 1
        updated += bool(changed)
        linked += adopt is not None and not changed
        params = {
            "id": found.id,
            **{f: v for f, v in master.items() if f in carried},
            "attributes": row.attributes,
            "source": result.format,
            "updated_at": now,
        }
        if adopt is not None:
            # Linked to its registry id even when nothing else changes.
            params |= {"municipality_code": row.municipality_code, "registry_id": row.registry_id}
            add("adopt", params)
        elif changed:
            add("update", params)
        if done % BATCH == 0:
            progress(done / len(rows))
    for kind in pending:
        add(kind, {}, last=True)
    kinds = {row.kind for row in rows}
    # Missing: active, of a kind the file lists, inside the target area (a ward's file says
    # nothing about the other wards of its city).
    missing = sorted(
        (key, stored[key])
        for key in stored.keys() - seen
        if key[1] in kinds and stored[key].active and stored[key].ward_code in wards
    )
    result.created, result.updated = counts["insert"], updated
    result.unchanged = len(rows) - result.created - result.updated
    result.changes = dict(sorted(changes.items(), key=lambda item: -item[1]))
    result.linked = linked
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
            "changes": result.changes,
            "rejected": len(result.rejected),
            "missing": len(result.missing),
            "deactivated": result.deactivated,
        },
    )
