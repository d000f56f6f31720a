"""Drafting and issuing numbered situation reports (第N報).

A municipality's draft is computed from its wards' figures as of now; issuing stores it as an
immutable snapshot with the next number of that disaster and body (a correction is simply the
next number). The prefecture's report sums each municipality's latest *issued* report, never a
draft. Only the reporting body's own command staff (mayor, crisis-management admin; governor for
the prefecture) issue, and only command staff whose scope holds the body read its reports, so a
ward user never sees another ward's tallies through a report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.domain import COMMAND_ROLES, SYSTEM, Actor, Level
from dashboard.errors import Conflict, NotFound, PermissionDenied, ServiceError
from dashboard.services.areas import area_tree, require_role, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.inputs import clean_fields
from dashboard.services.modes import DisasterView, get_disaster
from dashboard.services.sitreports.figures import (
    headquarters_text,
    hq_entries,
    total_figures,
    ward_figures,
)
from dashboard.services.sitreports.rows import COST_BODIES, DERIVED, FORM_REMARK_KEYS, ROWS
from dashboard.services.sitreports.snapshot import (
    DAMAGE,
    FORMS,
    AreaFigures,
    SitrepView,
    from_json,
    to_json,
)
from dashboard.storage.db import reading, store_once
from dashboard.storage.models import SituationReport, utcnow

# Source of a figure in the prefecture's report: a municipality's issued report.
MUNICIPALITY = "municipality"
# Longest remark accepted (避難指示等, その他).
REMARK_MAX = 2000
# Longest submission id (the column holds 64).
SUBMISSION_MAX_LEN = 64


@dataclass(frozen=True)
class IssuedSummary:
    id: int
    disaster_id: int
    body_code: str
    body_name: str
    number: int
    as_of: datetime
    issued_at: datetime
    issued_by: str
    form: str = DAMAGE  # その2; SUMMARY for an その1


def _require_body(session: Session, actor: Actor, body_code: str) -> str:
    """The body's level; refuses unless the actor is command staff with the body in scope."""
    require_role(actor, COMMAND_ROLES)
    level = area_tree(session).levels.get(body_code)
    if level not in (Level.MUNICIPALITY.value, Level.PREFECTURE.value):
        raise NotFound()
    if body_code not in scope_codes(session, actor):
        raise PermissionDenied()
    return level


def _issued(session: Session, disaster: DisasterView, body_code: str, as_of=None):
    stmt = select(SituationReport).where(
        SituationReport.disaster_id == disaster.id, SituationReport.body_code == body_code
    )
    if as_of is not None:
        stmt = stmt.where(SituationReport.issued_at <= as_of)
    return session.scalars(stmt.order_by(SituationReport.number.desc())).first()


def _view_of(row: SituationReport) -> SitrepView:
    view = from_json(row.figures, id=row.id, issued_at=row.issued_at, issued_by=row.issued_by_name)
    # A report issued before a row joined the catalogue: that row is 未確認 in it, never 0.
    for catalogue_row in ROWS:
        view.total.setdefault(catalogue_row.key, [None, catalogue_row.source, False])
        for area in view.areas:
            area.figures.setdefault(catalogue_row.key, [None, catalogue_row.source])
    return view


def _compute(
    session: Session,
    disaster: DisasterView,
    body_code: str,
    level: str,
    as_of: datetime,
    remarks: Mapping[str, str] | None = None,
    form: str = DAMAGE,
) -> SitrepView:
    tree = area_tree(session)
    if level == Level.MUNICIPALITY.value:
        wards = list(tree.children(body_code)) or [body_code]
        figures, states = ward_figures(session, disaster, wards, as_of)
        areas = tuple(
            AreaFigures(
                w,
                tree.name(w, "ja"),
                figures[w],
                states[w].confirmation,
                states[w].confirmed_at,
                states[w].confirmed_by,
            )
            for w in wards
        )
    else:
        areas = tuple(
            _municipality_area(session, disaster, code, tree.name(code, "ja"), as_of)
            for code in tree.children(body_code)
            if tree.levels.get(code) == Level.MUNICIPALITY.value
        )
    latest = _issued(session, disaster, body_code)
    total = total_figures(a.figures for a in areas)
    if level == Level.MUNICIPALITY.value:
        total[COST_BODIES] = _cost_body(total["cost_subtotal"])
    return SitrepView(
        disaster_id=disaster.id,
        disaster_name=disaster.name,
        disaster_kind=disaster.kind,
        body_code=body_code,
        body_name=tree.name(body_code, "ja"),
        level=level,
        number=(latest.number if latest else 0) + 1,
        as_of=as_of,
        areas=areas,
        total=total,
        headquarters=headquarters_text(session, disaster, tree.subtree(body_code), as_of),
        remarks=dict(remarks or {}),
        exercise=disaster.exercise,
        form=form,
        disaster_started_at=disaster.started_at,
        hq_entries=tuple(
            hq_entries(
                session, disaster, tree.subtree(body_code) | set(tree.ancestors(body_code)), as_of
            )
        ),
    )


def _cost_body(subtotal: list) -> list:
    """公共施設被害市町村数 of one municipality: 1 when its public facilities' 小計 is above 0,
    0 when it is 0, unknown while the 小計 is (or is a partial sum of 0)."""
    value, _, partial = subtotal
    if value is None or (partial and value == 0):
        return [None, DERIVED, False]
    return [1 if value > 0 else 0, DERIVED, False]


def _municipality_area(session, disaster, code: str, name: str, as_of) -> AreaFigures:
    """A municipality's line in the prefecture's report: its latest issued report's totals."""
    row = _issued(session, disaster, code, as_of)
    if row is None:
        return AreaFigures(code, name, {r.key: [None, MUNICIPALITY] for r in ROWS}, "")
    issued = _view_of(row)
    # The third element carries "some of its wards were 未確認" up to the prefecture's total.
    figures = {
        key: [value, MUNICIPALITY, partial] for key, (value, _, partial) in issued.total.items()
    }
    return AreaFigures(
        code, name, figures, f"第{issued.number}報", row.issued_at, row.issued_by_name
    )


def draft_report(
    engine: Engine,
    actor: Actor,
    disaster_id: int,
    *,
    body_code: str,
    as_of: datetime | None = None,
    form: str = DAMAGE,
) -> SitrepView:
    """The next report of ``body_code`` as it would be issued now (nothing is stored)."""
    with reading(engine) as session:
        level = _require_body(session, actor, body_code)
        disaster = get_disaster(session, actor, disaster_id)
        return _compute(session, disaster, body_code, level, as_of or utcnow(), form=form)


def previous_report(
    engine: Engine, actor: Actor, disaster_id: int, *, body_code: str
) -> SitrepView | None:
    """The body's latest issued report, to compare a draft with."""
    with reading(engine) as session:
        _require_body(session, actor, body_code)
        disaster = get_disaster(session, actor, disaster_id)
        row = _issued(session, disaster, body_code)
        return _view_of(row) if row else None


def issue_report(
    engine: Engine,
    actor: Actor,
    disaster_id: int,
    *,
    body_code: str,
    submission_id: str,
    remarks: Mapping[str, str | None] | None = None,
    as_of: datetime | None = None,
    number: int | None = None,
    form: str = DAMAGE,
) -> int:
    """Issue the next 第N報 of ``body_code`` (the actor's own municipality or prefecture) as an
    immutable snapshot on ``form`` (その2 ``DAMAGE`` or その1 ``SUMMARY``); returns its id (the
    same one for a repeated click). ``number``: the report the page showed; refused when the
    next one is another (issued meanwhile)."""
    require_role(actor, COMMAND_ROLES)
    if form not in FORMS:
        raise ServiceError("sitrep.unknown_form")
    if actor is not SYSTEM and actor.jurisdiction_code != body_code:
        raise PermissionDenied("sitrep.own_body_only")
    if not submission_id or len(submission_id) > SUBMISSION_MAX_LEN:
        raise ServiceError("reporting.submission_invalid")
    cleaned = clean_fields(
        {key: ((remarks or {}).get(key), REMARK_MAX, False) for key in FORM_REMARK_KEYS[form]}
    )
    cleaned = {key: value for key, value in cleaned.items() if value}

    def find(session: Session) -> int | None:
        return session.scalar(
            select(SituationReport.id).where(SituationReport.submission_id == submission_id)
        )

    def write(session: Session) -> int:
        level = _require_body(session, actor, body_code)
        disaster = get_disaster(session, actor, disaster_id)
        now = utcnow()
        view = _compute(session, disaster, body_code, level, as_of or now, cleaned, form)
        taken = session.scalar(
            select(func.count()).where(
                SituationReport.disaster_id == disaster.id,
                SituationReport.body_code == body_code,
                SituationReport.number == view.number,
            )
        )
        if taken or (number is not None and number != view.number):
            raise Conflict("sitrep.number_taken", number=number or view.number)
        report = SituationReport(
            submission_id=submission_id,
            disaster_id=disaster.id,
            body_code=body_code,
            number=view.number,
            as_of=view.as_of,
            figures=to_json(view),
            exercise=disaster.exercise,
            issued_by_id=actor.user_id,
            issued_by_name=actor.display_name,
            issued_at=now,
        )
        session.add(report)
        session.flush()
        record_audit(
            session,
            actor,
            AuditAction.SITUATION_REPORT_ISSUED,
            entity="situation_report",
            entity_id=report.id,
            exercise=disaster.exercise,
            detail={
                "disaster": disaster.id,
                "body": body_code,
                "number": view.number,
                "form": form,
            },
            at=now,
        )
        return report.id

    try:
        return store_once(engine, find, write)
    except IntegrityError as exc:
        # Two issues of the same number crossed (different clicks): the loser is told so.
        raise Conflict("sitrep.issue_crossed") from exc


def get_report(engine: Engine, actor: Actor, report_id: int) -> SitrepView:
    """An issued report, exactly as issued."""
    with reading(engine) as session:
        row = session.get(SituationReport, report_id)
        if row is None:
            raise NotFound()
        _require_body(session, actor, row.body_code)
        get_disaster(session, actor, row.disaster_id)  # the current mode's only
        return _view_of(row)


def list_reports(
    engine: Engine, actor: Actor, disaster_id: int, *, body_code: str | None = None
) -> list[IssuedSummary]:
    """Issued reports of the disaster from the bodies in the actor's scope, newest first."""
    require_role(actor, COMMAND_ROLES)
    with reading(engine) as session:
        disaster = get_disaster(session, actor, disaster_id)
        scope = scope_codes(session, actor)
        stmt = select(SituationReport).where(
            SituationReport.disaster_id == disaster.id,
            SituationReport.body_code.in_([body_code] if body_code else list(scope)),
        )
        tree = area_tree(session)
        return [
            IssuedSummary(
                r.id,
                r.disaster_id,
                r.body_code,
                tree.name(r.body_code, "ja"),
                r.number,
                r.as_of,
                r.issued_at,
                r.issued_by_name,
                (r.figures or {}).get("form", DAMAGE),
            )
            for r in session.scalars(
                stmt.order_by(SituationReport.issued_at.desc(), SituationReport.id.desc())
            )
            if r.body_code in scope
        ]
