"""The audit log's write side: every write records who, what and when, in its own transaction,
with an action from the one registry ``AuditAction``."""

from dashboard.services.audit.actions import AuditAction
from dashboard.services.audit.log import record_audit
from dashboard.services.gate import gate

__all__ = ["AuditAction", "record_audit"]

# Public functions taking an actor refuse a one-time-password login (dashboard.services.gate).
gate(globals())
