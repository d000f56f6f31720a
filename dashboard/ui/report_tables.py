"""Damage reports as tables: the ward's recent reports on the form page, the review list."""

from __future__ import annotations

import streamlit as st

from dashboard import timefmt
from dashboard.services import damage
from dashboard.ui.state import t


def recent_reports(reports: list[damage.ReportView], names: dict[str, str], lang: str) -> None:
    """The newest reports under the damage form (or a note that there are none yet)."""
    if not reports:
        st.caption(t("damage.none_yet"))
        return
    st.dataframe(
        [
            {
                "#": r.id,
                t("damage.col.time"): timefmt.format_time(r.reported_at, lang),
                t("damage.col.ward"): names.get(r.ward_code, "-"),
                t("damage.category"): t(f"category.{r.category}"),
                t("damage.col.severity"): r.severity,
                t("damage.col.review"): t(f"review.{r.review_state}"),
            }
            for r in reports
        ],
        hide_index=True,
        width="stretch",
    )


def review_list(reports: list[damage.ReportView], names: dict[str, str], lang: str) -> None:
    """The reports to review with casualties, photos and who sent them."""
    st.dataframe(
        [
            {
                "#": r.id,
                t("damage.col.time"): timefmt.format_time(r.reported_at, lang, date=True),
                t("damage.col.ward"): names.get(r.ward_code, "-"),
                t("damage.category"): t(f"category.{r.category}"),
                t("damage.col.severity"): r.severity,
                t("review.col.casualties"): f"{r.dead}/{r.injured}/{r.missing}/{r.trapped}",
                t("damage.col.review"): t(f"review.{r.review_state}"),
                t("review.col.photos"): r.photo_count,
                t("review.col.outside"): "⚠" if r.outside_reporter_ward else "",
                t("review.col.by"): r.reported_by or "-",
            }
            for r in reports
        ],
        hide_index=True,
        width="stretch",
    )
