"""Disaster mode (災害モード): declared for a city or the prefecture at a staffing level.

Declaring shows a banner with a clock on every page, switches on silent-ward detection (the
situation service reads the active declarations) and sends a *declaration directive* to every
ward (for the prefecture: every municipality) in scope, asking each headquarters to confirm with
了解 that it is operating. Ending it is logged; both appear in the chronology.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.domain import COMMAND_ROLES, Actor, Level
from dashboard.errors import Conflict, NotFound, ValidationFailed
from dashboard.i18n import translate
from dashboard.services.areas import area_tree, require_in_scope, require_role, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.directives import create_directive
from dashboard.services.inputs import clean_fields
from dashboard.services.modes import exercise_now
from dashboard.services.rollcall import start_for_declaration
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import (
    Directive,
    DisasterDeclaration,
    Jurisdiction,
    User,
    utcnow,
)

# Disaster mode is declared for a city or a prefecture (never a ward or a department).
DECLARABLE_LEVELS = (Level.PREFECTURE.value, Level.MUNICIPALITY.value)
# Staffing levels (配備体制), mildest first; labels are the texts "disaster.level.N".
LEVELS = (1, 2, 3, 4)
# Longest note accepted with a declaration.
NOTE_MAX = 1000
# Prefix of the declaration directive's submission id (one per declaring click).
SUBMISSION_PREFIX = "declaration:"


@dataclass(frozen=True)
class DeclarationView:
    id: int
    level: int
    scope_code: str
    scope_name_ja: str
    scope_name_en: str | None
    note: str | None
    declared_at: datetime
    declared_by: str | None
    ended_at: datetime | None
    exercise: bool

    def scope_name(self, lang: str) -> str:
        return (self.scope_name_en if lang == "en" else None) or self.scope_name_ja


def declarable_scopes(engine: Engine, actor: Actor) -> list[tuple[str, str, str | None]]:
    """(code, name_ja, name_en) of the areas the actor may declare for: their own city or
    prefecture, and for the governor each municipality of it."""
    require_role(actor, COMMAND_ROLES)
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        rows = session.execute(
            select(Jurisdiction.code, Jurisdiction.name_ja, Jurisdiction.name_en)
            .where(Jurisdiction.code.in_(scope), Jurisdiction.level.in_(DECLARABLE_LEVELS))
            .order_by(Jurisdiction.level.desc(), Jurisdiction.code)
        )
        return [tuple(row) for row in rows]


def declare_disaster(
    engine: Engine,
    actor: Actor,
    *,
    submission_id: str,
    level: int,
    scope_code: str,
    note: str | None = None,
    lang: str = "ja",
    now: datetime | None = None,
) -> int:
    """Declare disaster mode for ``scope_code``; returns the declaration's id (the same one for a
    repeated click). A scope already in disaster mode must be ended first."""
    require_role(actor, COMMAND_ROLES)
    if level not in LEVELS:
        raise ValidationFailed({"level": ("disaster.level_invalid", {})})
    # NUL and bidi overrides removed (PostgreSQL refuses NUL), length bounded.
    note = clean_fields({"note": (note, NOTE_MAX, False)})["note"] or None
    now = now or utcnow()
    with transaction(engine) as session:
        require_in_scope(session, actor, [scope_code])
        scope = session.get(Jurisdiction, scope_code)
        if scope is None or scope.level not in DECLARABLE_LEVELS:
            raise NotFound()
        exercise = exercise_now(session)
        active = session.scalars(
            select(DisasterDeclaration).where(
                DisasterDeclaration.scope_code == scope_code,
                DisasterDeclaration.ended_at.is_(None),
                DisasterDeclaration.exercise == exercise,
            )
        ).first()
        if active is not None:
            if _declared_by_submission(session, submission_id):
                return active.id
            raise Conflict("disaster.already_declared", name=scope.name_ja)
        declaration = DisasterDeclaration(
            level=level,
            scope_code=scope_code,
            note=note,
            declared_by_id=actor.user_id,
            declared_at=now,
            exercise=exercise,
        )
        session.add(declaration)
        session.flush()
        record_audit(
            session,
            actor,
            AuditAction.DISASTER_DECLARED,
            entity="disaster_declaration",
            entity_id=declaration.id,
            detail={"level": level, "scope": scope_code, "note": note},
            exercise=exercise,
            at=now,
        )
        level_name = translate(f"disaster.level.{level}", lang)
        body = translate("disaster.directive_body", lang, level=level_name, area=scope.name_ja)
        create_directive(
            session,
            actor,
            submission_id=SUBMISSION_PREFIX + submission_id,
            ward_codes=list(area_tree(session).children(scope_code)),
            title=translate("disaster.directive_title", lang, level=level_name),
            body=body + (f"\n\n{note}" if note else ""),
            priority="urgent",
            deadline=None,
            template=None,
            kind="declaration",
            scope_code=scope_code,
            now=now,
        )
        start_for_declaration(
            session,
            actor,
            declaration_id=declaration.id,
            level=level,
            scope_code=scope_code,
            lang=lang,
            now=now,
        )
        return declaration.id


def _declared_by_submission(session: Session, submission_id: str) -> bool:
    stmt = select(Directive.id).where(Directive.submission_id == SUBMISSION_PREFIX + submission_id)
    return session.scalar(stmt) is not None


def end_disaster(
    engine: Engine, actor: Actor, *, declaration_id: int, now: datetime | None = None
) -> bool:
    """End a declaration; False if it had already ended (a repeated click)."""
    require_role(actor, COMMAND_ROLES)
    now = now or utcnow()
    with transaction(engine) as session:
        declaration = session.get(DisasterDeclaration, declaration_id)
        if declaration is None:
            raise NotFound()
        require_in_scope(session, actor, [declaration.scope_code])
        if declaration.ended_at is not None:
            return False
        declaration.ended_at, declaration.ended_by_id = now, actor.user_id
        record_audit(
            session,
            actor,
            AuditAction.DISASTER_ENDED,
            entity="disaster_declaration",
            entity_id=declaration.id,
            detail={"level": declaration.level, "scope": declaration.scope_code},
            exercise=declaration.exercise,
            at=now,
        )
        return True


def list_declarations(engine: Engine, actor: Actor, *, limit: int = 20) -> list[DeclarationView]:
    """Declarations in the actor's scope for the current mode, newest first."""
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        stmt = (
            select(
                DisasterDeclaration, Jurisdiction.name_ja, Jurisdiction.name_en, User.display_name
            )
            .join(Jurisdiction, Jurisdiction.code == DisasterDeclaration.scope_code)
            .outerjoin(User, User.id == DisasterDeclaration.declared_by_id)
            .where(
                DisasterDeclaration.scope_code.in_(scope),
                DisasterDeclaration.exercise == exercise_now(session),
            )
            .order_by(DisasterDeclaration.declared_at.desc(), DisasterDeclaration.id.desc())
            .limit(limit)
        )
        return [
            DeclarationView(
                d.id,
                d.level,
                d.scope_code,
                name_ja,
                name_en,
                d.note,
                d.declared_at,
                by,
                d.ended_at,
                d.exercise,
            )
            for d, name_ja, name_en, by in session.execute(stmt)
        ]
