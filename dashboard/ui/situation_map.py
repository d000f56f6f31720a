"""The situation map's header and side panel as the page shows them: key figures formatted and
translated, and a ward's details as text and tables. Services return numbers; this formats them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.domain import DAMAGE_CATEGORIES, SEVERITIES, ReviewState
from dashboard.services import command_map as cm
from dashboard.services.command_map import KeyFigures, WardDetail
from dashboard.timefmt import format_age, format_time
from dashboard.ui import state, theme
from dashboard.ui.chrome import plain
from dashboard.ui.state import t


@dataclass(frozen=True)
class FigureCell:
    """One figure of the header as the page shows it: a value (formatted, or a translation key)
    and an optional note (a translation key and its parameters); ``alert`` notes stand out."""

    label_key: str
    value: str = ""
    value_key: str | None = None
    note_key: str | None = None
    note_params: dict[str, Any] = field(default_factory=dict)
    alert: bool = False


def figure_cells(f: KeyFigures, *, now: datetime, silent_after_minutes: int) -> list[FigureCell]:
    """The header, left to right: shelters, evacuees, reports, casualties, areas, disaster mode."""
    severities = {f"s{severity}": count for severity, count in f.reports_by_severity.items()}
    capacity = {"capacity": f"{f.capacity:,}", "percent": round(100 * (f.occupancy or 0))}
    if f.capacity_unknown:  # no percentage: it would read as room that may not exist
        capacity = {"unknown": f.capacity_unknown}
    silent = {"silent": f.areas_silent, "minutes": silent_after_minutes}
    # Values stay short (a sixth of the page wide); the note carries the breakdown.
    cells = [
        FigureCell(
            "situation.figure.shelters",
            f"{f.shelters_open + f.shelters_full:,}",
            note_key="situation.figure.shelters_note",
            note_params={"full": f.shelters_full},
        ),
        FigureCell(
            "situation.figure.evacuees",
            f"{f.evacuees:,}",
            note_key="situation.figure.capacity_unknown_note"
            if f.capacity_unknown
            else "situation.figure.capacity_note",
            note_params=capacity,
        ),
        FigureCell(
            "situation.figure.reports",
            f"{f.reports:,}",
            note_key="situation.figure.severity_note",
            note_params=severities,
        ),
        FigureCell(
            "situation.figure.trapped",
            f"{f.trapped:,}",
            note_key="situation.figure.casualties_note",
            note_params={"dead": f.dead, "injured": f.injured, "missing": f.missing},
            alert=bool(f.trapped or f.dead),
        ),
        FigureCell(
            "situation.figure.areas",
            f"{f.areas_reporting} / {f.areas}",
            note_key="situation.figure.silent_note" if f.areas_silent else None,
            note_params=silent if f.areas_silent else {},
            alert=bool(f.areas_silent),
        ),
    ]
    if f.declared_at is None:
        cells.append(FigureCell("situation.figure.disaster", value_key="situation.disaster.off"))
    else:
        minutes = max(0, int((now - f.declared_at).total_seconds() // 60))
        since = {
            "time": format_time(f.declared_at, date=True),
            "hours": minutes // 60,
            "minutes": minutes % 60,
        }
        cells.append(
            FigureCell(
                "situation.figure.disaster",
                value_key="situation.disaster.on",
                note_key="situation.disaster.since",
                note_params=since,
                alert=True,
            )
        )
    return cells


def show_figures(figures: KeyFigures, now: datetime, *, silent_after_minutes: int) -> None:
    """The header: one metric per figure, its note below (red when it calls for attention)."""
    cells = figure_cells(figures, now=now, silent_after_minutes=silent_after_minutes)
    # Keyed: on a phone the theme folds the figures below the map (ui/theme.py).
    row = st.container(key=theme.FIGURES_KEY).columns(len(cells))
    for column, cell in zip(row, cells, strict=True):
        column.metric(t(cell.label_key), t(cell.value_key) if cell.value_key else cell.value)
        if cell.note_key:
            note = t(cell.note_key, **cell.note_params)
            column.caption(f":red[{note}]" if cell.alert else note)


def table(**columns: list) -> None:
    """Columns under translated headings; user text in a data frame is never read as markup."""
    st.dataframe(
        pd.DataFrame({t(f"situation.col.{k}"): v for k, v in columns.items()}), hide_index=True
    )


def shelter_table(shelters: pd.DataFrame) -> None:
    people = zip(shelters["evacuees"], shelters["capacity"], strict=True)
    table(
        name=list(shelters["name"]),
        state=[t(f"shelter_state.{x or 'none'}") for x in shelters["state"]],
        people=[
            f"{evacuees:,} / "
            + (t("export.capacity.unknown") if pd.isna(capacity) else f"{capacity:,}")
            for evacuees, capacity in people
        ],
    )


def show_ward_detail(d: WardDetail, now: datetime, lang: str) -> None:
    """The side panel of a clicked ward: summary, shelters and unacknowledged directives."""
    s = d.situation
    st.subheader(plain(d.name), anchor=False)
    if s.silent:
        st.error(t("map.silent.note"), icon=":material/notifications_off:")
    categories = t("situation.separator").join(
        f"{t(f'category.{key}')} {count}" for key, count in d.reports_by_category.items()
    )
    summary = t(
        "situation.panel.summary",
        level=t(f"map.level.{s.level}"),
        time=format_time(s.last_report_at, lang, date=True),
        age=format_age(s.last_report_at, now, lang),
        evacuees=f"{s.evacuees:,}",
        capacity=f"{s.capacity:,}",
        reports=categories or t("situation.panel.no_reports"),
        **d.casualties,
    )
    st.markdown(summary)  # translated texts and numbers only
    st.markdown("##### " + t("situation.panel.shelters"))
    shelter_table(d.shelters)
    st.markdown("##### " + t("situation.panel.directives"))
    if not d.pending_directives:
        st.caption(t("situation.panel.no_directives"))
        return
    pending = d.pending_directives
    table(
        title=[p.title for p in pending],
        priority=[t(f"channel.priority.{p.priority}") for p in pending],
        issued=[format_time(p.issued_at, lang, date=True) for p in pending],
        read=[p.read for p in pending],
    )


def read_filters(*, overview: bool, root: str | None) -> cm.MapFilters:
    """The map's filters: time window, and below a city's map categories, severities, review
    states, one ward and a shelter search."""
    with st.expander(t("situation.filters"), icon=":material/filter_alt:"):
        window = st.segmented_control(
            t("situation.window"),
            list(cm.TIME_WINDOWS),
            format_func=lambda key: t(f"situation.window.{key}"),
            default=cm.DEFAULT_WINDOW,
            key="map_window",
        )
        window = window or cm.DEFAULT_WINDOW
        if overview and root is None:
            return cm.MapFilters(window=window)
        left, right = st.columns(2)
        categories = left.multiselect(
            t("situation.categories"),
            list(DAMAGE_CATEGORIES),
            format_func=lambda key: t(f"category.{key}"),
            placeholder=t("situation.all"),
            key="map_categories",
        )
        reviews = right.multiselect(
            t("situation.review_states"),
            [s.value for s in ReviewState],
            default=list(cm.DEFAULT_REVIEW_STATES),
            format_func=lambda key: t(f"review.{key}"),
            placeholder=t("situation.all"),
            key="map_reviews",
        )
        severities = left.pills(
            t("situation.severities"), SEVERITIES, selection_mode="multi", key="map_severities"
        )
        engine, actor = state.get_engine(), state.current_actor()
        wards = dict(cm.ward_choices(engine, actor, root=root, lang=state.lang()))
        ward = right.selectbox(
            t("situation.ward"),
            [None, *wards],
            format_func=lambda code: wards.get(code, t("situation.ward.all")),
            key="map_ward",
        )
        search = st.text_input(t("situation.search"), key="map_search")
    selected = (tuple(categories), tuple(severities), tuple(reviews))
    return cm.MapFilters(window, *selected, ward_code=ward, shelter_search=search)
