"""The audit log's write side: every write records who, what and when, in its own transaction."""

from dashboard.services.audit.log import (
    record_audit,
)

__all__ = [
    "record_audit",
]
