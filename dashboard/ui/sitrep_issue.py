"""Issuing the next 第N報: the choice of form (その1 災害概況即報 or その2 被害状況即報), its text
items (その1's offered as a starting text: the disaster's start, the roll-call's 参集状況 and
the directives sent), and the one-click issue."""

from __future__ import annotations

import streamlit as st

from dashboard.services import sitreports
from dashboard.ui import state
from dashboard.ui.sitreports import attempt
from dashboard.ui.state import t

JUST_ISSUED = "sitrep.just_issued"


def issue_form(engine, actor, disaster, body: str, draft) -> None:
    """The form choice, its texts and the issue button (first report: その1 by default)."""
    forms = list(sitreports.FORMS)
    form = st.radio(
        t("sitrep.form"),
        forms,
        index=forms.index(sitreports.SUMMARY if draft.number == 1 else sitreports.DAMAGE),
        format_func=lambda f: t(f"sitrep.form.{f}"),
        horizontal=True,
        key=f"sitrep.form:{disaster.id}:{draft.number}",
    )
    form_key = f"sitrep:{disaster.id}:{body}:{draft.number}:{form}"
    start = _starting_text(engine, actor, disaster.id, body)
    keys = sitreports.SUMMARY_REMARK_KEYS if form == sitreports.SUMMARY else sitreports.REMARK_KEYS
    texts = {
        key: st.text_area(
            t(f"sitrep.remark.{key}"),
            value=start.get(key, ""),
            key=f"{form_key}:{key}",
            height=120 if key == "response" else 68,
        )
        for key in keys
    }
    label = t("sitrep.issue_form", number=draft.number, form=t(f"sitrep.form.{form}"))
    # Bound to the disaster and report shown: a click can never issue another one's report.
    issue_key = f"sitrep.issue.{disaster.id}.{draft.number}"
    if st.button(label, type="primary", icon=":material/send:", key=issue_key):
        ok, _ = attempt(
            sitreports.issue_report,
            disaster.id,
            body_code=body,
            submission_id=state.submission_id(form_key),
            remarks=texts,
            as_of=draft.as_of,
            form=form,
            number=draft.number,
        )
        if ok:
            state.new_submission_id(form_key)
            st.session_state[JUST_ISSUED] = draft.number
            st.rerun()
    if number := st.session_state.pop(JUST_ISSUED, None):
        st.success(t("sitrep.issued", number=number), icon=":material/check_circle:")


def _starting_text(engine, actor, disaster_id: int, body: str) -> dict[str, str]:
    # Offered once per disaster and body in a session: the official edits from there on.
    key = f"sitrep.start:{disaster_id}:{body}"
    if key not in st.session_state:
        st.session_state[key] = sitreports.summary_starting_text(
            engine, actor, disaster_id, body_code=body
        )
    return st.session_state[key]
