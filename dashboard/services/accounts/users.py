"""Accounts: creating them, setting passwords, changing role or activity, listing them.

Administration never lets a role take over an equal or higher one: an administrator acts only on
accounts of a lower rank (governor > mayor > crisis admin > the rest) inside their scope, and
creates only accounts of a lower rank. A crisis admin cannot set the mayor's password; a mayor
cannot create a governor. Everyone may set their own password. A new password, a deactivation or
a role change ends every open login of that user.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.clock import utcnow
from dashboard.domain import SYSTEM, Actor, Role
from dashboard.errors import NotFound, PermissionDenied, ValidationFailed
from dashboard.services.accounts.logins import USERNAME_MAX
from dashboard.services.accounts.passwords import check_password, hash_password, verify_password
from dashboard.services.accounts.sessions import actor_for, end_user_sessions
from dashboard.services.areas import require_in_scope, require_role, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.gate import allows_one_time_password
from dashboard.services.inputs import clean_fields
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import Jurisdiction, User

# Roles that administer accounts.
ADMIN_ROLES = (Role.GOVERNOR, Role.MAYOR, Role.CRISIS_ADMIN)
# Rank per role: an administrator acts only on accounts of a strictly lower rank.
ROLE_RANK = {Role.GOVERNOR: 3, Role.MAYOR: 2, Role.CRISIS_ADMIN: 1}
# Longest display name and e-mail address (the columns' lengths).
DISPLAY_NAME_MAX = 100
EMAIL_MAX = 254
# Longest LINE WORKS user id (the column holds 100).
LINEWORKS_ID_MAX = 100
# A user name: printable, no spaces or control characters.
_USERNAME = re.compile(r"[^\s\x00-\x1f\x7f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")


def _rank(role: Role | str) -> int:
    return ROLE_RANK.get(Role(role), 0)


def _require_outranks(actor: Actor, role: Role | str) -> None:
    """Refuse unless ``actor`` ranks above ``role`` (the system, i.e. the CLI, always does)."""
    if actor is not SYSTEM and _rank(actor.role) <= _rank(role):
        raise PermissionDenied()


def _texts(display_name: str | None, email: str | None) -> dict[str, str]:
    values = clean_fields(
        {
            "display_name": (display_name, DISPLAY_NAME_MAX, False),
            "email": (email, EMAIL_MAX, False),
        }
    )
    if values["email"] and "@" not in values["email"]:
        raise ValidationFailed({"email": ("user.email_invalid", {})})
    return values


def create_user(
    engine: Engine,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    role: Role | str,
    jurisdiction_code: str,
    password: str,
    email: str | None = None,
    lineworks_user_id: str | None = None,
) -> int:
    """Create an account of a lower rank inside the actor's scope; returns its id. The password
    an administrator chose is a one-time password (the CLI's, ``SYSTEM``, is not).
    ``lineworks_user_id`` links it to a LINE WORKS user at once (one id per account)."""
    require_role(actor, ADMIN_ROLES)
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    username = (username or "").strip()
    if len(username) > USERNAME_MAX or not _USERNAME.fullmatch(username):
        problems["username"] = ("user.username_invalid", {})
    try:
        role = Role(role)
    except ValueError:
        problems["role"] = ("user.role_invalid", {"roles": ", ".join(r.value for r in Role)})
    texts: dict[str, str] = {}
    for check in (
        lambda: check_password(password),
        lambda: texts.update(_texts(display_name, email)),
    ):
        try:
            check()
        except ValidationFailed as exc:
            problems.update(exc.fields)
    if problems:
        raise ValidationFailed(problems)
    _require_outranks(actor, role)
    with transaction(engine) as session:
        if session.get(Jurisdiction, jurisdiction_code) is None:
            raise ValidationFailed(
                {"jurisdiction": ("user.jurisdiction_unknown", {"code": jurisdiction_code})}
            )
        require_in_scope(session, actor, [jurisdiction_code])
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise ValidationFailed({"username": ("user.username_taken", {"username": username})})
        linked = _check_lineworks_id(session, None, lineworks_user_id or "")
        user = User(
            username=username,
            display_name=texts["display_name"] or username,
            role=role.value,
            jurisdiction_code=jurisdiction_code,
            password_hash=hash_password(password),
            email=texts["email"] or None,
            lineworks_user_id=linked,
            must_change_password=actor is not SYSTEM,
        )
        session.add(user)
        session.flush()
        record_audit(
            session,
            actor,
            AuditAction.USER_CREATED,
            entity="user",
            entity_id=user.id,
            detail={
                "username": username,
                "role": role.value,
                "jurisdiction": jurisdiction_code,
                **({"lineworks_user_id": linked} if linked else {}),
            },
        )
        return user.id


def _administered(session: Session, actor: Actor, username: str) -> User:
    """The account ``username`` if ``actor`` may administer it (their own always)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("user.not_found", username=username)
    if actor is not SYSTEM and actor.user_id != user.id:
        require_role(actor, ADMIN_ROLES)
        require_in_scope(session, actor, [user.jurisdiction_code])
        _require_outranks(actor, user.role)
    return user


def set_password(
    engine: Engine, actor: Actor, *, username: str, password: str, now: datetime | None = None
) -> None:
    """Set a new password and end every open login of the account (a stolen token dies with the
    old password): the user themself, or an administrator of a higher rank over their scope.

    A password an administrator sets for someone else is a one-time password: that user must set
    their own at the next login (``change_own_password``). The CLI (``SYSTEM``) leaves the flag.
    """
    check_password(password)
    with transaction(engine) as session:
        user = _administered(session, actor, username)
        user.password_hash = hash_password(password)
        if actor is not SYSTEM:
            user.must_change_password = actor.user_id != user.id
        ended = end_user_sessions(session, user.id, now or utcnow())
        record_audit(
            session,
            actor,
            AuditAction.USER_PASSWORD_SET,
            entity="user",
            entity_id=user.id,
            detail={"sessions_ended": ended, "one_time": user.must_change_password},
        )


@allows_one_time_password
def change_own_password(
    engine: Engine,
    actor: Actor,
    *,
    current: str,
    new: str,
    now: datetime | None = None,
) -> Actor:
    """The logged-in user sets their own password (after a one-time password, the only thing
    they may do): the current one must be right and the new one different. Ends every open login
    of the account; returns the actor to start a new login with (no longer bound to change)."""
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    try:
        check_password(new)
    except ValidationFailed as exc:
        problems.update(exc.fields)
    if new and new == current:
        problems["password"] = ("user.password_unchanged", {})
    with transaction(engine) as session:
        user = session.get(User, actor.user_id) if actor.user_id is not None else None
        if user is None or not user.active:
            raise PermissionDenied()
        if not verify_password(user.password_hash, current or ""):
            problems = {"current": ("user.password_wrong", {}), **problems}
        if problems:
            raise ValidationFailed(problems)
        user.password_hash = hash_password(new)
        user.must_change_password = False
        ended = end_user_sessions(session, user.id, now or utcnow())
        record_audit(
            session,
            actor,
            AuditAction.USER_PASSWORD_SET,
            entity="user",
            entity_id=user.id,
            detail={"sessions_ended": ended, "own": True},
        )
        return actor_for(user)


def update_user(
    engine: Engine,
    actor: Actor,
    *,
    username: str,
    role: Role | str | None = None,
    active: bool | None = None,
    display_name: str | None = None,
    email: str | None = None,
    lineworks_user_id: str | None = None,
    now: datetime | None = None,
) -> None:
    """Change an account of a lower rank (``None`` leaves a field as it is). A role change or a
    deactivation ends every open login of the account, so it cannot keep the old rights.
    ``lineworks_user_id`` links the account to a LINE WORKS user ("" unlinks it): the bot then
    acts as this account for that user; one LINE WORKS id belongs to one account."""
    if actor is not SYSTEM:
        require_role(actor, ADMIN_ROLES)
    try:
        new_role = Role(role) if role is not None else None
    except ValueError:
        raise ValidationFailed(
            {"role": ("user.role_invalid", {"roles": ", ".join(r.value for r in Role)})}
        ) from None
    texts = _texts(display_name, email)
    with transaction(engine) as session:
        user = _administered(session, actor, username)
        if actor is not SYSTEM and actor.user_id == user.id and (new_role or active is not None):
            raise PermissionDenied()  # nobody raises or switches off their own account
        changes: dict[str, object] = {}
        if new_role is not None and new_role.value != user.role:
            _require_outranks(actor, new_role)
            user.role = changes["role"] = new_role.value
        if active is not None and active != user.active:
            user.active = changes["active"] = active
        if display_name is not None and texts["display_name"] != user.display_name:
            user.display_name = changes["display_name"] = texts["display_name"] or user.username
        if email is not None and (texts["email"] or None) != user.email:
            user.email = changes["email"] = texts["email"] or None
        if lineworks_user_id is not None:
            linked = _check_lineworks_id(session, user, lineworks_user_id)
            if linked != user.lineworks_user_id:
                user.lineworks_user_id = changes["lineworks_user_id"] = linked
        if not changes:
            return
        if "role" in changes or "active" in changes:
            changes["sessions_ended"] = end_user_sessions(session, user.id, now or utcnow())
        record_audit(
            session,
            actor,
            AuditAction.USER_UPDATED,
            entity="user",
            entity_id=user.id,
            detail=changes,
        )


def _check_lineworks_id(session: Session, user: User | None, value: str) -> str | None:
    """The cleaned id ("" -> None) for ``user`` (None: an account being created); refused when
    malformed or already another account's."""
    value = value.strip()
    if len(value) > LINEWORKS_ID_MAX or any(c.isspace() or not c.isprintable() for c in value):
        problem = ("user.lineworks_id_invalid", {"maximum": LINEWORKS_ID_MAX})
        raise ValidationFailed({"lineworks_user_id": problem})
    if not value:
        return None
    holders = select(User.username).where(User.lineworks_user_id == value)
    if user is not None:
        holders = holders.where(User.id != user.id)
    other = session.scalar(holders)
    if other is not None:
        raise ValidationFailed({"lineworks_user_id": ("user.lineworks_id_taken", {})})
    return value


def list_users(engine: Engine, actor: Actor) -> list[User]:
    """Accounts in the actor's scope (admins only)."""
    require_role(actor, ADMIN_ROLES)
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        users = session.scalars(select(User).order_by(User.username)).all()
        return [u for u in users if u.jurisdiction_code in scope]


def demo_warning(actor: Actor | None, settings: Settings | None = None) -> bool:
    """Whether ``actor`` must be warned that demo mode is on: it lists demo accounts with a
    published password at login, so a real install turns it off. Shown to administrators."""
    settings = settings or get_settings()
    return bool(settings.demo_mode and actor is not None and actor.role in ADMIN_ROLES)
