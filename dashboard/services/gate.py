"""The one login gate of the services: a user holding a one-time password (``must_change_password``)
may do nothing but set their own, whatever service a page, the CLI or a worker calls.

Each service package ends its ``__init__`` with ``gate(globals())``: every public function
(``__all__``) that takes an ``actor`` is replaced by one that refuses such an actor with
``PermissionDenied("login.must_change_password")`` before anything runs. The few a one-time
login needs (starting the session, checking it, setting the password, auditing that) are marked
``@allows_one_time_password`` where they are defined. A new function of a package is covered by
being public; tests/dashboard/services/test_login_gate.py walks every public function of every
service package that takes an actor and checks that a one-time-password actor is refused.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from dashboard.errors import PermissionDenied

F = TypeVar("F", bound=Callable[..., Any])
# Attribute marking a function a one-time-password login may call.
ONE_TIME_OK = "allows_one_time_password"
# Attribute marking a function already behind the gate.
GATED = "behind_login_gate"


def allows_one_time_password(func: F) -> F:
    """Mark ``func`` as callable by a user who must still set their own password."""
    setattr(func, ONE_TIME_OK, True)
    return func


def gate(namespace: dict[str, Any]) -> None:
    """Put every public function of a package's namespace that takes an ``actor`` behind the
    gate (call at the end of the package's ``__init__``)."""
    for name in namespace.get("__all__", ()):
        func = namespace.get(name)
        if not inspect.isfunction(func) or getattr(func, ONE_TIME_OK, False):
            continue
        if getattr(func, GATED, False):
            continue
        parameters = list(inspect.signature(func).parameters)
        if "actor" in parameters:
            namespace[name] = _gated(func, parameters.index("actor"))


def _gated(func: F, index: int) -> F:
    @functools.wraps(func)
    def gated(*args, **kwargs):
        actor = kwargs["actor"] if "actor" in kwargs else args[index] if len(args) > index else None
        if getattr(actor, "must_change_password", False):
            raise PermissionDenied("login.must_change_password")
        return func(*args, **kwargs)

    setattr(gated, GATED, True)
    return gated  # type: ignore[return-value]
