"""The HQ roster tab of the administration page: units (wards and departments) with their HQ
membership, kind, head and deputies in order; changing them (history kept), adding a department,
importing the roster from CSV with a dry run."""

from __future__ import annotations

import streamlit as st

from dashboard.domain import Actor
from dashboard.errors import ServiceError
from dashboard.services import hq
from dashboard.timefmt import format_time
from dashboard.ui import state
from dashboard.ui.admin_forms import FLASH, save
from dashboard.ui.state import t

ADD_KEYS = ("hq_name_ja", "hq_name_en")


def _kind_label(kind: str | None) -> str:
    return t(f"hq.kind.{kind}") if kind else ""


def roster_table(roster: list[hq.RosterUnit], lang: str) -> None:
    st.dataframe(
        [
            {
                t("hq.col.unit"): u.name(lang),
                t("hq.col.kind"): _kind_label(u.unit_kind),
                t("hq.col.member"): "○" if u.hq_member else "",
                t("hq.col.head"): next((h.display_name for h in u.holders if h.is_head), ""),
                t("hq.col.deputies"): "、".join(
                    f"{h.rank}. {h.display_name}" for h in u.holders if not h.is_head
                ),
            }
            for u in roster
        ],
        hide_index=True,
        width="stretch",
    )


def _save_unit(engine, actor: Actor, unit: hq.RosterUnit, values: dict) -> None:
    try:
        changed = hq.set_unit(
            engine, actor, unit.code, hq_member=values["member"], unit_kind=values["kind"]
        )
        chosen = [values["head"], *values["deputies"]] if values["head"] else []
        numbers = values["numbers"]
        changed |= hq.set_holders(
            engine, actor, unit.code, [(u, numbers.get(u) or None) for u in chosen]
        )
    except ServiceError as exc:
        state.show_error(exc)
    else:
        # Shown at the top of the next run, which draws the roster as saved.
        st.session_state[FLASH] = t("hq.saved" if changed else "hq.unchanged")
        st.rerun()


def edit_form(engine, actor: Actor, roster: list[hq.RosterUnit], lang: str) -> None:
    st.subheader(t("hq.edit_heading"))
    by_code = {u.code: u for u in roster}
    code = st.selectbox(
        t("hq.unit"), list(by_code), format_func=lambda c: by_code[c].name(lang), key="hq_unit"
    )
    unit = by_code[code]
    accounts = {uid: f"{name}（{username}）" for uid, username, name in hq.unit_accounts(
        engine, actor, code
    )}  # fmt: skip
    if not accounts:
        st.info(t("hq.no_accounts"))
    head = next((h for h in unit.holders if h.is_head), None)
    current = [h.user_id for h in unit.holders if not h.is_head and h.user_id in accounts]
    with st.form(f"hq_edit_{code}"):
        member = st.checkbox(t("hq.member"), value=unit.hq_member)
        kinds = [None, *hq.UNIT_KINDS]
        kind = st.selectbox(
            t("hq.kind"), kinds, index=kinds.index(unit.unit_kind), format_func=_kind_label
        )
        choices = [None, *accounts]
        head_id = st.selectbox(
            t("hq.head"), choices, format_func=lambda u: accounts.get(u, "—"),
            index=choices.index(head.user_id) if head and head.user_id in accounts else 0,
            key=f"hq_head_{code}",
        )  # fmt: skip
        deputies = st.multiselect(
            t("hq.deputies"), list(accounts), default=current, format_func=accounts.get,
            max_selections=hq.MAX_DEPUTIES, key=f"hq_deputies_{code}",
            placeholder=t("app.choose"),
        )  # fmt: skip
        known = {h.user_id: h.employee_number or "" for h in unit.holders}
        numbers = {
            uid: st.text_input(
                t("hq.employee_number", name=state.plain(accounts[uid])),
                value=known.get(uid, ""),
                key=f"hq_number_{code}_{uid}",
            )
            for uid in [u for u in (head_id, *deputies) if u is not None]
        }
        if st.form_submit_button(t("hq.save"), icon=":material/save:"):
            values = {"member": member, "kind": kind, "head": head_id}
            values.update(deputies=[d for d in deputies if d != head_id], numbers=numbers)
            _save_unit(engine, actor, unit, values)
    with st.expander(t("hq.history")):
        st.dataframe(
            [
                {
                    t("hq.col.rank"): h.rank,
                    t("hq.col.person"): h.display_name,
                    t("hq.col.from"): format_time(h.valid_from, lang),
                    t("hq.col.to"): format_time(h.valid_to, lang) if h.valid_to else "",
                }
                for h in hq.holder_history(engine, actor, code)
            ],
            hide_index=True,
            width="stretch",
        )


def add_form() -> None:
    st.subheader(t("hq.add_heading"))
    with st.form("hq_add"):
        name_ja = st.text_input(t("hq.name_ja"), key="hq_name_ja")
        name_en = st.text_input(t("hq.name_en"), key="hq_name_en")
        kind = st.selectbox(t("hq.kind"), hq.UNIT_KINDS, format_func=_kind_label)
        member = st.checkbox(t("hq.member"), value=True)
        if st.form_submit_button(t("hq.add"), icon=":material/add:"):
            save(
                hq.create_department,
                t("hq.added", name=name_ja),
                ADD_KEYS,
                name_ja=name_ja,
                name_en=name_en or None,
                unit_kind=kind,
                hq_member=member,
            )


def import_form(engine, actor: Actor) -> None:
    st.subheader(t("hq.import_heading"))
    st.caption(t("hq.import_help"))
    upload = st.file_uploader(t("hq.import_file"), type=["csv", "xlsx"], key="hq_file")
    if upload is None:
        return
    left, right = st.columns(2)
    dry = left.button(t("hq.dry_run"), icon=":material/fact_check:")
    apply = right.button(t("hq.import"), type="primary", icon=":material/upload:")
    if not (dry or apply):
        return
    report = hq.import_roster(
        engine, actor, upload.getvalue(), dry_run=not apply, filename=upload.name
    )
    summary = t(
        "hq.import_result",
        rows=report.rows,
        units=report.units,
        new=len(report.new_departments),
        holders=report.holders,
    )
    if report.applied:
        st.session_state[FLASH] = summary  # the next run draws the imported roster
        st.rerun()
    st.write(summary)
    if report.problems:
        st.error(t("hq.import_problems", count=len(report.problems)))
        st.dataframe(
            [
                {
                    t("hq.col.row"): p.line,
                    t("hq.col.column"): p.column,
                    t("hq.col.problem"): t(p.key, **p.params),
                }
                for p in report.problems
            ],
            hide_index=True,
            width="stretch",
        )


def hq_tab(engine, actor: Actor, lang: str) -> None:
    st.caption(t("hq.roster_help"))
    roster = hq.list_roster(engine, actor)
    roster_table(roster, lang)
    if roster:
        edit_form(engine, actor, roster, lang)
    add_form()
    import_form(engine, actor)
