"""Staff roll-call (職員安否確認・参集): start one, and follow who is safe and coming, per unit.

Command roles see every unit in scope, a ward head their own ward; names and the unanswered list
only for the crisis office and the unit's own head (the service decides).
"""

import pandas as pd
import streamlit as st

from dashboard.domain import Role
from dashboard.errors import PermissionDenied, ServiceError
from dashboard.services import rollcall
from dashboard.ui import charts, first30_panel, rollcall_panels, state
from dashboard.ui.chrome import local_time
from dashboard.ui.state import t

engine, actor, lang = state.get_engine(), state.current_actor(), state.lang()
st.title(t("nav.rollcall"))
units = rollcall.units_in_scope(engine, actor)

if actor.is_command:
    first30_panel.feed_health_line(engine, actor)
    first30_panel.notices_panel(engine, actor, where="rollcall")
    left, right = st.columns(2)
    with left:
        rollcall_panels.start_form(engine, actor, units)
    with right:
        rollcall_panels.intensity_form(engine, actor, units)

calls = rollcall.list_rollcalls(engine, actor)
if not calls:
    st.info(t("rollcall.none"))
else:
    by_id = {c.id: c for c in calls}
    chosen = st.session_state.get("rollcall_selected")
    selected = st.selectbox(
        t("rollcall.choose"),
        list(by_id),
        index=list(by_id).index(chosen) if chosen in by_id else 0,
        format_func=lambda i: (
            f"{local_time(by_id[i].started_at, with_date=True)} {by_id[i].title}"
            f"（{t(f'rollcall.trigger.{by_id[i].trigger}')}・{by_id[i].recipients}）"
        ),
    )
    current = by_id[selected]
    board = rollcall.board(engine, actor, selected)
    total = board.total
    cols = st.columns(5)
    cols[0].metric(t("rollcall.col.answered"), f"{total.answered}/{total.called}")
    cols[1].metric(t("rollcall.col.safe"), total.safe)
    cols[2].metric(t("rollcall.col.injured"), total.injured)
    cols[3].metric(t("rollcall.col.arrived"), total.arrived)
    cols[4].metric(t("rollcall.col.rate"), f"{total.rate:.0%}")

    def row(c: rollcall.UnitCounts) -> dict:
        values = {
            t("rollcall.col.unit"): c.unit_name,
            **{
                t(f"rollcall.col.{k}"): getattr(c, k)
                for k in ("called", "sent", "answered", "safe", "injured", "can_come", "cannot")
            },
            **{t("rollcall.col.within", hours=h): c.within[h] for h in rollcall.HORIZONS},
            t("rollcall.col.arrived"): c.arrived,
            t("rollcall.col.required"): c.required,
            t("rollcall.col.rate"): f"{c.rate:.0%}",
            t("rollcall.col.unanswered"): c.unanswered,
        }
        return values

    st.dataframe(
        pd.DataFrame([row(c) for c in [*board.units, total]]), hide_index=True, key="board"
    )
    if len(board.rate_over_time) > 1:
        st.caption(t("rollcall.rate_chart"))
        charts.time_chart(
            board.rate_over_time, x_title=t("chart.time"), y_title=t("chart.rate"), share=True
        )
    if actor.is_command and current.ended_at is None:
        if st.button(t("rollcall.end"), icon=":material/stop_circle:"):
            try:
                rollcall.end_rollcall(engine, actor, selected)
            except ServiceError as exc:
                state.show_error(exc)
            else:
                st.rerun()
    elif current.ended_at is not None:
        st.caption(f"{t('rollcall.ended')}: {local_time(current.ended_at, with_date=True)}")

    try:
        listed = rollcall.people(engine, actor, selected)
    except PermissionDenied:
        listed = None  # counts only (e.g. the mayor)
    if listed is not None:
        st.subheader(t("rollcall.unanswered_list"))
        missing = [p for p in listed if p.safety is None]
        unit_names = {c.unit_code: c.unit_name for c in board.units}
        if missing:
            st.dataframe(
                pd.DataFrame(
                    [
                        (p.name, p.employee_number, unit_names.get(p.unit_code, p.unit_code),
                         p.post, p.reminders)
                        for p in missing
                    ],
                    columns=[
                        t(f"rollcall.col.{k}")
                        for k in ("name", "number", "unit", "post", "reminders")
                    ],
                ),
                hide_index=True,
            )  # fmt: skip
        else:
            st.caption(t("rollcall.none_unanswered"))
        headers = [
            "employee_number",
            "name",
            "unit_code",
            "post",
            "tier",
            "reminders",
            "safety",
            "attendance",
            "eta_minutes",
            "place",
            "comment",
            "answered_at",
        ]
        left, right = st.columns(2)
        left.download_button(
            t("rollcall.export_csv"),
            rollcall.export_csv(listed, headers),
            f"rollcall-{selected}.csv",
            "text/csv",
        )
        right.download_button(
            t("rollcall.export_xlsx"),
            rollcall.export_xlsx(listed, headers),
            f"rollcall-{selected}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    rollcall_panels.demo_links_panel(engine, actor, selected)

if actor.role == Role.CRISIS_ADMIN:
    with st.expander(t("rollcall.register")):
        rollcall_panels.register_panel(engine, actor, units)
