"""What an import found and did: the problems of each row, the counts, the rows to write."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """What is wrong with one row: ``level`` "error" (the row is not imported) or "warning"."""

    row: int
    level: str
    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class RowProblem:
    """A problem in one row of an uploaded table: its line in the file, the column, a text key
    (the staff register's and the HQ roster's imports)."""

    line: int
    column: str
    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class ShelterRow:
    row: int
    municipality_code: str
    kind: str
    registry_id: str
    name: str
    kana: str | None
    address: str | None
    lat: float
    lon: float
    ward_code: str
    capacity: int | None
    hazards: list[str]
    attributes: dict[str, str]


@dataclass
class ImportResult:
    format: str
    encoding: str
    header: tuple[str, ...]
    sample: list[tuple[str, ...]]
    area_code: str
    total: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Rows not imported, as read (row number, cells), for the downloadable list.
    rejected: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (registry id, name) of stored shelters the file no longer lists.
    missing: list[tuple[str, str]] = field(default_factory=list)
    deactivated: int = 0
    written: bool = False
    # Fields the file's layout carries (a field it lacks never changes the stored value) and
    # the kept columns compared verbatim; set by ``check_rows``.
    carried: frozenset[str] = frozenset()
    compared_columns: tuple[str, ...] = ()
    # What will change (or changed) in stored shelters, per field or ``attr:<column>``: rows.
    changes: dict[str, int] = field(default_factory=dict)
    # Hand-entered shelters linked to their registry id without any other change.
    linked: int = 0

    @property
    def accepted(self) -> int:
        return self.total - len(self.rejected)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]
