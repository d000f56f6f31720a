"""Damage report exports: the reports a page shows (its filters), only of the actor's scope, and
only drill data during a drill (real data otherwise)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Engine, select

from dashboard.domain import CASUALTY_FIELDS, Actor
from dashboard.i18n import translate
from dashboard.services.areas import scope_codes
from dashboard.services.exports.cells import ExportTable
from dashboard.services.modes import disaster_window, exercise_now
from dashboard.storage.db import reading
from dashboard.storage.models import DamageReport, Jurisdiction
from dashboard.timefmt import local

TIME_FORMAT = "%Y-%m-%d %H:%M"
DETAIL_COLUMNS = (
    "housing_class",
    "housing_buildings",
    "housing_households",
    "housing_persons",
    "injured_serious",
    "injured_minor",
)
# Columns of the export, as ``export.col.<key>`` texts.
REPORT_COLUMNS = (
    "id",
    "reported_at",
    "ward",
    "category",
    "severity",
    *CASUALTY_FIELDS,
    "location",
    "description",
    "review",
    "lat",
    "lon",
    "drill",
    # Appended for the situation report (第N報): the 住家被害 class with its 棟/世帯/人 counts, and
    # the injured split into 重傷/軽傷; empty when the report does not give them (未確認, never 0).
    *DETAIL_COLUMNS,
)


def reports_table(
    engine: Engine,
    actor: Actor,
    *,
    lang: str = "ja",
    ward_code: str | None = None,
    review_states: Collection[str] | None = None,
    categories: Collection[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    disaster_id: int | None = None,
) -> ExportTable:
    """Damage reports of the actor's scope matching the filters, newest first; with
    ``disaster_id`` only those that fall under the disaster (its time window and area)."""
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        if disaster_id is not None:
            start, end, area = disaster_window(session, actor, disaster_id)
            since = max(since, start) if since else start
            until = min(until, end) if until and end else (until or end)
            scope = scope & area
        exercise = exercise_now(session)
        stmt = (
            select(DamageReport)
            .where(
                DamageReport.exercise == exercise,
                DamageReport.ward_code.in_(scope) | DamageReport.reporter_ward_code.in_(scope),
            )
            .order_by(DamageReport.reported_at.desc(), DamageReport.id.desc())
        )
        if ward_code:
            stmt = stmt.where(DamageReport.ward_code == ward_code)
        if review_states:
            stmt = stmt.where(DamageReport.review_state.in_(list(review_states)))
        if categories:
            stmt = stmt.where(DamageReport.category.in_(list(categories)))
        if since:
            stmt = stmt.where(DamageReport.reported_at >= since)
        if until:
            stmt = stmt.where(DamageReport.reported_at < until)
        reports = list(session.scalars(stmt))
        names = dict(session.execute(select(Jurisdiction.code, Jurisdiction.name_ja)).all())
    rows = [
        [
            r.id,
            local(r.reported_at).strftime(TIME_FORMAT),
            names.get(r.ward_code or "", ""),
            translate(f"category.{r.category}", lang),
            r.severity,
            *(getattr(r, f) for f in CASUALTY_FIELDS),
            r.location_text or "",
            r.description or "",
            translate(f"review.{r.review_state}", lang),
            r.lat,
            r.lon,
            translate("export.drill_yes", lang) if r.exercise else "",
            translate(f"housing.{r.housing_class}", lang) if r.housing_class else None,
            *(getattr(r, f) for f in DETAIL_COLUMNS[1:]),
        ]
        for r in reports
    ]
    header = [translate(f"export.col.{c}", lang) for c in REPORT_COLUMNS]
    name = "damage_reports_drill" if exercise else "damage_reports"
    return ExportTable(name, header, rows, [(r.lat, r.lon) for r in reports])
