"""Accounts and login: argon2 password hashes, lockout after repeated failures, role checks."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select

from dashboard.domain import SYSTEM, Actor, Role
from dashboard.errors import LoginFailed, NotFound, ValidationFailed
from dashboard.services.areas import require_in_scope, require_role, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import Jurisdiction, LoginSession, User, utcnow

# Shortest password accepted for an account.
MIN_PASSWORD_LENGTH = 8
# Compared against when the user does not exist, so that unknown names take as long as known ones.
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def actor_for(user: User) -> Actor:
    return Actor(user.id, user.username, user.display_name, Role(user.role), user.jurisdiction_code)


def authenticate(
    engine: Engine,
    username: str,
    password: str,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> Actor:
    """Check a login. Repeated failures lock the account for a while, whoever tries.

    Raises ``LoginFailed`` with the same message for an unknown user and a wrong password, so the
    login form does not reveal which user names exist.
    """
    settings = settings or get_settings()
    now = now or utcnow()
    failure: LoginFailed | None = None
    with transaction(engine) as session:
        user = session.scalar(select(User).where(User.username == username.strip()))
        if user is None or not user.active:
            _verify(_DUMMY_HASH, password)
            record_audit(
                session,
                None,
                AuditAction.USER_LOGIN_FAILED,
                entity="user",
                detail={"username": username},
            )
            failure = LoginFailed("login.failed")
        elif user.locked_until is not None and user.locked_until > now:
            minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
            failure = LoginFailed("login.locked", minutes=minutes)
        elif not _verify(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= settings.login_max_failures:
                user.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
                user.failed_logins = 0
                record_audit(
                    session,
                    actor_for(user),
                    AuditAction.USER_LOCKED,
                    entity="user",
                    entity_id=user.id,
                )
                failure = LoginFailed("login.locked", minutes=settings.login_lock_minutes)
            else:
                record_audit(
                    session,
                    actor_for(user),
                    AuditAction.USER_LOGIN_FAILED,
                    entity="user",
                    entity_id=user.id,
                )
                failure = LoginFailed("login.failed")
        else:
            user.failed_logins = 0
            user.locked_until = None
            user.last_login_at = now
            if _HASHER.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            record_audit(
                session,
                actor_for(user),
                AuditAction.USER_LOGGED_IN,
                entity="user",
                entity_id=user.id,
            )
            return actor_for(user)
    # Raised after the commit, so the failure count and lock are stored.
    raise failure


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({"password": ("user.password_short", {"min": MIN_PASSWORD_LENGTH})})


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
) -> int:
    """Create an account inside the actor's scope; returns its id."""
    require_role(actor, (Role.GOVERNOR, Role.MAYOR, Role.CRISIS_ADMIN))
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    username = username.strip()
    if not username or len(username) > 64:
        problems["username"] = ("user.username_invalid", {})
    try:
        role = Role(role)
    except ValueError:
        problems["role"] = ("user.role_invalid", {"roles": ", ".join(r.value for r in Role)})
    try:
        _check_password(password)
    except ValidationFailed as exc:
        problems.update(exc.fields)
    if problems:
        raise ValidationFailed(problems)
    with transaction(engine) as session:
        if session.get(Jurisdiction, jurisdiction_code) is None:
            raise ValidationFailed(
                {"jurisdiction": ("user.jurisdiction_unknown", {"code": jurisdiction_code})}
            )
        require_in_scope(session, actor, [jurisdiction_code])
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise ValidationFailed({"username": ("user.username_taken", {"username": username})})
        user = User(
            username=username,
            display_name=display_name.strip() or username,
            role=role.value,
            jurisdiction_code=jurisdiction_code,
            password_hash=hash_password(password),
            email=email,
        )
        session.add(user)
        session.flush()
        record_audit(
            session,
            actor,
            AuditAction.USER_CREATED,
            entity="user",
            entity_id=user.id,
            detail={"username": username, "role": role.value, "jurisdiction": jurisdiction_code},
        )
        return user.id


def set_password(engine: Engine, actor: Actor, *, username: str, password: str) -> None:
    """Set a new password (and lift any lock); the user themself or an admin over their scope."""
    _check_password(password)
    with transaction(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound("user.not_found", username=username)
        if actor is not SYSTEM and actor.user_id != user.id:
            require_role(actor, (Role.GOVERNOR, Role.MAYOR, Role.CRISIS_ADMIN))
            require_in_scope(session, actor, [user.jurisdiction_code])
        user.password_hash = hash_password(password)
        user.failed_logins = 0
        user.locked_until = None
        record_audit(
            session, actor, AuditAction.USER_PASSWORD_SET, entity="user", entity_id=user.id
        )


def list_users(engine: Engine, actor: Actor) -> list[User]:
    """Accounts in the actor's scope (admins only)."""
    require_role(actor, (Role.GOVERNOR, Role.MAYOR, Role.CRISIS_ADMIN))
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        users = session.scalars(select(User).order_by(User.username)).all()
        return [u for u in users if u.jurisdiction_code in scope]


# --- sessions that survive a page reload ---------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    engine: Engine,
    actor: Actor,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> str:
    """A new random session token for a logged-in user (only its hash is stored)."""
    settings = settings or get_settings()
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    with transaction(engine) as session:
        session.add(
            LoginSession(
                token_hash=_token_hash(token),
                user_id=actor.user_id,
                created_at=now,
                expires_at=now + timedelta(hours=settings.session_hours),
            )
        )
    return token


def resume_session(engine: Engine, token: str, *, now: datetime | None = None) -> Actor | None:
    """The user of a live session token, or None (unknown, ended, expired, user locked/off)."""
    if not token:
        return None
    now = now or utcnow()
    with reading(engine) as session:
        row = session.scalar(
            select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
        )
        if row is None or row.ended_at is not None or row.expires_at <= now:
            return None
        user = row.user
        if not user.active or (user.locked_until is not None and user.locked_until > now):
            return None
        return actor_for(user)


def end_session(engine: Engine, token: str, *, now: datetime | None = None) -> None:
    """Log out: the token stops working at once, in every process."""
    if not token:
        return
    with transaction(engine) as session:
        row = session.scalar(
            select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
        )
        if row is not None and row.ended_at is None:
            row.ended_at = now or utcnow()
            record_audit(
                session,
                actor_for(row.user),
                AuditAction.USER_LOGGED_OUT,
                entity="user",
                entity_id=row.user_id,
            )
