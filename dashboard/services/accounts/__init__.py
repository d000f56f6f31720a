"""Accounts: users, passwords, logins that survive a reload, and reading the audit log."""

from dashboard.services.accounts.audit_log import (
    list_audit,
)
from dashboard.services.accounts.users import (
    MIN_PASSWORD_LENGTH,
    actor_for,
    authenticate,
    create_user,
    end_session,
    hash_password,
    list_users,
    resume_session,
    set_password,
    start_session,
)

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "actor_for",
    "authenticate",
    "create_user",
    "end_session",
    "hash_password",
    "list_audit",
    "list_users",
    "resume_session",
    "set_password",
    "start_session",
]
