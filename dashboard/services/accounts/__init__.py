"""Accounts: users and passwords, logins that survive a reload (checked on every page run), the
login throttle, and reading the audit log."""

from dashboard.services.accounts.audit_log import list_audit
from dashboard.services.accounts.logins import authenticate
from dashboard.services.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password
from dashboard.services.accounts.sessions import (
    actor_for,
    end_session,
    resume_session,
    session_valid,
    start_session,
)
from dashboard.services.accounts.users import (
    ADMIN_ROLES,
    change_own_password,
    create_user,
    demo_warning,
    list_users,
    set_password,
    update_user,
)
from dashboard.services.gate import gate

__all__ = [
    "ADMIN_ROLES",
    "MIN_PASSWORD_LENGTH",
    "actor_for",
    "authenticate",
    "change_own_password",
    "create_user",
    "demo_warning",
    "end_session",
    "hash_password",
    "list_audit",
    "list_users",
    "resume_session",
    "session_valid",
    "set_password",
    "start_session",
    "update_user",
]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
