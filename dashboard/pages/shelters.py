"""避難所状況: the ward's shelters, one shelter's update, "no change" for all, history, ad-hoc.

The update form remembers the status it was opened with (``<form>.base``); a newer update that
arrived meanwhile is shown and the user decides. Buttons work through callbacks, which run before
the page renders, so messages appear next to their fields and nothing typed is lost.
"""

from datetime import UTC, datetime

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import timefmt
from dashboard.domain import Need, ShelterState
from dashboard.errors import ServiceError
from dashboard.services import areas, shelters
from dashboard.services.inputs import InputError, parse_coordinates
from dashboard.ui import exports as ui_exports
from dashboard.ui import state
from dashboard.ui.chrome import plain
from dashboard.ui.map_assets import picker_map
from dashboard.ui.state import show_field_errors, t

FLASH, NO_CHANGE, ADHOC, PICK = "shelters.flash", "shelters.no_change", "adhoc", "shelters.pick"
# Markdown's special characters, escaped in user text (shelter names, people) shown in messages.

engine = state.get_engine()
actor = state.current_actor()
lang = state.lang()
ss = st.session_state


def form_of(prefix: str, names) -> dict:
    return {name: ss.get(f"{prefix}.{name}") for name in names}


def load_form(view: shelters.ShelterView) -> None:
    p = f"shelter.{view.id}"
    ss.update({f"{p}.{k}": v for k, v in shelters.status_form(view).items()})
    ss[f"{p}.base"] = view.status_id
    ss.pop(f"{p}.conflict", None)
    ss.pop(f"{p}.errors", None)


def save(shelter_id: int, rebase_to: int | None = None) -> None:
    p = f"shelter.{shelter_id}"
    if rebase_to is not None:
        ss[f"{p}.base"] = rebase_to
    try:
        shelters.submit_status_form(
            engine,
            actor,
            shelter_id=shelter_id,
            submission_id=state.submission_id(p),
            form=form_of(p, shelters.STATUS_FORM_FIELDS),
            opened_status_id=ss[f"{p}.base"],
        )
    except shelters.StatusConflict as exc:
        ss[f"{p}.conflict"] = exc.latest
        ss.pop(f"{p}.errors", None)
        return
    except ServiceError as exc:
        ss[f"{p}.errors"] = exc
        return
    state.new_submission_id(p)
    view = shelters.get_shelter(engine, actor, shelter_id)
    load_form(view)
    ss[FLASH] = t("shelter.saved", name=plain(view.name))


def confirm_all(ward_code: str) -> None:
    try:
        done = shelters.confirm_no_change(
            engine, actor, submission_id=state.submission_id(NO_CHANGE), ward_code=ward_code
        )
    except ServiceError as exc:
        ss[FLASH] = state.message(exc.key, exc.params)
        return
    state.new_submission_id(NO_CHANGE)
    ss[FLASH] = t("shelter.confirmed_all", count=len(done))
    for shelter_id in done:  # their open forms now stand on the confirmation
        ss.pop(f"shelter.{shelter_id}.base", None)


def register_adhoc() -> None:
    try:
        shelter_id = shelters.register_adhoc_form(
            engine,
            actor,
            submission_id=state.submission_id(ADHOC),
            form=form_of(ADHOC, shelters.ADHOC_FORM_FIELDS),
        )
    except ServiceError as exc:
        ss[f"{ADHOC}.errors"] = exc
        return
    state.new_submission_id(ADHOC)
    for name in (*shelters.ADHOC_FORM_FIELDS, "errors", "click", "open"):
        ss.pop(f"{ADHOC}.{name}", None)
    ss[PICK] = shelter_id
    ss[FLASH] = t("adhoc.saved")


def state_label(code: str | None) -> str:
    return t(f"shelter_state.{code}") if code else t("shelter_state.none")


def age_label(at) -> str:
    return timefmt.format_age(at, datetime.now(UTC), lang)


def status_row(entry: shelters.StatusEntry) -> dict:
    """One status report as a table row; user text stays plain (no markdown)."""
    return {
        t("shelter.col.time"): timefmt.format_time(entry.reported_at, lang, date=True),
        t("shelter.col.state"): state_label(entry.state),
        t("shelter.evacuees"): entry.evacuees,
        t("shelter.households"): entry.households,
        t("shelter.needs"): ", ".join(t(f"need.{n}") for n in entry.needs),
        t("shelter.note"): entry.note or "",
        t("shelter.col.kind"): t("shelter.unchanged") if entry.confirmation else "",
        t("shelter.col.by"): entry.reported_by or "-",
    }


def general_error(error) -> None:
    if error is not None:
        st.error(state.message(error.key, error.params), icon=":material/error:")


st.title(t("nav.shelters"))
if flash := ss.pop(FLASH, None):
    st.success(flash, icon=":material/check_circle:")
    st.toast(flash, icon=":material/check_circle:")  # seen on a phone scrolled down to the form
wards = {w.code: w.name(lang) for w in areas.list_areas(engine, actor, level="ward")}
if not wards:
    st.info(t("shelter.no_wards"))
    st.stop()
ward = next(iter(wards))
if len(wards) > 1:
    ward = st.selectbox(t("shelter.ward"), list(wards), format_func=wards.get, key="shelters.ward")

everything = shelters.list_shelters(engine, actor, ward_code=ward)
running = [v for v in everything if v.state in shelters.RUNNING_STATES]
st.button(
    t("shelter.confirm_all", count=len(running), ward=wards[ward]),
    icon=":material/done_all:",
    disabled=not running,
    width="stretch",
    on_click=confirm_all,
    args=(ward,),
)
ui_exports.shelter_status_download(engine, actor)
search = st.text_input(t("shelter.search"), key="shelters.search", placeholder="🔍")
views = (
    shelters.list_shelters(engine, actor, ward_code=ward, search=search) if search else everything
)
st.dataframe(
    [
        {
            t("shelter.col.name"): v.name,
            t("shelter.col.state"): state_label(v.state),
            t("shelter.col.evacuees"): f"{v.evacuees} / "
            + (t("export.capacity.unknown") if v.capacity is None else str(v.capacity)),
            t("shelter.col.age"): age_label(v.updated_at),
        }
        for v in views
    ],
    hide_index=True,
    width="stretch",
    height=min(36 * (len(views) + 1) + 4, 300),
)
by_id = {v.id: v for v in views}
if ss.get(PICK) not in by_id:
    ss.pop(PICK, None)
picked = st.selectbox(
    t("shelter.pick"),
    list(by_id),
    index=None,
    format_func=lambda i: f"{by_id[i].name}（{state_label(by_id[i].state)}）",
    placeholder=t("shelter.pick_placeholder"),
    key=PICK,
)

if picked is not None:
    view, p = by_id[picked], f"shelter.{picked}"
    if f"{p}.base" not in ss:
        load_form(view)
    # What was typed outlives picking another shelter or visiting another page.
    draft = {"persist_state": "session"}
    errors = ss.get(f"{p}.errors")
    with st.container(border=True):
        last = t(
            "shelter.last_report", state=state_label(view.state), age=age_label(view.updated_at)
        )
        capacity = (
            t("shelter.capacity_unknown")
            if view.capacity is None
            else t("shelter.capacity", capacity=view.capacity)
        )
        st.caption(f"{last} · {capacity}")
        st.segmented_control(
            t("shelter.state"),
            list(ShelterState),
            format_func=state_label,
            key=f"{p}.state",
            **draft,
        )
        show_field_errors(errors, "state")
        left, right = st.columns(2)
        left.text_input(t("shelter.evacuees"), key=f"{p}.evacuees", **draft)
        right.text_input(t("shelter.households"), key=f"{p}.households", **draft)
        show_field_errors(errors, "evacuees", "households")
        for hint, params in shelters.status_form_hints(view, form_of(p, ("evacuees", "state"))):
            st.warning(t(hint, **params), icon=":material/warning:")
            if hint == "shelter.suggest_full":
                st.button(
                    t("shelter.make_full"), on_click=ss.update, args=({f"{p}.state": "full"},)
                )
        st.pills(
            t("shelter.needs"),
            list(Need),
            selection_mode="multi",
            format_func=lambda n: t(f"need.{n}"),
            key=f"{p}.needs",
            **draft,
        )
        st.text_area(t("shelter.note"), key=f"{p}.note", height=80, **draft)
        show_field_errors(errors, "needs", "note")
        if (latest := ss.get(f"{p}.conflict")) is not None:
            st.warning(
                t("shelter.conflict", who=plain(latest.reported_by or "-")), icon=":material/sync:"
            )
            st.dataframe([status_row(latest)], hide_index=True)
            keep, take = st.columns(2)
            keep.button(t("shelter.keep_mine"), on_click=save, args=(picked, latest.id))
            take.button(
                t("shelter.take_theirs"),
                on_click=lambda: load_form(shelters.get_shelter(engine, actor, picked)),
            )
        else:
            general_error(errors)
            st.button(
                t("shelter.save"),
                type="primary",
                icon=":material/save:",
                width="stretch",
                on_click=save,
                args=(picked,),
            )
    if st.toggle(t("shelter.show_history"), key=f"{p}.history"):
        history = shelters.shelter_history(engine, actor, picked)
        times = [h.reported_at for h in history]
        chart = pd.DataFrame({"time": times, "evacuees": [h.evacuees for h in history]})
        st.line_chart(chart, x="time", y="evacuees", x_label="", y_label="", height=200)
        st.dataframe([status_row(h) for h in reversed(history)], hide_index=True)

# --- 臨時避難所: located by a tap on a small map or typed coordinates ------------------------
if st.toggle(t("adhoc.open"), key=f"{ADHOC}.open", persist_state="session"):
    draft = {"persist_state": "session"}
    errors = ss.get(f"{ADHOC}.errors")
    try:
        typed = ss.get(f"{ADHOC}.coordinates")
        point = parse_coordinates(typed) if typed else None
    except InputError:
        point = None
    clicked = st_folium(
        picker_map(areas.map_base(engine, actor), point, lang),
        height=240,
        use_container_width=True,
        returned_objects=["last_clicked"],
        key=f"{ADHOC}.map",
    )
    if (click := (clicked or {}).get("last_clicked")) and click != ss.get(f"{ADHOC}.click"):
        ss[f"{ADHOC}.click"] = click
        ss[f"{ADHOC}.coordinates"] = f"{click['lat']:.6f}, {click['lng']:.6f}"
        st.rerun()
    st.text_input(
        t("damage.coordinates"), key=f"{ADHOC}.coordinates", help=t("adhoc.map_help"), **draft
    )
    show_field_errors(errors, "coordinates")
    st.text_input(t("adhoc.name"), key=f"{ADHOC}.name", **draft)
    show_field_errors(errors, "name")
    left, right = st.columns(2)
    left.text_input(t("adhoc.capacity"), key=f"{ADHOC}.capacity", placeholder="0", **draft)
    right.text_input(t("shelter.evacuees"), key=f"{ADHOC}.evacuees", placeholder="0", **draft)
    show_field_errors(errors, "capacity", "evacuees")
    st.text_input(t("adhoc.address"), key=f"{ADHOC}.address", **draft)
    show_field_errors(errors, "address")
    general_error(errors)
    st.button(t("adhoc.submit"), type="primary", width="stretch", on_click=register_adhoc)
