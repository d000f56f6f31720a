"""Required staff per unit and tier (必要参集人数) on the roll-call page: a table the crisis
office edits, and a CSV import (check first) alone or beside the staff register's."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from dashboard.domain import Actor
from dashboard.errors import ServiceError
from dashboard.services import rollcall
from dashboard.ui import state
from dashboard.ui.state import t


def requirements_panel(engine: Engine, actor: Actor, units: list[rollcall.UnitChoice]) -> None:
    """One row per unit, one column per tier; an empty cell means "not set"."""
    lang = state.lang()
    st.caption(t("rollcall.requirements_hint"))
    current = {(r.unit_code, r.tier): r.required for r in rollcall.list_requirements(engine, actor)}
    codes = [u.code for u in units]
    columns = {tier: t(f"disaster.level.{tier}") for tier in rollcall.TIERS}
    frame = pd.DataFrame(
        [{columns[tier]: current.get((code, tier)) for tier in rollcall.TIERS} for code in codes],
        index=[u.name(lang) for u in units],
        dtype="Int64",
    )
    config = {
        name: st.column_config.NumberColumn(name, min_value=0, max_value=rollcall.MAX_REQUIRED)
        for name in columns.values()
    }
    edited = st.data_editor(frame, column_config=config, key="rollcall_requirements")
    if st.button(t("rollcall.requirements_save"), key="rollcall_requirements_save"):
        changes = {}
        for code, (_, row) in zip(codes, edited.iterrows(), strict=True):
            for tier, name in columns.items():
                value = None if pd.isna(row[name]) else int(row[name])
                if value != current.get((code, tier)):
                    changes[(code, tier)] = value
        try:
            count = rollcall.set_requirements(engine, actor, changes) if changes else 0
        except ServiceError as exc:
            state.show_error(exc)
        else:
            st.success(t("rollcall.requirements_saved", count=count))


def show_report(report: rollcall.ImportReport) -> None:
    """What an import found: counts, and every problem per row."""
    st.write(
        t(
            "rollcall.import_report",
            rows=report.rows,
            created=report.created,
            updated=report.updated,
            moved=report.moved,
        )
    )
    if report.problems:
        st.error(t("rollcall.import_problems"))
        st.dataframe(
            pd.DataFrame(
                [
                    (p.line, p.column, t(p.key, column=p.column, **p.params))
                    for p in report.problems
                ],
                columns=["#", "column", ""],
            ),
            hide_index=True,
        )
    elif report.applied:
        st.success(t("rollcall.import_done"))
