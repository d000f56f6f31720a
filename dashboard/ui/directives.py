"""Pieces of the directives page: the send form's deadline and suggestions, and the tracking
board (metrics, map, table) translated and formatted from the service's plain data."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from dashboard.i18n import translate
from dashboard.services.directives import TARGET_REASONS, Board
from dashboard.timefmt import format_time
from dashboard.ui import state
from dashboard.ui.map_assets import board_map
from dashboard.ui.state import t


def suggestion_captions(suggested: dict[str, tuple[str, ...]], names: dict[str, str]) -> None:
    """One line per reason (not one per ward): the wards suggested for it."""
    for reason in TARGET_REASONS:
        wards = "、".join(names.get(c, c) for c, why in suggested.items() if reason in why)
        if wards:
            st.caption(
                t("directive.suggested", reason=t(f"directive.reason.{reason}"), names=wards)
            )


def deadline_input() -> datetime | None:
    """An optional deadline, typed in the deployment's zone."""
    if not st.checkbox(t("directive.with_deadline")):
        return None
    col_date, col_time = st.columns(2)
    day = col_date.date_input(t("directive.deadline_date"))
    at = col_time.time_input(t("directive.deadline_time"))
    return datetime.combine(day, at, tzinfo=ZoneInfo(state.settings().timezone))


def board_metrics(board: Board) -> None:
    d = board.directive
    cols = st.columns(4)
    cols[0].metric(t("board.share"), f"{board.share_acknowledged:.0%}")
    cols[1].metric(t("board.acknowledged"), f"{d.acknowledged}/{d.wards}")
    cols[2].metric(t("board.answered"), d.answered)
    cols[3].metric(t("board.escalated_count"), d.escalated)


def board_details(board: Board, areas: gpd.GeoDataFrame, lang: str) -> None:
    """The target wards on a map (unacknowledged in red) and the per-ward table."""
    st.caption(t("board.map_caption"))
    st_folium(
        board_map(areas, lang),
        height=380, use_container_width=True, returned_objects=[],
        key=f"board_map_{board.directive.id}",
    )  # fmt: skip
    st.dataframe(board_table(board, lang), hide_index=True, use_container_width=True)


def board_table(board: Board, lang: str) -> list[dict[str, object]]:
    """The board as table rows keyed by translated column names (empty cells for steps not
    reached)."""

    def at(moment: datetime | None) -> str:
        return format_time(moment, lang) if moment else ""

    def col(key: str) -> str:
        return translate(f"board.{key}", lang)

    return [
        {
            col("ward"): r.name(lang),
            col("delivered"): at(r.delivered_at),
            col("read"): at(r.read_at),
            col("acknowledged"): at(r.acknowledged_at),
            col("minutes"): "" if r.minutes_to_ack is None else f"{r.minutes_to_ack:.1f}",
            col("answer"): translate(f"answer.{r.answer_status}", lang) if r.answer_status else "",
            col("answer_text"): r.answer_text or "",
            col("reminders"): r.reminder_count,
            col("escalated"): "⚠" if r.escalated_at and not r.acknowledged_at else "",
            col("channels"): " ".join(
                f"{c.kind}:{translate(f'outbox.status.{c.status}', lang)}" for c in r.channels
            ),
        }
        for r in board.rows
    ]
