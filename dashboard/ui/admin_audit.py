"""The audit-log tab of the administration page: the newest entries of the actor's scope."""

from __future__ import annotations

import json

import streamlit as st

from dashboard.domain import Actor
from dashboard.services import accounts
from dashboard.timefmt import format_time
from dashboard.ui.state import t

# How many audit entries the log shows.
AUDIT_ROWS = 200


def audit_tab(engine, actor: Actor, lang: str) -> None:
    st.caption(t("admin.audit_help", limit=AUDIT_ROWS))
    st.dataframe(
        [
            {
                t("admin.col.time"): format_time(e.at, lang, date=True),
                t("admin.col.user"): e.username or "",
                t("admin.col.action"): f"{t('admin.drill_mark')}{e.action}"
                if e.exercise
                else e.action,
                t("admin.col.entity"): e.entity or "",
                t("admin.col.entity_id"): e.entity_id or "",
                t("admin.col.detail"): json.dumps(e.detail or {}, ensure_ascii=False, default=str),
            }
            for e in accounts.list_audit(engine, actor, limit=AUDIT_ROWS)
        ],
        hide_index=True,
        width="stretch",
    )
