"""Pieces of the directives page: the send form's deadline and suggestions, and the tracking
board (metrics, map, table) translated and formatted from the service's plain data."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from dashboard.i18n import translate
from dashboard.services.directives import TARGET_REASONS, Board, TargetGroups
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


def target_buttons(every: list[str], groups: TargetGroups) -> None:
    """One click each: every target, all wards, all departments, all HQ members (本部員)."""
    buttons = [("directive.all_targets", ":material/select_all:", every)]
    buttons += [
        ("hq.all_wards", ":material/location_city:", list(groups.areas)),
        ("hq.all_departments", ":material/apartment:", list(groups.departments)),
        ("hq.all_members", ":material/groups:", list(groups.hq_members)),
    ]
    shown = [b for b in buttons if b[2]]
    if not shown:  # a municipality without wards or departments: nothing to group
        return
    for column, (key, icon, codes) in zip(st.columns(len(shown)), shown, strict=True):
        column.button(
            t(key),
            icon=icon,
            key=f"targets_{key}",
            on_click=lambda codes=codes: st.session_state.update(directive_targets=codes),
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
    st.dataframe(board_table(board, lang), hide_index=True, width="stretch")


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
            col("acknowledged_by"): _acknowledged_by(r, lang),
            col("holder"): _holder(r, lang),
            col("reminders"): r.reminder_count,
            col("escalated"): "⚠" if r.escalated_at and not r.acknowledged_at else "",
            col("channels"): " ".join(
                f"{c.kind}:{translate(f'outbox.status.{c.status}', lang)}" for c in r.channels
            ),
        }
        for r in board.rows
    ]


def _rank(rank: int, lang: str) -> str:
    if rank == 0:
        return translate("hq.rank.head", lang)
    return translate("hq.rank.deputy", lang, n=rank)


def _acknowledged_by(row, lang: str) -> str:
    """Head / deputy n and the name, for units with deputies; the name, or "link", for others."""
    if row.acknowledged_at is None:
        return ""
    who = row.acknowledged_by or translate("board.link", lang)
    if row.acknowledged_rank is None:
        return who
    return f"{_rank(row.acknowledged_rank, lang)}（{who}）"


def _holder(row, lang: str) -> str:
    """Each stand-in step: → deputy n (why) time."""
    return " ".join(
        f"→{_rank(rank, lang)}（{translate(f'hq.reason.{reason}', lang)} {format_time(at, lang)}）"
        for rank, reason, at in row.handovers
    )
