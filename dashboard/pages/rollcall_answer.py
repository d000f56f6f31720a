"""The roll-call answer page (安否確認・参集の回答): one phone screen, reached by a personal link.

The signed link alone authorises answering for its one person, so no login is needed. Safety is
preset to 無事, so the common answer takes two taps: 参集できる (or 到着済), then send.
"""

import streamlit as st

from dashboard.errors import ServiceError
from dashboard.services import rollcall
from dashboard.ui import state
from dashboard.ui.chrome import local_time, plain
from dashboard.ui.state import t

# Arrival estimate offered first, in minutes.
DEFAULT_ETA = 30
DONE_KEY = "rollcall_answered_at"

engine = state.get_engine()
token = st.query_params.get("token", "")
st.title(t("rollcall.answer_title"))
try:
    page = rollcall.answer_page(engine, token)
except ServiceError as exc:
    state.show_error(exc)
    st.stop()

if page.exercise:
    st.warning(t("rollcall.drill"))
st.subheader(plain(page.title))
st.caption(t("rollcall.hello", name=plain(page.name), unit=plain(page.unit_name)))
latest = page.latest
if st.session_state.get(DONE_KEY):
    st.success(t("rollcall.answered", time=st.session_state[DONE_KEY]))
if latest is not None:
    st.info(
        t(
            "rollcall.latest",
            safety=t(f"rollcall.safety.{latest.safety}"),
            attendance=t(f"rollcall.attendance.{latest.attendance}"),
        )
        + "\n\n"
        + t("rollcall.change_hint")
    )

safety = st.segmented_control(
    t("rollcall.q_safety"),
    rollcall.SAFETY,
    default=latest.safety if latest else "safe",
    format_func=lambda v: t(f"rollcall.safety.{v}"),
    key="safety",
)
attendance = st.segmented_control(
    t("rollcall.q_attendance"),
    rollcall.ATTENDANCE,
    default=None,
    format_func=lambda v: t(f"rollcall.attendance.{v}"),
    key="attendance",
)
eta = reason = None
if attendance == "can_come":
    eta = st.number_input(
        t("rollcall.eta"), min_value=0, max_value=2880, value=DEFAULT_ETA, step=10
    )
elif attendance == "cannot":
    reason = st.text_input(t("rollcall.reason"), max_chars=500)
with st.expander(t("rollcall.place") + " / " + t("rollcall.comment")):
    place = st.text_input(t("rollcall.place"), max_chars=200)
    comment = st.text_area(t("rollcall.comment"), max_chars=1000)

if st.button(
    t("rollcall.send"),
    type="primary",
    icon=":material/send:",
    disabled=not (safety and attendance),
    width="stretch",
):
    try:
        saved = rollcall.submit_answer(
            engine,
            token,
            submission_id=state.submission_id("rollcall_answer"),
            safety=safety,
            attendance=attendance,
            eta_minutes=int(eta) if eta is not None else None,
            reason=reason,
            place=place,
            comment=comment,
        )
    except ServiceError as exc:
        state.show_error(exc)
    else:
        state.new_submission_id("rollcall_answer")
        st.session_state[DONE_KEY] = local_time(saved.answered_at)
        st.rerun()
