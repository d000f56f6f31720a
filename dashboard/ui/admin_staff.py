"""The staff register tab of the administration page (職員名簿): the list of the units the user
may see, adding a person, editing or moving one (history kept), taking one out of roll-calls.

The services decide: the crisis office edits every unit in its scope, a unit head reads only
their own unit, anyone else is refused (the tab then says so).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from dashboard.domain import Actor, Role
from dashboard.errors import PermissionDenied
from dashboard.services import rollcall
from dashboard.timefmt import format_time
from dashboard.ui import state
from dashboard.ui.admin_forms import save
from dashboard.ui.state import t

# People listed and offered for editing at once (a city has tens of thousands: search narrows).
SHOWN = 500
# Widget keys of the add form, emptied after a successful save.
ADD_KEYS = tuple(f"staff_add_{k}" for k in ("number", *rollcall.EDITABLE))
# Text fields of a person's entry, with their column label keys.
TEXT_FIELDS = {
    "name": "rollcall.col.name",
    "department": "rollcall.col.department",
    "post": "rollcall.col.post",
    "email": "rollcall.col.email",
    "lineworks_user_id": "rollcall.col.lineworks",
}


def staff_tab(engine: Engine, actor: Actor, names: dict[str, str]) -> None:
    try:
        register = rollcall.list_staff(engine, actor)
    except PermissionDenied:
        st.info(t("error.forbidden"))
        return
    query = st.text_input(t("rollcall.staff_search"), key="staff_search").strip()
    found = [p for p in register if not query or query in p.employee_number or query in p.name]
    staff = found[:SHOWN]
    st.caption(t("rollcall.staff_count", shown=len(staff), found=len(found), total=len(register)))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("rollcall.col.number"): p.employee_number,
                    t("rollcall.col.name"): p.name,
                    t("rollcall.col.unit"): names.get(p.unit_code, p.unit_code),
                    t("rollcall.col.tier"): t(f"disaster.level.{p.tier}"),
                    t("rollcall.col.post"): p.post,
                    t("rollcall.col.active"): p.active,
                }
                for p in staff
            ]
        ),
        hide_index=True,
    )
    if actor.role != Role.CRISIS_ADMIN:
        return
    units = sorted(names)
    with st.expander(t("rollcall.staff_add"), icon=":material/person_add:"):
        with st.form("staff_add"):
            number = st.text_input(t("rollcall.col.number"), key="staff_add_number")
            values = _fields("staff_add", units, names, None)
            if st.form_submit_button(t("rollcall.staff_save"), type="primary"):
                save(
                    rollcall.add_staff,
                    t("rollcall.staff_saved"),
                    ADD_KEYS,
                    employee_number=number,
                    **values,
                )
    by_id = {p.id: p for p in staff}
    with st.expander(t("rollcall.staff_edit"), icon=":material/manage_accounts:"):
        chosen = st.selectbox(
            t("rollcall.col.number"),
            list(by_id),
            index=None,
            format_func=lambda i: f"{by_id[i].employee_number} {by_id[i].name}",
            placeholder=t("app.choose"),
            key="staff_edit_choice",
        )
        if chosen is None:
            return
        person = by_id[chosen]
        with st.form(f"staff_edit_{chosen}"):
            values = _fields(f"staff_edit_{chosen}", units, names, person)
            if st.form_submit_button(t("rollcall.staff_save"), type="primary"):
                save(rollcall.edit_staff, t("rollcall.staff_saved"), (), staff_id=chosen, **values)
        label = "rollcall.deactivate" if person.active else "rollcall.activate"
        if st.button(t(label), key=f"staff_active_{chosen}"):
            save(
                rollcall.set_staff_active,
                t("rollcall.staff_saved"),
                (),
                staff_id=chosen,
                active=not person.active,
            )
        _history(engine, actor, chosen, names)


def _fields(prefix: str, units: list[str], names: dict[str, str], person) -> dict[str, object]:
    values: dict[str, object] = {}
    for field, label in TEXT_FIELDS.items():
        current = getattr(person, field) if person is not None else ""
        values[field] = st.text_input(t(label), current or "", key=f"{prefix}_{field}")
    unit = person.unit_code if person is not None else None
    values["unit_code"] = st.selectbox(
        t("rollcall.col.unit"),
        units,
        index=units.index(unit) if unit in units else 0,
        format_func=names.get,
        key=f"{prefix}_unit_code",
    )
    values["tier"] = st.selectbox(
        t("rollcall.col.tier"),
        rollcall.TIERS,
        index=rollcall.TIERS.index(person.tier) if person is not None else 0,
        format_func=lambda v: t(f"disaster.level.{v}"),
        key=f"{prefix}_tier",
    )
    return values


def _history(engine: Engine, actor: Actor, staff_id: int, names: dict[str, str]) -> None:
    st.caption(t("rollcall.staff_history"))
    history = rollcall.staff_history(engine, actor, staff_id)
    lang = state.lang()
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("rollcall.col.when"): format_time(h.changed_at, lang, date=True),
                    t("rollcall.col.change"): t(f"rollcall.change.{h.kind}"),
                    t("rollcall.col.unit"): names.get(h.unit_code, h.unit_code),
                    t("rollcall.col.previous"): names.get(h.previous_unit_code or "", ""),
                    t("rollcall.col.tier"): t(f"disaster.level.{h.tier}"),
                }
                for h in history
            ]
        ),
        hide_index=True,
    )
