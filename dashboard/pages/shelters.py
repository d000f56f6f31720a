"""避難所状況: the ward's shelters, one shelter's update, "no change" for all, history, ad-hoc.

The update form remembers the status it was opened with (``<form>.base``); a newer update that
arrived meanwhile is shown and the user decides. Buttons work through callbacks, which run before
the page renders, so messages appear next to their fields and nothing typed is lost.
"""

import streamlit as st

from dashboard.errors import ServiceError
from dashboard.services import areas, shelters
from dashboard.ui import exports as ui_exports
from dashboard.ui import state
from dashboard.ui.forms import form_values, pick_on_map
from dashboard.ui.shelter_forms import (
    adhoc_fields,
    shelter_table,
    state_label,
    status_editor,
    status_history,
)
from dashboard.ui.state import plain, t

FLASH, NO_CHANGE, ADHOC, PICK = "shelters.flash", "shelters.no_change", "adhoc", "shelters.pick"

engine = state.get_engine()
actor = state.current_actor()
lang = state.lang()
ss = st.session_state


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
            form=form_values(p, shelters.STATUS_FORM_FIELDS),
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
            form=form_values(ADHOC, shelters.ADHOC_FORM_FIELDS),
        )
    except ServiceError as exc:
        ss[f"{ADHOC}.errors"] = exc
        return
    state.new_submission_id(ADHOC)
    for name in (*shelters.ADHOC_FORM_FIELDS, "errors", "click", "open"):
        ss.pop(f"{ADHOC}.{name}", None)
    ss[PICK] = shelter_id
    ss[FLASH] = t("adhoc.saved")


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
search = st.text_input(t("shelter.search"), key="shelters.search", placeholder="🔍")
views = (
    shelters.list_shelters(engine, actor, ward_code=ward, search=search) if search else everything
)
shelter_table(views, lang)
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
    if f"shelter.{picked}.base" not in ss:
        load_form(by_id[picked])
    status_editor(
        by_id[picked],
        lang,
        save=save,
        take_theirs=lambda: load_form(shelters.get_shelter(engine, actor, picked)),
    )
    if st.toggle(t("shelter.show_history"), key=f"shelter.{picked}.history"):
        status_history(shelters.shelter_history(engine, actor, picked), lang)

# --- 臨時避難所: located by a tap on a small map or typed coordinates ------------------------
if st.toggle(t("adhoc.open"), key=f"{ADHOC}.open", persist_state="session"):
    pick_on_map(
        areas.map_base(engine, actor),
        lang,
        coords_key=f"{ADHOC}.coordinates",
        click_key=f"{ADHOC}.click",
        map_key=f"{ADHOC}.map",
        height=240,
    )
    adhoc_fields(ADHOC, ss.get(f"{ADHOC}.errors"))
    st.button(t("adhoc.submit"), type="primary", width="stretch", on_click=register_adhoc)

# The running shelters' table as a file (開設状況・避難者数・混雑度 …), last: it is for the office.
ui_exports.shelter_status_download(engine, actor)
