"""Disaster mode (災害モード) and drills (訓練): declare and end; start, end and clear drills."""

import streamlit as st

from dashboard.clock import utcnow
from dashboard.errors import ServiceError
from dashboard.services import disaster, modes
from dashboard.ui import chrome, confirm, first30_panel, state
from dashboard.ui.chrome import elapsed_text, local_time, plain
from dashboard.ui.state import t

engine, actor, lang = state.get_engine(), state.current_actor(), state.lang()
st.title(t("nav.disaster_mode"))
first30_panel.notices_panel(engine, actor, where="mode")


def run(action, *args, **kwargs) -> None:
    """Call a service; show its refusal, or rerun so every banner shows the new mode."""
    try:
        action(engine, actor, *args, **kwargs)
    except ServiceError as exc:
        state.show_error(exc)
    else:
        chrome.data_written(engine)  # the next run's banners read the new mode, not the old
        st.rerun()


st.header(t("disaster.heading"))
declarations = disaster.list_declarations(engine, actor)
active = [d for d in declarations if d.ended_at is None]
for d in active:
    with st.container(border=True):
        st.markdown(
            t(
                "disaster.active",
                level=t(f"disaster.level.{d.level}"),
                area=d.scope_name(lang),
                since=local_time(d.declared_at, with_date=True),
                elapsed=elapsed_text(d.declared_at, utcnow()),
            )
        )
        if d.note:
            st.text(d.note)
        if st.button(t("disaster.end"), key=f"end_{d.id}", icon=":material/stop_circle:"):
            confirm.request(f"end_{d.id}")
        level, area = t(f"disaster.level.{d.level}"), d.scope_name(lang)
        question = t("confirm.end", level=level, area=area)
        if confirm.ask(f"end_{d.id}", question, t("confirm.end_yes")):
            run(disaster.end_disaster, declaration_id=d.id)

scopes = {
    code: (en if lang == "en" and en else ja)
    for code, ja, en in disaster.declarable_scopes(engine, actor)
    if code not in {d.scope_code for d in active}
}
if scopes:
    with st.form("declare"):
        st.subheader(t("disaster.declare_heading"))
        level = st.segmented_control(
            t("disaster.level"),
            disaster.LEVELS,
            default=disaster.LEVELS[0],
            format_func=lambda v: t(f"disaster.level.{v}"),
        )
        scope = st.selectbox(t("disaster.scope"), list(scopes), format_func=scopes.get)
        note = st.text_area(t("disaster.note"), max_chars=disaster.NOTE_MAX)
        st.caption(t("disaster.declare_help"))
        if st.form_submit_button(
            t("disaster.declare"), type="primary", icon=":material/emergency:"
        ):
            confirm.request("declare", (level or disaster.LEVELS[0], scope, note))
    asked = confirm.pending("declare")
    if asked is not None:
        level, scope, note = asked
        question = t("confirm.declare", level=t(f"disaster.level.{level}"), area=scopes[scope])
        if confirm.ask("declare", question, t("confirm.declare_yes"), what=asked):
            run(
                disaster.declare_disaster,
                submission_id=state.submission_id(f"declare:{scope}"),
                level=level,
                scope_code=scope,
                note=note,
                lang=lang,
            )

ended = [d for d in declarations if d.ended_at is not None]
if ended:
    with st.expander(t("disaster.history")):
        for d in ended:
            st.caption(
                t(
                    "disaster.ended_line",
                    level=t(f"disaster.level.{d.level}"),
                    area=d.scope_name(lang),
                    start=local_time(d.declared_at, with_date=True),
                    end=local_time(d.ended_at, with_date=True),
                )
            )

st.header(t("drill.heading"))
history = modes.list_drills(engine)
running = next((d for d in history if d.ended_at is None), None)
if running is not None:
    st.warning(t("drill.running", name=plain(running.name), since=local_time(running.started_at)))
    if st.button(t("drill.end"), icon=":material/stop_circle:"):
        confirm.request("end_drill")
    question = t("confirm.end_drill", name=plain(running.name))
    if confirm.ask("end_drill", question, t("confirm.end_yes")):
        run(modes.end_drill)
else:
    with st.form("start_drill"):
        name = st.text_input(t("drill.name"), max_chars=modes.NAME_MAX)
        st.caption(t("drill.start_help"))
        if st.form_submit_button(t("drill.start"), icon=":material/school:"):
            run(modes.start_drill, name=name)
    uncleared = [d for d in history if d.cleared_at is None]
    if uncleared:
        st.caption(t("drill.uncleared", names="・".join(plain(d.name) for d in uncleared)))
        confirm = st.checkbox(t("drill.clear_confirm"))
        if st.button(t("drill.clear"), icon=":material/delete_sweep:", disabled=not confirm):
            run(modes.clear_drill_data)
