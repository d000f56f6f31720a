"""被害状況即報（第N報）: the city's draft of its next report as of now (per ward and total, changes
since the previous report marked, the wards' confirmation), issued with one click on 第4号様式
その1 (災害概況即報, the first report) or その2 (被害状況即報); for the
prefecture, every municipality's latest report, who is late, the reporting times and the
prefecture's own report, which sums the municipalities' latest issued reports."""

import streamlit as st

from dashboard.errors import ServiceError
from dashboard.services import areas, sitreports
from dashboard.ui import first30_panel, state
from dashboard.ui import sitreports as widgets
from dashboard.ui.chrome import local_time
from dashboard.ui.sitrep_issue import issue_form
from dashboard.ui.state import t

engine, actor, lang = state.get_engine(), state.current_actor(), state.lang()
st.title(t("nav.sitreports"))
first30_panel.notices_panel(engine, actor, where="sitrep")
widgets.record_disaster_form(engine, actor, lang)
disaster = widgets.disaster_picker(engine, actor, "sitrep.disaster")
if disaster is None:
    st.info(t("sitrep.no_disaster"))
    st.stop()

widgets.close_disaster_button(disaster)
body = actor.jurisdiction_code
home = areas.get_area(engine, body)
prefecture = home is not None and home.level == "prefecture"
try:
    board = sitreports.reporting_status(engine, actor, disaster.id)
except ServiceError:
    board = []
if prefecture:
    st.header(t("sitrep.board_heading"))
    widgets.board_table(board)
    widgets.report_times_form(disaster)
else:
    mine = next((b for b in board if b.code == body), None)
    if mine is None or mine.next_due is None:
        st.caption(t("sitrep.no_schedule"))
    else:
        due = t("sitrep.next_due", time=local_time(mine.next_due, with_date=True))
        if mine.late:
            st.error(f"{due} — {t('sitrep.late')}", icon=":material/alarm:")
        else:
            st.info(due, icon=":material/schedule:")

if prefecture:
    st.header(t("sitrep.pref_heading"))
draft = sitreports.draft_report(engine, actor, disaster.id, body_code=body)
previous = sitreports.previous_report(engine, actor, disaster.id, body_code=body)
st.subheader(
    t("sitrep.draft_heading", number=draft.number, time=local_time(draft.as_of, with_date=True))
)
widgets.figures_table(draft, sitreports.changed_figures(previous, draft))
if not prefecture:
    with st.expander(t("sitrep.wards_heading"), expanded=True):
        widgets.ward_status_table(draft)

issue_form(engine, actor, disaster, body, draft)

chosen = widgets.issued_list(sitreports.list_reports(engine, actor, disaster.id))
if chosen is not None:
    report = sitreports.get_report(engine, actor, chosen)
    widgets.figures_table(report)
    widgets.downloads(report, f"sitrep.issued.{report.id}")
