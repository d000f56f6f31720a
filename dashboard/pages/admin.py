"""Accounts, channels and audit log (アカウント・監査) for the command roles.

Every list and change goes through a service, which checks role and scope again: the navigation
only hides this page from other roles. Forms keep what was typed when a service refuses it.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from dashboard.channels import CHANNELS
from dashboard.clock import utcnow
from dashboard.domain import Role
from dashboard.errors import ServiceError
from dashboard.services import accounts, areas, delivery
from dashboard.timefmt import format_time
from dashboard.ui import state
from dashboard.ui.chrome import plain
from dashboard.ui.state import t

# A success message for the next run, and the widget keys to empty before it draws them.
FLASH, RESET = "admin_flash", "admin_reset"
# An error of the last channel switch (raised in its callback, shown in the run after it).
SWITCH_ERROR = "admin_switch_error"
# Widgets of the two account forms.
CREATE_KEYS = ("new_username", "new_display_name", "new_password", "new_password2")
PASSWORD_KEYS = ("reset_password", "reset_password2")
CHANNEL_KEYS = ("channel_value", "channel_secret_name", "channel_option")
# Separators accepted between e-mail addresses (Japanese keyboards type 、 and ，).
ADDRESS_SEPARATORS = re.compile(r"[,、，;\s]+")
# How many audit entries the log shows.
AUDIT_ROWS = 200


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

engine, actor, lang = state.get_engine(), state.current_actor(), state.lang()
ss = st.session_state
st.title(t("nav.admin"))


def save(action, message: str, reset: tuple[str, ...], **kwargs) -> None:
    """Call a service; show its refusal (the form keeps its values), or empty the form, rerun
    and show ``message``."""
    try:
        action(engine, actor, **kwargs)
    except ServiceError as exc:
        state.show_error(exc)
    else:
        ss[FLASH], ss[RESET] = message, reset
        st.rerun()


def switch_channel(target_id: int) -> None:
    try:
        delivery.set_channel_target_enabled(engine, actor, target_id, ss[f"channel_on_{target_id}"])
    except ServiceError as exc:
        ss[SWITCH_ERROR] = exc


for key in ss.pop(RESET, ()):
    ss.pop(key, None)
if message := ss.pop(FLASH, None):
    st.success(message, icon=":material/check_circle:")

try:
    user_rows = accounts.list_users(engine, actor)
except ServiceError as exc:  # hidden from other roles; opened by its URL, the service refuses
    state.show_error(exc)
    st.stop()
areas = {a.code: a.name(lang) for a in areas.list_areas(engine, actor)}
accounts_tab, channels_tab, audit_tab = st.tabs(
    [t("admin.tab.accounts"), t("admin.tab.channels"), t("admin.tab.audit")]
)

with accounts_tab:
    now = utcnow()
    st.dataframe(
        [
            {
                t("admin.col.username"): u.username,
                t("admin.col.display_name"): u.display_name,
                t("admin.col.role"): t(f"role.{u.role}"),
                t("admin.col.area"): areas.get(u.jurisdiction_code, u.jurisdiction_code),
                t("admin.col.locked"): t("admin.locked")
                if u.locked_until and u.locked_until > now
                else "",
                t("admin.col.last_login"): format_time(u.last_login_at, lang, date=True),
            }
            for u in user_rows
        ],
        hide_index=True,
        width="stretch",
    )
    with st.form("admin_create_user", clear_on_submit=False):
        st.subheader(t("admin.create_heading"))
        username = st.text_input(t("admin.username"), max_chars=64, key="new_username")
        display_name = st.text_input(t("admin.display_name"), max_chars=100, key="new_display_name")
        role = st.selectbox(
            t("admin.role"),
            list(Role),
            index=list(Role).index(Role.WARD_STAFF),
            format_func=lambda r: t(f"role.{r}"),
            key="new_role",
        )
        area = st.selectbox(t("admin.area"), list(areas), format_func=areas.get, key="new_area")
        password = st.text_input(t("admin.password"), type="password", key="new_password")
        again = st.text_input(t("admin.password_again"), type="password", key="new_password2")
        if st.form_submit_button(t("admin.create"), type="primary", icon=":material/person_add:"):
            if password != again:
                st.error(t("admin.password_mismatch"))
            else:
                save(
                    accounts.create_user,
                    t("admin.created", username=plain(username.strip())),
                    CREATE_KEYS,
                    username=username,
                    display_name=display_name,
                    role=role,
                    jurisdiction_code=area,
                    password=password,
                )
    with st.form("admin_set_password", clear_on_submit=False):
        st.subheader(t("admin.password_heading"))
        st.caption(t("admin.password_help"))
        chosen = st.selectbox(
            t("admin.user"), [u.username for u in user_rows], key="reset_username"
        )
        password = st.text_input(t("admin.password"), type="password", key="reset_password")
        again = st.text_input(t("admin.password_again"), type="password", key="reset_password2")
        if st.form_submit_button(t("admin.set_password"), icon=":material/key:"):
            if password != again:
                st.error(t("admin.password_mismatch"))
            elif chosen:
                save(
                    accounts.set_password,
                    t("admin.password_set", username=plain(chosen)),
                    PASSWORD_KEYS,
                    username=chosen,
                    password=password,
                )

with channels_tab:
    st.caption(t("admin.channels_help"))
    if error := ss.pop(SWITCH_ERROR, None):
        state.show_error(error)
    targets = delivery.list_channel_targets(engine, actor)
    if not targets:
        st.info(t("admin.channels_none"))
    for target in targets:
        cells = st.columns([3, 2, 6, 2], vertical_alignment="center")
        cells[0].text(areas.get(target.jurisdiction_code, target.jurisdiction_code))
        cells[1].text(t(f"admin.channel.{target.kind}"))
        cells[2].text(json.dumps(target.config, ensure_ascii=False))
        # The switch shows the stored state; only a click (the callback) changes it.
        ss[f"channel_on_{target.id}"] = target.enabled
        cells[3].toggle(
            t("admin.col.enabled"),
            key=f"channel_on_{target.id}",
            on_change=switch_channel,
            args=(target.id,),
        )
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

with audit_tab:
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
