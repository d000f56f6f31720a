"""A ward's home: its tasks on one phone screen, the newest directive first, then 全て変化なし
for the open shelters, each open shelter one tap from its form, and the damage report.

A ward user lands here (the home page is the default page): the routine acts of a disaster's
first hours are each a tap or two from the first screen.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st
from sqlalchemy import Engine

from dashboard.domain import Actor
from dashboard.errors import ServiceError
from dashboard.services import directives, shelters
from dashboard.timefmt import format_age
from dashboard.ui import navigation, state
from dashboard.ui.state import plain, t

# Session keys shared with the shelters page: the shelter its form opens, and its flash line.
SHELTER_PICK, SHELTER_FLASH, NO_CHANGE = "shelters.pick", "home.flash", "shelters.no_change"


def newest_directive(engine: Engine, actor: Actor, now: datetime) -> None:
    """The newest directive not yet acknowledged (or unread), with its text."""
    items = [i for i in directives.list_inbox(engine, actor, limit=10) if i.acknowledged_at is None]
    if not items:
        st.caption(t("home.ward.no_directive"))
        return
    item = items[0]
    with st.container(border=True):
        priority = t(f"channel.priority.{item.priority}")
        st.markdown(t("home.ward.directive", priority=priority, title=plain(item.title),
                      age=format_age(item.issued_at, now, state.lang())))  # fmt: skip
        if item.body:
            st.text(item.body)  # typed by the sender: shown as text, never as markup
        navigation.go_to(
            "directives.py",
            t("inbox.open"),
            ":material/arrow_forward:",
            key="home_directive",
            delivery=str(item.delivery_id),
        )
        if len(items) > 1:
            st.caption(t("home.ward.more_directives", count=len(items) - 1))


def _confirm_all(engine: Engine, actor: Actor, ward_code: str) -> None:
    try:
        done = shelters.confirm_no_change(
            engine, actor, submission_id=state.submission_id(NO_CHANGE), ward_code=ward_code
        )
    except ServiceError as exc:
        st.session_state[SHELTER_FLASH] = state.message(exc.key, exc.params)
        return
    state.new_submission_id(NO_CHANGE)
    st.session_state[SHELTER_FLASH] = t("shelter.confirmed_all", count=len(done))
    for shelter_id in done:  # open forms on the shelters page now stand on the confirmation
        st.session_state.pop(f"shelter.{shelter_id}.base", None)


def _open_shelter(shelter_id: int) -> None:
    st.session_state[SHELTER_PICK] = shelter_id


def open_shelters(engine: Engine, actor: Actor, ward_code: str, ward_name: str, now) -> None:
    """全て変化なし, then each open shelter as a button that opens its form."""
    running = [v for v in shelters.list_shelters(engine, actor, ward_code=ward_code)
               if v.state in shelters.RUNNING_STATES]  # fmt: skip
    st.subheader(t("home.ward.shelters", count=len(running)))
    st.button(
        t("shelter.confirm_all", count=len(running), ward=ward_name),
        icon=":material/done_all:",
        type="primary",
        disabled=not running,
        width="stretch",
        key="home_confirm_all",
        on_click=_confirm_all,
        args=(engine, actor, ward_code),
    )
    for view in running:
        label = t(
            "home.ward.shelter",
            name=plain(view.name),
            state=t(f"shelter_state.{view.state}"),
            evacuees=f"{view.evacuees:,}",
            age=format_age(view.updated_at, now, state.lang()),
        )
        if st.button(label, key=f"home_shelter_{view.id}", width="stretch",
                     on_click=_open_shelter, args=(view.id,)):  # fmt: skip
            st.switch_page(navigation.page_path("shelters.py"))
    if not running:
        icon = ":material/night_shelter:"
        navigation.go_to("shelters.py", t("nav.shelters"), icon, key="home_shelters")


def show(engine: Engine, actor: Actor, now: datetime, *, ward_code: str | None, ward_name: str):
    """``ward_code`` None: the actor's home is a department (directives only)."""
    if flash := st.session_state.pop(SHELTER_FLASH, None):
        st.success(flash, icon=":material/check_circle:")
        st.toast(flash, icon=":material/check_circle:")
    st.subheader(t("home.ward.directives"))
    newest_directive(engine, actor, now)
    if ward_code is None:
        return
    open_shelters(engine, actor, ward_code, ward_name, now)
    navigation.go_to("damage.py", t("home.ward.damage"), ":material/report:", key="home_damage")
