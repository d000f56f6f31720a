"""Staff account import: a CSV of username, display name, role, area code, e-mail and LINE WORKS
user id, checked row by row like a registry.

Every new account gets a random one-time password and the must-change-password flag. The
passwords are returned to the caller once (to show or print); only their hashes are stored, and
neither the audit entry nor any log line contains them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from sqlalchemy import Engine, insert, select

from dashboard.domain import Actor, Role
from dashboard.i18n import translate
from dashboard.services.accounts import hash_password
from dashboard.services.areas import require_command, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.imports.layouts import match_columns
from dashboard.services.imports.reading import read_table
from dashboard.services.imports.results import Problem
from dashboard.services.imports.values import clean
from dashboard.storage.db import transaction
from dashboard.storage.models import Jurisdiction, User, utcnow

# Columns of the account file, and the Japanese headers accepted for them.
USER_COLUMNS: dict[str, tuple[str, ...]] = {
    "username": ("ユーザー名", "ユーザーID", "ログインID"),
    "display_name": ("表示名", "氏名", "名前"),
    "role": ("役割", "権限", "ロール"),
    "area_code": ("区域コード", "担当区域", "団体コード", "area"),
    "email": ("メールアドレス", "メール", "e-mail", "mail"),
    "lineworks_user_id": ("LINE WORKS ID", "LINEWORKSユーザーID", "lineworks"),
}
# Length of a one-time password in random bytes (token_urlsafe gives ~1.3 characters a byte).
ONE_TIME_PASSWORD_BYTES = 12
_USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass
class UserImportResult:
    total: int = 0
    created: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    # (username, one-time password) of each new account: show once, never store or log.
    passwords: list[tuple[str, str]] = field(default_factory=list, repr=False)


def _role(text: str) -> Role | None:
    for role in Role:
        if text.lower() in (
            role.value,
            translate(f"role.{role.value}", "ja"),
            translate(f"role.{role.value}", "en").lower(),
        ):
            return role
    return None


def import_users(
    engine: Engine, actor: Actor, data: bytes, *, dry_run: bool = False
) -> UserImportResult:
    """Create the accounts of the file's good rows (one transaction, one audit entry)."""
    require_command(actor)
    table = read_table(data)
    found = match_columns(table.header, list(USER_COLUMNS), USER_COLUMNS)
    result = UserImportResult(total=len(table.rows))
    with transaction(engine) as session:
        scope = scope_codes(session, actor)
        known = set(session.scalars(select(Jurisdiction.code)))
        taken = set(session.scalars(select(User.username)))
        seen: dict[str, int] = {}
        new: list[dict] = []
        for number, row in zip(table.numbers, table.rows, strict=True):
            cell = {
                k: clean(row[i]) if (i := found.get(k)) is not None else "" for k in USER_COLUMNS
            }
            problems = []
            username, role = cell["username"], _role(cell["role"])
            if not _USERNAME.fullmatch(username):
                problems.append(("import.user.bad_username", {}))
            elif username in taken:
                problems.append(("import.user.taken", {"username": username}))
            elif username in seen:
                problems.append(
                    ("import.user.duplicate", {"username": username, "first": seen[username]})
                )
            if role is None:
                problems.append(("import.user.bad_role", {"role": cell["role"]}))
            if cell["area_code"] not in known or cell["area_code"] not in scope:
                problems.append(("import.user.bad_area", {"code": cell["area_code"]}))
            if cell["email"] and not _EMAIL.fullmatch(cell["email"]):
                problems.append(("import.user.bad_email", {"email": cell["email"]}))
            seen.setdefault(username, number)
            if problems:
                result.problems += [Problem(number, "error", k, p) for k, p in problems]
                result.rejected.append(number)
                continue
            password = secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)
            result.passwords.append((username, password))
            new.append(
                {
                    "username": username,
                    "display_name": cell["display_name"] or username,
                    "role": role.value,
                    "jurisdiction_code": cell["area_code"],
                    "password_hash": "" if dry_run else hash_password(password),
                    "email": cell["email"] or None,
                    "lineworks_user_id": cell["lineworks_user_id"] or None,
                    "must_change_password": True,
                    "language": "ja",
                    "active": True,
                    "created_at": utcnow(),
                }
            )
        result.created = len(new)
        if dry_run:
            result.passwords = []
            return result
        if new:
            session.execute(insert(User), new)
        record_audit(
            session,
            actor,
            AuditAction.USERS_IMPORTED,
            entity="user",
            detail={
                "rows": result.total,
                "created": result.created,
                "rejected": len(result.rejected),
                "usernames": [u["username"] for u in new],
            },
        )
    return result
