"""The maps' views: the mayor's city map (its wards by level, shelters and damage reports,
filtered), the governor's municipal overview, and the area choices of the page.

Everything is scoped by the actor and shows only the current mode's data (real or drill). The
map refreshes every few seconds in every open browser, so views are built from the cached
:class:`~dashboard.services.command_map.basis.Basis`; a view's ``key`` changes exactly when what
the map draws does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import geopandas as gpd
import pandas as pd
from sqlalchemy import Engine

from dashboard.clock import utcnow
from dashboard.domain import CASUALTY_FIELDS, Actor, Level
from dashboard.services.areas import AreaTree
from dashboard.services.command_map.acks import TrackedDirective, tracked_directive
from dashboard.services.command_map.basis import Basis, load_basis
from dashboard.services.command_map.figures import KeyFigures, key_figures
from dashboard.services.command_map.filters import (
    MapFilters,
    filter_reports,
    normalize_text,
    search_shelters,
)
from dashboard.services.sitreports import first_reports_owed, late_reports
from dashboard.services.situation import WardSituation
from dashboard.settings import Settings, get_settings

# Columns of an area's summary row (the map's area layer).
AREA_COLUMNS = (
    "code",
    "name",
    "level",
    "silent",
    "open_shelters",
    "evacuees",
    "capacity",
    "reports",
    "casualties",
    "last_report_at",
    "ack",
    # The number of the 第N報 the municipality is late with (the governor's map), else None.
    "late",
    # When the municipality's 第1報 is due after an earthquake, while it owes it and is not late.
    "first_due",
)


def _latest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


@dataclass(frozen=True)
class SituationView:
    """One map's worth of data; ``key`` changes exactly when what the map draws does.
    ``as_of`` is the past moment of a replay (None: now); ``tracked`` the latest directive to
    the map's areas, whose acknowledgements the areas' ``ack`` column shows."""

    root: str
    root_name: str
    areas: gpd.GeoDataFrame
    shelters: pd.DataFrame | None
    reports: pd.DataFrame | None
    figures: KeyFigures
    matches: pd.DataFrame | None
    key: tuple
    as_of: datetime | None = None
    tracked: TrackedDirective | None = None


def _tracked(
    basis: Basis, codes: frozenset[str], as_of: datetime | None
) -> TrackedDirective | None:
    key = ("tracked", basis.version.directives, basis.version.modes, codes, as_of)
    return basis.cache.remember(
        key,
        lambda: tracked_directive(
            basis.engine, codes=codes, exercise=basis.version.exercise, as_of=as_of
        ),
    )


def _area_rows(
    situations: Iterable[WardSituation],
    tree: AreaTree,
    lang: str,
    tracked: TrackedDirective | None = None,
    late: Mapping[str, int] | None = None,
    first_due: Mapping[str, datetime] | None = None,
) -> pd.DataFrame:
    rows = [
        {
            "code": s.code,
            "name": tree.name(s.code, lang),
            "level": s.level,
            "silent": s.silent,
            "open_shelters": s.open_shelters + s.full_shelters,
            "evacuees": s.evacuees,
            "capacity": s.capacity,
            "reports": s.reports,
            "casualties": s.dead + s.injured + s.missing + s.trapped,
            "last_report_at": s.last_report_at,
            "ack": tracked.state(s.code, tree.ancestors(s.code)) if tracked else None,
            "late": (late or {}).get(s.code),
            "first_due": (first_due or {}).get(s.code),
        }
        for s in situations
    ]
    return pd.DataFrame(rows, columns=list(AREA_COLUMNS))


def _with_geometry(summary: pd.DataFrame, boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Summary rows joined to their boundaries; areas without one are left out."""
    shapes = boundaries[["code", "schematic", "geometry"]]
    merged = shapes.merge(summary, on="code", how="inner").sort_values("code")
    frame = gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")
    frame["last_report_at"] = pd.to_datetime(frame["last_report_at"], utc=True)
    frame["first_due"] = pd.to_datetime(frame["first_due"], utc=True)
    return frame[[*AREA_COLUMNS, "schematic", "geometry"]].reset_index(drop=True)


def _fingerprint(frame: pd.DataFrame | None) -> int | None:
    """A cheap hash of a small frame's values (geometry left out)."""
    if frame is None:
        return None
    plain = frame.drop(columns=["geometry"], errors="ignore")
    return int(pd.util.hash_pandas_object(plain, index=False).sum()) if len(plain) else 0


def command_view(
    engine: Engine,
    actor: Actor,
    *,
    root: str | None = None,
    filters: MapFilters | None = None,
    lang: str = "ja",
    now: datetime | None = None,
    settings: Settings | None = None,
    as_of: datetime | None = None,
) -> SituationView:
    """The mayor's map of ``root`` (default: the actor's own area): the smallest areas below it
    (its wards) by level, its shelters and its damage reports, filtered; with ``as_of``, the
    map as it was at that past moment (the replay)."""
    filters = filters or MapFilters()
    settings = settings or get_settings()
    now = as_of or now or utcnow()
    basis = load_basis(engine, actor)
    root = basis.check_area(root or basis.home)
    codes = basis.tree.subtree(root)
    since = filters.since(now)
    everywhere = basis.situations(since=since, now=now, settings=settings, as_of=as_of)
    situations = [s for code, s in everywhere.items() if code in codes]
    tracked = _tracked(basis, codes, as_of)
    summary = _area_rows(situations, basis.tree, lang, tracked)

    all_shelters = basis.shelters(as_of)
    shelters = all_shelters.loc[all_shelters["ward_code"].isin(codes)]
    figures = key_figures(basis, situations, root, shelters, as_of=as_of)
    if filters.ward_code:
        shelters = shelters.loc[shelters["ward_code"] == filters.ward_code]
    shelters = shelters.reset_index(drop=True)
    matches = None
    if normalize_text(filters.shelter_search):
        shelters = matches = search_shelters(shelters, filters.shelter_search)
    revision, mode_reports = basis.reports(as_of)
    reports = filter_reports(mode_reports, filters, codes=codes, now=now)
    key = (
        "command",
        root,
        filters,
        since,
        lang,
        revision,
        as_of,
        _fingerprint(summary),
        _fingerprint(shelters),
        basis.version.areas,
    )
    return SituationView(
        root=root,
        root_name=basis.tree.name(root, lang),
        areas=_with_geometry(summary, basis.boundaries()),
        shelters=shelters,
        reports=reports,
        figures=figures,
        matches=matches,
        key=key,
        as_of=as_of,
        tracked=tracked,
    )


def aggregate_situations(
    situations: Iterable[WardSituation], tree: AreaTree, municipalities: Iterable[str]
) -> list[WardSituation]:
    """Each municipality's situation from its smallest areas: the highest level, silent if any
    of them is, counts summed, the latest report."""
    wanted = sorted(set(municipalities))
    groups: dict[str, list[WardSituation]] = {code: [] for code in wanted}
    for situation in situations:
        for candidate in (situation.code, *tree.ancestors(situation.code)):
            if candidate in groups:
                groups[candidate].append(situation)
                break
    result = []
    for code in wanted:
        members = groups[code]
        by_severity: dict[int, int] = {}
        for s in members:
            for severity, count in s.by_severity.items():
                by_severity[severity] = by_severity.get(severity, 0) + count
        name_ja, name_en = tree.names.get(code, (code, None))
        totals = {
            name: sum(getattr(s, name) for s in members)
            for name in (
                "reports",
                *CASUALTY_FIELDS,
                "open_shelters",
                "full_shelters",
                "evacuees",
                "capacity",
            )
        }
        result.append(
            WardSituation(
                code=code,
                parent_code=tree.parents.get(code),
                name_ja=name_ja,
                name_en=name_en,
                level=max((s.level for s in members), default=0),
                silent=any(s.silent for s in members),
                by_severity=by_severity,
                last_report_at=_latest(*(s.last_report_at for s in members)),
                **totals,
            )
        )
    return result


def overview_view(
    engine: Engine,
    actor: Actor,
    *,
    filters: MapFilters | None = None,
    lang: str = "ja",
    now: datetime | None = None,
    settings: Settings | None = None,
    as_of: datetime | None = None,
) -> SituationView:
    """The governor's map: each municipality of the actor's area coloured by the highest level
    of its wards (a designated city by its wards, a town or village by itself); with
    ``as_of``, as it was then."""
    filters = filters or MapFilters()
    settings = settings or get_settings()
    now = as_of or now or utcnow()
    basis = load_basis(engine, actor)
    root = basis.check_area(basis.home)
    codes = basis.tree.subtree(root)
    municipalities = [
        code for code in codes if basis.tree.levels.get(code) == Level.MUNICIPALITY.value
    ]
    since = filters.since(now)
    everywhere = basis.situations(since=since, now=now, settings=settings, as_of=as_of)
    leaves = [s for code, s in everywhere.items() if code in codes]
    tracked = _tracked(basis, codes, as_of)
    aggregated = aggregate_situations(leaves, basis.tree, municipalities)
    # Municipalities late with their 第N報 (live only: a replay shows no lateness).
    late = {} if as_of else {r.body_code: r.number for r in late_reports(engine, actor, now=now)}
    # Municipalities counting down to their 第1報 after an earthquake (live only, like ``late``).
    first_due = {} if as_of else first_reports_owed(engine, actor, now=now)
    summary = _area_rows(aggregated, basis.tree, lang, tracked, late, first_due)
    shelters = basis.shelters(as_of)
    shelters = shelters.loc[shelters["ward_code"].isin(codes)]
    key = ("overview", root, since, lang, as_of, _fingerprint(summary), basis.version.areas)
    return SituationView(
        root=root,
        root_name=basis.tree.name(root, lang),
        areas=_with_geometry(summary, basis.boundaries()),
        shelters=None,
        reports=None,
        figures=key_figures(basis, leaves, root, shelters, as_of=as_of),
        matches=None,
        key=key,
        as_of=as_of,
        tracked=tracked,
    )


def has_overview(engine: Engine, actor: Actor) -> bool:
    """Whether the actor's area is a prefecture, whose map is the municipal overview."""
    basis = load_basis(engine, actor)
    return basis.tree.levels.get(basis.home) == Level.PREFECTURE.value


def ward_choices(
    engine: Engine, actor: Actor, *, root: str | None = None, lang: str = "ja"
) -> list[tuple[str, str]]:
    """(code, name) of the smallest areas under ``root`` (default: the actor's area)."""
    basis = load_basis(engine, actor)
    root = basis.check_area(root or basis.home)
    codes = basis.tree.subtree(root)
    return [(c, basis.tree.name(c, lang)) for c in basis.tree.leaves() if c in codes]


def municipality_choices(
    engine: Engine, actor: Actor, *, lang: str = "ja"
) -> list[tuple[str, str]]:
    """(code, name) of the municipalities in the actor's scope, for opening one's map."""
    basis = load_basis(engine, actor)
    return [
        (code, basis.tree.name(code, lang))
        for code in sorted(basis.scope)
        if basis.tree.levels.get(code) == Level.MUNICIPALITY.value
    ]


def scope_situations(
    engine: Engine,
    actor: Actor,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> dict[str, WardSituation]:
    """``situation.ward_situations`` (all reports, no window) from the process's cache: one
    computation per data version and minute for every session, instead of three aggregate
    queries over every report per call (the directive form's suggested targets)."""
    basis = load_basis(engine, actor)
    everywhere = basis.situations(
        since=None, now=now or utcnow(), settings=settings or get_settings()
    )
    leaves = [code for code in basis.tree.leaves() if code in basis.scope]
    return {code: everywhere[code] for code in leaves if code in everywhere}


def count_reports(
    engine: Engine,
    actor: Actor,
    *,
    review_states: Iterable[str] | None = None,
    ward_code: str | None = None,
) -> int:
    """``damage.count_report_views`` from the process's cached reports of the current mode: a
    vectorised count instead of a scan of the table on every run of the review page."""
    basis = load_basis(engine, actor)
    _, reports = basis.reports()
    mask = reports["ward_code"].isin(basis.scope) | reports["reporter_ward_code"].isin(basis.scope)
    if review_states:
        mask &= reports["review_state"].isin(list(review_states))
    if ward_code:
        mask &= reports["ward_code"] == ward_code
    return int(mask.sum())
