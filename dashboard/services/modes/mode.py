"""The operating mode everyone sees: a drill running or not, and disaster mode (災害モード)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.domain import Actor
from dashboard.services.areas import area_tree, scope_codes
from dashboard.services.modes.drills import active_exercise
from dashboard.storage.db import reading
from dashboard.storage.models import DisasterDeclaration, Jurisdiction


@dataclass(frozen=True)
class Declaration:
    id: int
    level: int
    scope_code: str
    note: str | None
    declared_at: datetime
    scope_name_ja: str = ""
    scope_name_en: str | None = None

    def scope_name(self, lang: str) -> str:
        return (
            (self.scope_name_en if lang == "en" else None) or self.scope_name_ja or self.scope_code
        )


@dataclass(frozen=True)
class Mode:
    exercise_name: str | None
    declarations: tuple[Declaration, ...] = ()

    @property
    def disaster(self) -> bool:
        return bool(self.declarations)


def active_declarations(
    session: Session, *, exercise: bool, as_of: datetime | None = None
) -> list[Declaration]:
    """Declarations in force (not ended) for real or drill data, oldest first; with ``as_of``,
    those in force at that moment (declared by then and not yet ended)."""
    if as_of is None:
        in_force = DisasterDeclaration.ended_at.is_(None)
    else:
        in_force = (DisasterDeclaration.declared_at <= as_of) & (
            DisasterDeclaration.ended_at.is_(None) | (DisasterDeclaration.ended_at > as_of)
        )
    stmt = (
        select(DisasterDeclaration, Jurisdiction.name_ja, Jurisdiction.name_en)
        .join(Jurisdiction, Jurisdiction.code == DisasterDeclaration.scope_code)
        .where(in_force, DisasterDeclaration.exercise == exercise)
        .order_by(DisasterDeclaration.declared_at, DisasterDeclaration.id)
    )
    return [
        Declaration(d.id, d.level, d.scope_code, d.note, d.declared_at, name_ja, name_en)
        for d, name_ja, name_en in session.execute(stmt)
    ]


def declaration_for(
    session: Session, code: str, declarations: list[Declaration]
) -> Declaration | None:
    """The earliest declaration whose scope contains the jurisdiction ``code``."""
    if not declarations:
        return None
    chain = {code, *area_tree(session).ancestors(code)}
    return next((d for d in declarations if d.scope_code in chain), None)


def mode_for(engine: Engine, actor: Actor | None) -> Mode:
    """The mode as ``actor`` sees it: only declarations covering their area or inside their scope
    (everything when nobody is logged in, e.g. on the acknowledgement page: nothing)."""
    with reading(engine) as session:
        exercise = active_exercise(session)
        declarations = active_declarations(session, exercise=exercise is not None)
        name = exercise.name if exercise else None
        if actor is None:
            return Mode(name, ())
        scope = scope_codes(session, actor)
        above = {actor.jurisdiction_code, *area_tree(session).ancestors(actor.jurisdiction_code)}
        covering = {d.id for d in declarations if d.scope_code in scope | above}
        return Mode(name, tuple(d for d in declarations if d.id in covering))
