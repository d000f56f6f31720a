"""Per-browser-session state: the engine (one per process), the logged-in actor and the language."""

from __future__ import annotations

import functools
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from dashboard.domain import Actor, Role
from dashboard.errors import StorageUnavailable
from dashboard.i18n import translate
from dashboard.services import accounts, demo
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import make_engine
from dashboard.storage.migrate import upgrade_head
from dashboard.web import SESSION_COOKIE, SESSION_PATH, issue_handover

ACTOR_KEY = "actor"
LANG_KEY = "lang"
TOKEN_KEY = "session_token"
# A cookie value waiting to be written into the browser ("" clears the cookie).
COOKIE_KEY = "session_cookie_pending"

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def get_engine() -> Engine:
    """The process's engine, with the schema migrated and, in demo mode, the demo city seeded."""
    settings = get_settings()
    engine = make_engine(settings.resolved_database_url)
    upgrade_head(engine)
    if settings.demo_mode:
        demo.ensure_demo(engine, disaster=True)
    return engine


def settings() -> Settings:
    return get_settings()


def current_actor() -> Actor | None:
    return st.session_state.get(ACTOR_KEY)


def log_in(actor: Actor, token: str) -> None:
    """Remember the login in this browser session, and in a cookie for page reloads."""
    st.session_state[ACTOR_KEY] = actor
    st.session_state[TOKEN_KEY] = token
    st.session_state[COOKIE_KEY] = token


def resume_login(engine: Engine) -> Actor | None:
    """After a page reload: the login of the session cookie, if it is still live."""
    token = st.context.cookies.get(SESSION_COOKIE, "")
    # Outside a browser (AppTest) there are no real cookies.
    actor = accounts.resume_session(engine, token) if isinstance(token, str) and token else None
    if actor is not None:
        st.session_state[ACTOR_KEY] = actor
        st.session_state[TOKEN_KEY] = token
    return actor


def login_still_valid(engine: Engine, actor: Actor) -> bool:
    """False once this login was ended elsewhere (logout in another tab, a password reset, a
    deactivation or a role change): one indexed query, on every run of a page."""
    token = st.session_state.get(TOKEN_KEY)
    return not token or accounts.session_valid(engine, token, actor)


# What a database outage looks like to the pages: ``StorageUnavailable`` from the storage layer's
# units of work, or a driver error raised outside one (the engine's start-up, a pool timeout).
OUTAGE_ERRORS = (StorageUnavailable, DBAPIError, PoolTimeout)


@contextmanager
def outage_guard() -> Iterator[None]:
    """THE outage handler of the app: a database outage inside the block shows one notice (no
    traceback, no driver, host or file name) and the rest of the page goes on; the next run
    recovers by itself once the database is back.

    The shell runs its sidebar, banners and page inside it; a fragment reruns on its own,
    outside the shell's blocks, so every fragment is made with ``fragment`` below, which runs
    it inside this same guard (tests/dashboard/pages/test_outage_everywhere.py walks every page
    of every role and the no-login pages with the database cut, and checks that no page calls
    ``st.fragment`` itself).
    """
    try:
        yield
    except OUTAGE_ERRORS as exc:
        if not isinstance(exc, StorageUnavailable):
            log.warning("database error outside a unit of work: %s", type(exc).__name__)
        st.warning(t("app.db_offline_notice"), icon=":material/cloud_off:")


# Kept for the pages that still name it: the same guard.
storage_notice = outage_guard


def fragment(func: Callable | None = None, *, run_every: float | None = None):
    """``st.fragment`` whose every run (also the ones the browser asks for on its own) goes
    through ``outage_guard``. Use as ``@state.fragment(run_every=5)`` or ``fragment(f)``."""

    def make(func: Callable):
        @functools.wraps(func)
        def guarded(*args, **kwargs):
            with outage_guard():
                return func(*args, **kwargs)

        return st.fragment(guarded, run_every=run_every)

    return make(func) if func is not None else make


def log_out(engine: Engine) -> None:
    """End the login everywhere (the cookie's token stops working) and forget the session."""
    accounts.end_session(engine, st.session_state.get(TOKEN_KEY, ""))
    for key in list(st.session_state.keys()):
        if key != LANG_KEY:
            del st.session_state[key]
    st.session_state[COOKIE_KEY] = ""


def write_session_cookie() -> None:
    """Set (or clear) the session cookie when a login or logout asked for it. The token never
    enters the page: the page gets a one-time code (``web.issue_handover``), posts it to
    ``POST /session``, whose answer sets the cookie ``HttpOnly``, and removes its script."""
    if COOKIE_KEY not in st.session_state:
        return
    code = issue_handover(st.session_state.pop(COOKIE_KEY))
    body = json.dumps(json.dumps({"code": code}))
    st.html(
        "<script>(function () { const me = document.currentScript; "
        f"fetch({json.dumps(SESSION_PATH)}, {{method: 'POST', credentials: 'same-origin', "
        f"headers: {{'Content-Type': 'application/json'}}, body: {body}}}); "
        "if (me) { me.remove(); } })();</script>",
        unsafe_allow_javascript=True,
    )


def lang() -> str:
    """The session's language ("ja" or "en"); the settings' default until the user switches."""
    if st.session_state.get(LANG_KEY) not in ("ja", "en"):
        st.session_state[LANG_KEY] = get_settings().default_language
    return st.session_state[LANG_KEY]


def t(key: str, /, **params: object) -> str:
    """Translate ``key`` into the session's language."""
    return translate(key, lang(), **params)


# A department's users hold the ward roles (the services treat them alike); people read them as
# the department's head and staff.
DEPARTMENT_ROLE_KEYS = {
    Role.WARD_HEAD: "role.department_head",
    Role.WARD_STAFF: "role.department_staff",
}


def role_label(role: str, *, department: bool = False) -> str:
    """A role as people read it: 部局長/部局職員 for the ward roles held in a department."""
    key = DEPARTMENT_ROLE_KEYS.get(Role(role)) if department else None
    return t(key or f"role.{role}")


def submission_id(form_key: str) -> str:
    """A stable id for one filling-in of a form: a double click or a retry sends the same id.

    Call ``new_submission_id(form_key)`` after a successful save to start a fresh one.
    """
    key = f"submission:{form_key}"
    if key not in st.session_state:
        st.session_state[key] = uuid.uuid4().hex
    return st.session_state[key]


def new_submission_id(form_key: str) -> None:
    st.session_state.pop(f"submission:{form_key}", None)


# Characters with a meaning in Markdown; escaped in user text so it shows as typed.
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str | None) -> str:
    """User text made safe for ``st.markdown``-based elements: shown literally, never as markup."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", text or "")


def message(key: str, params: dict) -> str:
    """A service message in the user's language, for Markdown-based elements (``st.error``):
    the texts are ours, the values in them (an address someone typed) are shown literally."""
    return translate(
        key, lang(), **{k: plain(v) if isinstance(v, str) else v for k, v in params.items()}
    )


def show_error(exc) -> None:
    """Show a service error in the user's language (field messages one per line)."""
    fields = getattr(exc, "fields", None)
    if fields:
        st.error("\n\n".join(message(k, p) for k, p in fields.values()))
    else:
        st.error(message(exc.key, exc.params))


def show_field_errors(error: Exception | None, *names: str) -> None:
    """Under a form field: the messages a ``ValidationFailed`` holds for ``names``, if any."""
    fields = getattr(error, "fields", None) or {}
    for name in names:
        if name in fields:
            key, params = fields[name]
            st.error(message(key, params), icon=":material/error:")
