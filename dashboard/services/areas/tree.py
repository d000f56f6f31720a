"""The one jurisdiction tree of a process: names, parents and levels, read once per version.

Every scope check, every roll-up from wards to cities and every list of wards walks this tree.
Departments (部局, level ``department``) hang below their city or prefecture *beside* the areas:
they are in every scope (``subtree``) but never among an area's ``children`` or the ``leaves``, so
maps, situations and ward lists keep to real areas; ``departments`` lists them.
Reading all jurisdiction rows for each of those calls (as scope checks once did) costs a query
per check on every page; instead the tree is cached per database and per *version* of the
jurisdictions table (row count and newest ``updated_at``), which is one cheap aggregate query.
An import of boundaries changes the version, so the next call reads the new tree.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from cachetools import LRUCache
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from dashboard.domain import Level
from dashboard.storage.db import reading
from dashboard.storage.models import Jurisdiction

# Trees kept per process (one per database and version in practice; tests use many databases).
TREE_CACHE_SIZE = 16


@dataclass(frozen=True)
class AreaTree:
    """The jurisdictions by JIS code: names (ja, en), parents and levels."""

    names: dict[str, tuple[str, str | None]]
    parents: dict[str, str | None]
    levels: dict[str, str]
    _children: dict[str | None, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _departments: dict[str | None, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_rows(cls, rows) -> AreaTree:
        """Build from ``(code, parent_code, level, name_ja, name_en)`` rows."""
        children: dict[str | None, list[str]] = {}
        departments: dict[str | None, list[str]] = {}
        for code, parent, level, *_ in rows:
            below = departments if level == Level.DEPARTMENT.value else children
            below.setdefault(parent, []).append(code)
        return cls(
            names={code: (ja, en) for code, _, _, ja, en in rows},
            parents={code: parent for code, parent, *_ in rows},
            levels={code: level for code, _, level, *_ in rows},
            _children={k: tuple(sorted(v)) for k, v in children.items()},
            _departments={k: tuple(sorted(v)) for k, v in departments.items()},
        )

    def children(self, code: str | None) -> tuple[str, ...]:
        """The areas directly below ``code`` (departments are not areas: see ``departments``)."""
        return self._children.get(code, ())

    def departments(self, code: str | None) -> tuple[str, ...]:
        """The departments (部局) of the city or prefecture ``code``."""
        return self._departments.get(code, ())

    def is_department(self, code: str | None) -> bool:
        return self.levels.get(code) == Level.DEPARTMENT.value

    def home_area(self, code: str) -> str:
        """The area a user of ``code`` looks at: a department's city or prefecture, else itself."""
        return (self.parents.get(code) or code) if self.is_department(code) else code

    def subtree(self, root: str) -> frozenset[str]:
        """``root`` and every jurisdiction below it, departments included."""
        found, stack = set(), [root]
        while stack:
            code = stack.pop()
            if code not in found:
                found.add(code)
                stack.extend(self._children.get(code, ()))
                stack.extend(self._departments.get(code, ()))
        return frozenset(found)

    def ancestors(self, code: str) -> list[str]:
        """Parent, grandparent, … of ``code`` (nearest first)."""
        chain, current = [], self.parents.get(code)
        while current and current not in chain:
            chain.append(current)
            current = self.parents.get(current)
        return chain

    def leaves(self) -> list[str]:
        """The smallest areas: wards, and municipalities without wards."""
        return sorted(
            code
            for code, level in self.levels.items()
            if level not in (Level.PREFECTURE.value, Level.DEPARTMENT.value)
            and not self._children.get(code)
        )

    def name(self, code: str, lang: str) -> str:
        name_ja, name_en = self.names.get(code, (code, None))
        return name_en if lang == "en" and name_en else name_ja


_cache: LRUCache = LRUCache(maxsize=TREE_CACHE_SIZE)
_lock = threading.Lock()


def area_tree(session: Session) -> AreaTree:
    """The jurisdiction tree of the session's database, as of its current version."""
    count, newest = session.execute(select(func.count(), func.max(Jurisdiction.updated_at))).one()
    key = (str(session.get_bind().url), count, newest)
    with _lock:
        tree = _cache.get(key)
    if tree is None:
        rows = session.execute(
            select(
                Jurisdiction.code,
                Jurisdiction.parent_code,
                Jurisdiction.level,
                Jurisdiction.name_ja,
                Jurisdiction.name_en,
            )
        ).all()
        tree = AreaTree.from_rows(rows)
        with _lock:
            _cache[key] = tree
    return tree


def is_department(engine: Engine, code: str | None) -> bool:
    """Whether ``code`` is a department (部局), from the cached tree (one cheap version query).
    Raises ``StorageUnavailable`` when the database is away, like every read."""
    with reading(engine) as session:
        return area_tree(session).is_department(code)
