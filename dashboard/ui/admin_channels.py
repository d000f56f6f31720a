"""The channels tab of the administration page: external delivery targets per area (LINE WORKS
rooms, e-mail addresses, webhooks), switched on and off, and added."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from dashboard.channels import CHANNELS
from dashboard.domain import Actor
from dashboard.errors import ServiceError
from dashboard.services import delivery
from dashboard.ui import state
from dashboard.ui.admin_forms import save
from dashboard.ui.state import t

# An error of the last channel switch (raised in its callback, shown in the run after it).
SWITCH_ERROR = "admin_switch_error"
CHANNEL_KEYS = ("channel_value", "channel_secret_name", "channel_option")
# Separators accepted between e-mail addresses (Japanese keyboards type 、 and ，).
ADDRESS_SEPARATORS = re.compile(r"[,、，;\s]+")


@dataclass(frozen=True)
class ChannelForm:
    """The fields of one channel kind, and how they become the target config:
    ``build(address, secret_name, option)``."""

    field_key: str
    build: Callable[[str, str, bool], dict]
    secret_name: bool = False
    # Label of a checkbox for the kind's one option, if it has one.
    option_key: str | None = None


def _lineworks(room: str, _: str, in_room: bool) -> dict:
    # In the room: 了解 is posted there and comes back through the bot callback (dashboard/web.py).
    return {"channel_id": room.strip(), **({"ack_action": "message"} if in_room else {})}


def _webhook(url: str, secret_name: str, _: bool) -> dict:
    return {"url": url.strip(), **({"secret_name": secret_name.strip()} if secret_name else {})}


# One entry per channel kind of dashboard.channels (see each validate_target).
CHANNEL_FORMS: dict[str, ChannelForm] = {
    "lineworks": ChannelForm(
        "admin.channel.lineworks_field", _lineworks, option_key="admin.channel.lineworks_in_room"
    ),
    "email": ChannelForm(
        "admin.channel.email_field",
        lambda value, _, __: {"to": [a for a in ADDRESS_SEPARATORS.split(value) if a]},
    ),
    "webhook": ChannelForm("admin.channel.webhook_field", _webhook, secret_name=True),
}


def _switch(target_id: int) -> None:
    ss = st.session_state
    try:
        delivery.set_channel_target_enabled(
            state.get_engine(), state.current_actor(), target_id, ss[f"channel_on_{target_id}"]
        )
    except ServiceError as exc:
        ss[SWITCH_ERROR] = exc


def target_list(targets, areas: dict[str, str]) -> None:
    for target in targets:
        cells = st.columns([3, 2, 6, 2], vertical_alignment="center")
        cells[0].text(areas.get(target.jurisdiction_code, target.jurisdiction_code))
        cells[1].text(t(f"admin.channel.{target.kind}"))
        cells[2].text(json.dumps(target.config, ensure_ascii=False))
        # The switch shows the stored state; only a click (the callback) changes it.
        st.session_state[f"channel_on_{target.id}"] = target.enabled
        cells[3].toggle(
            t("admin.col.enabled"),
            key=f"channel_on_{target.id}",
            on_change=_switch,
            args=(target.id,),
        )


def add_form(areas: dict[str, str], actor: Actor) -> None:
    st.subheader(t("admin.channel_add_heading"))
    kinds = [kind for kind in CHANNEL_FORMS if kind in CHANNELS]
    kind = st.segmented_control(
        t("admin.channel_kind"),
        kinds,
        default=kinds[0],
        format_func=lambda k: t(f"admin.channel.{k}"),
        key="channel_kind",
    )
    form = CHANNEL_FORMS[kind or kinds[0]]
    with st.form("admin_add_channel", clear_on_submit=False):
        code = st.selectbox(
            t("admin.area"),
            [c for c in areas if c != actor.jurisdiction_code],
            format_func=areas.get,
            key="channel_area",
        )
        value = st.text_input(t(form.field_key), key="channel_value")
        secret_name = (
            st.text_input(t("admin.channel.secret_name"), key="channel_secret_name")
            if form.secret_name
            else ""
        )
        option = bool(
            form.option_key
            and st.checkbox(
                t(form.option_key), key="channel_option", help=t(f"{form.option_key}_help")
            )
        )
        st.caption(t("admin.channels_secrets"))
        if st.form_submit_button(t("admin.channel_add"), icon=":material/add:"):
            save(
                delivery.add_channel_target,
                t("admin.channel_added"),
                CHANNEL_KEYS,
                jurisdiction_code=code,
                kind=kind or kinds[0],
                config=form.build(value, secret_name, option),
            )


def channels_tab(engine, actor: Actor, areas: dict[str, str]) -> None:
    st.caption(t("admin.channels_help"))
    if error := st.session_state.pop(SWITCH_ERROR, None):
        state.show_error(error)
    targets = delivery.list_channel_targets(engine, actor)
    if not targets:
        st.info(t("admin.channels_none"))
    target_list(targets, areas)
    add_form(areas, actor)
