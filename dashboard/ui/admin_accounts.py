"""The accounts tab of the administration page: the list, a new account, a new password, and a
change of role or activity. The services refuse what the actor may not do (a higher or equal
role, another scope); the forms keep what was typed."""

from __future__ import annotations

import streamlit as st

from dashboard.domain import Actor, Role
from dashboard.services import accounts
from dashboard.timefmt import format_time
from dashboard.ui.admin_forms import save
from dashboard.ui.chrome import plain
from dashboard.ui.state import role_label, t

# Widgets the forms empty after a save.
CREATE_KEYS = (
    "new_username",
    "new_display_name",
    "new_lineworks",
    "new_password",
    "new_password2",
)
PASSWORD_KEYS = ("reset_password", "reset_password2")


def user_table(
    user_rows, areas: dict[str, str], lang: str, departments: frozenset[str] = frozenset()
) -> None:
    """The accounts; ``departments``: codes of the departments (部局), whose roles read 部局長/…"""
    st.dataframe(
        [
            {
                t("admin.col.username"): u.username,
                t("admin.col.display_name"): u.display_name,
                t("admin.col.role"): role_label(
                    u.role, department=u.jurisdiction_code in departments
                ),
                t("admin.col.area"): areas.get(u.jurisdiction_code, u.jurisdiction_code),
                t("admin.col.lineworks"): u.lineworks_user_id or "",
                t("admin.col.status"): "" if u.active else t("admin.inactive"),
                t("admin.col.last_login"): format_time(u.last_login_at, lang, date=True),
            }
            for u in user_rows
        ],
        hide_index=True,
        width="stretch",
    )


def create_form(areas: dict[str, str]) -> None:
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
        lineworks = _lineworks_input("new_lineworks")
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
                    lineworks_user_id=lineworks,
                )


def password_form(user_rows) -> None:
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


def change_form(user_rows, actor: Actor, departments: frozenset[str] = frozenset()) -> None:
    """Role and activity of another account; both end its open logins."""
    others = {u.username: u for u in user_rows if u.id != actor.user_id}
    if not others:
        return
    st.subheader(t("admin.change_heading"))
    st.caption(t("admin.change_help"))
    # Outside the form, so that choosing an account reruns and the fields show its values.
    chosen = st.selectbox(t("admin.user"), list(others), key="change_username")
    user = others[chosen]
    with st.form("admin_change_user", clear_on_submit=False):
        role = st.selectbox(
            t("admin.role"),
            list(Role),
            index=list(Role).index(Role(user.role)),
            format_func=lambda r: role_label(r, department=user.jurisdiction_code in departments),
            key=f"change_role_{user.id}",
        )
        active = st.checkbox(t("admin.active"), value=user.active, key=f"change_active_{user.id}")
        lineworks = _lineworks_input(f"change_lineworks_{user.id}", user.lineworks_user_id)
        if st.form_submit_button(t("admin.change"), icon=":material/manage_accounts:"):
            save(
                accounts.update_user,
                t("admin.changed", username=plain(chosen)),
                (),
                username=chosen,
                role=role,
                active=active,
                # Only a changed id is checked: a role change never trips over an old link.
                lineworks_user_id=(
                    lineworks if lineworks.strip() != (user.lineworks_user_id or "") else None
                ),
            )


def _lineworks_input(key: str, current: str | None = None) -> str:
    """The account's LINE WORKS user id (empty: not linked); the bot acts as the account for it."""
    return st.text_input(
        t("admin.lineworks_id"),
        current or "",
        help=t("admin.lineworks_id_help"),
        key=key,
    )


def accounts_tab(
    user_rows,
    areas: dict[str, str],
    actor: Actor,
    lang: str,
    departments: frozenset[str] = frozenset(),
) -> None:
    user_table(user_rows, areas, lang, departments)
    create_form(areas)
    password_form(user_rows)
    change_form(user_rows, actor, departments)
