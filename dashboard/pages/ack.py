"""Acknowledgement by signed link (了解), opened from an e-mail, LINE WORKS or webhook message.

The link alone authorises acknowledging its one delivery, so no login is needed; opening it only
shows the directive, and a click acknowledges (mail scanners and link previews open links too).
"""

import streamlit as st

from dashboard.errors import ServiceError
from dashboard.services import directives
from dashboard.ui import state
from dashboard.ui.chrome import local_time, plain
from dashboard.ui.state import t

engine = state.get_engine()
token = st.query_params.get("token", "")
st.title(t("ack.title"))
found = directives.ack_link_item(engine, token)
if found is None:
    st.error(t("ack.link_invalid"))
    st.stop()
item, ward_name = found
st.subheader(plain(item.title))
st.caption(
    t(
        "ack.addressed",
        ward=ward_name,
        time=local_time(item.issued_at, with_date=True),
        priority=t(f"channel.priority.{item.priority}"),
    )
)
st.text(item.body)
if item.deadline:
    st.caption(t("inbox.deadline", time=local_time(item.deadline, with_date=True)))
if item.acknowledged_at:
    st.success(t("ack.already", time=local_time(item.acknowledged_at, with_date=True)))
elif st.button(t("ack.button"), type="primary", icon=":material/task_alt:"):
    try:
        outcome = directives.acknowledge_by_link(engine, token)
    except ServiceError as exc:
        state.show_error(exc)
    else:
        st.success(t("ack.done", time=local_time(outcome.acknowledged_at, with_date=True)))
