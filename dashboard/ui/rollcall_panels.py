"""Forms of the roll-call page: start by hand, a seismic intensity, the staff register import."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from dashboard.domain import Actor
from dashboard.errors import ServiceError
from dashboard.services import rollcall
from dashboard.ui import state
from dashboard.ui.rollcall_staffing import requirements_panel, show_report
from dashboard.ui.state import t

# Session key: the line saying how many people a roll-call just started has called.
STARTED_FLASH = "rollcall_started_flash"


def _run(action, *args, **kwargs):
    try:
        return action(*args, **kwargs), True
    except ServiceError as exc:
        state.show_error(exc)
        return None, False


def start_form(engine: Engine, actor: Actor, units: list[rollcall.UnitChoice]) -> None:
    """Start a roll-call by hand: an area, optionally one unit of it, up to a tier."""
    lang = state.lang()
    names = {u.code: u.name(lang) for u in units}
    wide = [u.code for u in units if u.level not in ("ward", "department")]
    areas = wide or [u.code for u in units]
    if flash := st.session_state.pop(STARTED_FLASH, None):
        st.success(flash, icon=":material/campaign:")
    with st.form("rollcall_start"):
        st.subheader(t("rollcall.start"))
        area = st.selectbox(t("rollcall.area"), areas, format_func=names.get)
        unit = st.selectbox(
            t("rollcall.unit"),
            [None, *[u.code for u in units]],
            format_func=lambda c: t("rollcall.unit_all") if c is None else names[c],
        )
        tier = st.selectbox(
            t("rollcall.tier"),
            [None, *rollcall.TIERS],
            format_func=lambda v: t("rollcall.tier_all") if v is None else t(f"disaster.level.{v}"),
        )
        low, high = rollcall.REMIND_RANGE
        remind = st.number_input(
            t("rollcall.remind_after"), low, high, rollcall.DEFAULT_REMIND_MINUTES
        )
        if st.form_submit_button(t("rollcall.start_button"), type="primary"):
            started, ok = _run(
                rollcall.start_rollcall,
                engine,
                actor,
                submission_id=state.submission_id("rollcall_start"),
                scope_code=area,
                unit_code=unit,
                tier=tier,
                remind_after_minutes=int(remind),
                lang=lang,
            )
            if ok:
                state.new_submission_id("rollcall_start")
                st.session_state["rollcall_selected"] = started
                views = rollcall.list_rollcalls(engine, actor)
                called = next((r.recipients for r in views if r.id == started), 0)
                st.session_state[STARTED_FLASH] = t("rollcall.started_count", count=called)
                st.rerun()


def intensity_form(engine: Engine, actor: Actor, units: list[rollcall.UnitChoice]) -> None:
    """A 震度 observed in an area, typed or read from a JMA XML report: from 5弱 a roll-call
    starts for the matching tier."""
    lang = state.lang()
    names = {u.code: u.name(lang) for u in units}
    with st.form("rollcall_intensity"):
        st.subheader(t("rollcall.intensity_input"))
        area = st.selectbox(t("rollcall.area"), [u.code for u in units], format_func=names.get)
        intensity = st.select_slider(
            t("rollcall.intensity_input"),
            rollcall.INTENSITIES,
            value="5-",
            format_func=lambda v: t(f"rollcall.intensity.{v}"),
        )
        report = st.file_uploader(t("rollcall.jma_file"), type=["xml"])
        if not st.form_submit_button(t("rollcall.intensity_button")):
            return
    submission = state.submission_id("rollcall_intensity")
    if report is not None:
        outcome, ok = _run(
            rollcall.record_jma_intensity,
            engine,
            actor,
            data=report.getvalue(),
            submission_id=submission,
            scope_code=area,
            lang=lang,
        )
        if not ok:
            return
        intensity, started = outcome
        if intensity is None:
            st.info(t("rollcall.jma_outside"))
            return
        st.caption(t("rollcall.jma_read", intensity=t(f"rollcall.intensity.{intensity}")))
    else:
        started, ok = _run(
            rollcall.record_intensity,
            engine,
            actor,
            submission_id=submission,
            scope_code=area,
            intensity=intensity,
            lang=lang,
        )
        if not ok:
            return
    state.new_submission_id("rollcall_intensity")
    if started:
        st.session_state["rollcall_selected"] = started
        st.success(t("rollcall.intensity_started"))
    else:
        st.info(t("rollcall.intensity_recorded"))


def register_panel(engine: Engine, actor: Actor, units: list[rollcall.UnitChoice]) -> None:
    """The staff register and the required staff: import CSVs (check first), one or both at
    once, the required-staff table, and how many are registered."""
    st.caption(t("rollcall.columns", columns=", ".join(rollcall.COLUMNS)))
    upload = st.file_uploader(t("rollcall.import_file"), type=["csv"])
    needs = st.file_uploader(t("rollcall.requirements_file"), type=["csv"])
    left, right = st.columns(2)
    nothing = upload is None and needs is None
    check = left.button(t("rollcall.import_check"), disabled=nothing)
    apply = right.button(t("rollcall.import_apply"), disabled=nothing, type="primary")
    if check or apply:
        # The register first: the required staff may name units its people are moving into.
        for file, action in (
            (upload, rollcall.import_staff),
            (needs, rollcall.import_requirements),
        ):
            if file is not None:
                report, ok = _run(action, engine, actor, file.getvalue(), dry_run=not apply)
                if ok:
                    show_report(report)
    st.subheader(t("rollcall.requirements"))
    requirements_panel(engine, actor, units)
    staff = rollcall.list_staff(engine, actor)
    st.caption(f"{t('rollcall.register')}: {len(staff)}")
    by_number = {p.employee_number: p for p in staff}
    number = st.text_input(t("rollcall.col.number"), key="rollcall_staff_number").strip()
    person = by_number.get(number)
    if person is not None:
        st.write(f"{person.name}（{person.unit_code}・{t(f'disaster.level.{person.tier}')}）")
        label = "rollcall.deactivate" if person.active else "rollcall.activate"
        if st.button(t(label)):
            _, ok = _run(rollcall.set_staff_active, engine, actor, person.id, not person.active)
            if ok:
                st.rerun()


def demo_links_panel(engine: Engine, actor: Actor, rollcall_id: int) -> None:
    """「回答リンクを表示」 (demo mode, crisis office): answer as a staff member of the demo."""
    if not state.settings().demo_mode or not rollcall.CRISIS_OFFICE_ROLES & {actor.role}:
        return
    with st.expander(t("rollcall.demo_links"), icon=":material/link:"):
        st.caption(t("rollcall.demo_links_help"))
        for link in rollcall.demo_answer_links(engine, actor, rollcall_id):
            st.markdown(f"[{state.plain(link.name)}（{state.plain(link.unit_name)}）]({link.url})")
