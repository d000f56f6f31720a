"""The page registry: which pages exist, in which section, and for which roles."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from sqlalchemy import Engine

from dashboard.domain import Actor, Role
from dashboard.errors import StorageUnavailable
from dashboard.services import areas
from dashboard.ui.state import t

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"
EVERYONE = frozenset(Role)
COMMAND = frozenset({Role.GOVERNOR, Role.MAYOR, Role.CRISIS_ADMIN})
WARD = frozenset({Role.WARD_HEAD, Role.WARD_STAFF})


@dataclass(frozen=True)
class PageSpec:
    file: str
    title_key: str
    icon: str
    section_key: str
    roles: frozenset[Role]
    default: bool = False
    # Reached by link only (not listed in the menu), e.g. the acknowledgement page.
    hidden: bool = False
    # Listed for users whose home is a department (部局)? Not for ward data they cannot write.
    departments: bool = True


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "home.py", "nav.home", ":material/home:", "nav.section.situation", EVERYONE, default=True
    ),
    PageSpec("map.py", "nav.map", ":material/map:", "nav.section.situation", EVERYONE),
    PageSpec(
        "shelters.py",
        "nav.shelters",
        ":material/night_shelter:",
        "nav.section.reporting",
        COMMAND | WARD,
        departments=False,
    ),
    PageSpec(
        "damage.py",
        "nav.damage",
        ":material/report:",
        "nav.section.reporting",
        COMMAND | WARD,
        departments=False,
    ),
    PageSpec("review.py", "nav.review", ":material/fact_check:", "nav.section.reporting", COMMAND),
    PageSpec(
        "directives.py",
        "nav.directives",
        ":material/campaign:",
        "nav.section.command",
        COMMAND | WARD,
    ),
    PageSpec(
        "disaster_mode.py",
        "nav.disaster_mode",
        ":material/emergency:",
        "nav.section.command",
        COMMAND,
    ),
    PageSpec(
        "chronology.py",
        "nav.chronology",
        ":material/timeline:",
        "nav.section.command",
        COMMAND | {Role.WARD_HEAD, Role.VIEWER},
    ),
    PageSpec(
        "sitreports.py",
        "nav.sitreports",
        ":material/summarize:",
        "nav.section.command",
        COMMAND,
    ),
    PageSpec(
        "ward_figures.py",
        "nav.ward_figures",
        ":material/fact_check:",
        "nav.section.reporting",
        frozenset({Role.WARD_HEAD}),
        departments=False,
    ),
    PageSpec(
        "rollcall.py",
        "nav.rollcall",
        ":material/groups:",
        "nav.section.command",
        COMMAND | {Role.WARD_HEAD},
    ),
    PageSpec(
        "admin.py", "nav.admin", ":material/admin_panel_settings:", "nav.section.admin", COMMAND
    ),
    PageSpec(
        "data.py",
        "nav.data",
        ":material/upload_file:",
        "nav.section.admin",
        frozenset({Role.GOVERNOR, Role.MAYOR, Role.CRISIS_ADMIN}),
    ),
    PageSpec(
        "ack.py", "ack.title", ":material/task_alt:", "nav.section.command", EVERYONE, hidden=True
    ),
    PageSpec(
        "rollcall_answer.py",
        "rollcall.answer_title",
        ":material/how_to_reg:",
        "nav.section.command",
        EVERYONE,
        hidden=True,
    ),
)


def home_is_department(engine: Engine, actor: Actor) -> bool:
    """Whether the actor's home is a department (部局); ``False`` while the database is away, so
    an outage shows a page too many (its service refuses writes) rather than breaking the shell."""
    try:
        return areas.is_department(engine, actor.jurisdiction_code)
    except StorageUnavailable:
        return False


def specs_for(actor: Actor, *, department: bool = False) -> list[PageSpec]:
    """The actor's pages. ``department``: the actor's home is a department (部局), whose users
    get no pages for ward data they cannot write."""
    return [
        spec for spec in PAGES if actor.role in spec.roles and (spec.departments or not department)
    ]


def pages_for(actor: Actor, *, department: bool = False) -> dict[str, list]:
    """``st.navigation`` input: the actor's pages (``specs_for``) grouped by translated section."""
    sections: dict[str, list] = {}
    for spec in specs_for(actor, department=department):
        page = st.Page(
            str(PAGES_DIR / spec.file),
            title=t(spec.title_key),
            icon=spec.icon,
            default=spec.default,
            url_path=spec.file.removesuffix(".py"),
            visibility="hidden" if spec.hidden else "visible",
        )
        sections.setdefault(t(spec.section_key), []).append(page)
    return sections


def page_path(file: str) -> str:
    """A page file's path, as ``st.switch_page`` takes it."""
    return str(PAGES_DIR / file)


def go_to(file: str, label: str, icon: str, *, key: str, where=st, **params: str) -> None:
    """A full-width button to another page (``st.page_link`` needs the shell's navigation,
    which page tests run without); ``params`` become the page's query parameters."""
    if where.button(label, icon=icon, key=key, width="stretch"):
        st.switch_page(page_path(file), query_params=params or None)


def ack_page() -> st.Page:
    """The acknowledgement page alone, for someone not logged in who holds a valid link."""
    return st.Page(
        str(PAGES_DIR / "ack.py"), title=t("ack.title"), icon=":material/task_alt:", url_path="ack"
    )


def rollcall_answer_page() -> st.Page:
    """The roll-call answer page alone, for a staff member holding a valid personal link."""
    return st.Page(
        str(PAGES_DIR / "rollcall_answer.py"),
        title=t("rollcall.answer_title"),
        icon=":material/how_to_reg:",
        url_path="rollcall_answer",
    )


def change_password_page() -> st.Page:
    """Setting one's own password, alone: all a user with a one-time password may reach."""
    return st.Page(
        str(PAGES_DIR / "change_password.py"),
        title=t("password.title"),
        icon=":material/key:",
        url_path="change_password",
    )


def login_page() -> st.Page:
    """The login page as a navigation's default (reached at the root URL)."""
    return st.Page(str(PAGES_DIR / "login.py"), title=t("login.title"), icon=":material/login:")
