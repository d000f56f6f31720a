"""The one login gate (issue 20 #9, ``dashboard.services.gate``): every public function of every
service package that takes an ``actor`` refuses a user who must still set their own password.

The functions are found, not listed: each package's ``__all__``, so a new service is walked
without touching this file. The gate refuses before the function runs, so the other arguments
are left empty. The functions a one-time login needs are the only ones let through, and
which they are is checked here too.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import dashboard.services
from dashboard.domain import Actor, Role
from dashboard.errors import PermissionDenied
from dashboard.services import command_map, rollcall
from dashboard.services.gate import ONE_TIME_OK

ONE_TIME = Actor(7, "kita_staff", "北区 職員", Role.WARD_STAFF, "27127", must_change_password=True)
# What a one-time-password login may call: start and check its session, set its password, and
# the audit of that.
LET_THROUGH = {
    "accounts.start_session",
    "accounts.session_valid",
    "accounts.change_own_password",
    "audit.record_audit",
}


def public_functions_taking_an_actor():
    for info in pkgutil.iter_modules(dashboard.services.__path__):
        if not info.ispkg:
            continue
        package = importlib.import_module(f"dashboard.services.{info.name}")
        for name in getattr(package, "__all__", ()):
            func = getattr(package, name)
            if inspect.isfunction(func) and "actor" in inspect.signature(func).parameters:
                yield f"{info.name}.{name}", func


def call_as(func, actor):
    """Call with ``actor`` and every other parameter empty (the gate refuses before use)."""
    args, kwargs = [], {}
    for parameter in inspect.signature(func).parameters.values():
        value = actor if parameter.name == "actor" else None
        if parameter.kind is parameter.KEYWORD_ONLY:
            if parameter.default is parameter.empty or parameter.name == "actor":
                kwargs[parameter.name] = value
        elif parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            args.append(value)
    return func(*args, **kwargs)


def test_every_public_service_refuses_a_one_time_password_login():
    walked, through = [], set()
    for name, func in public_functions_taking_an_actor():
        if getattr(func, ONE_TIME_OK, False):
            through.add(name)
            continue
        with pytest.raises(PermissionDenied) as refused:
            call_as(func, ONE_TIME)
        assert refused.value.key == "login.must_change_password", name
        walked.append(name)
    assert through == LET_THROUGH
    assert {"rollcall.people", "rollcall.board", "command_map.command_view"} <= set(walked)
    assert len(walked) > 60


def test_the_reads_the_issue_found_refuse_a_real_one_time_login(city):
    from dashboard.services import accounts

    accounts.set_password(city.engine, city.admin, username="kita_head", password="one-time-123")
    actor = accounts.authenticate(city.engine, "kita_head", "one-time-123")
    assert actor.must_change_password
    for call in (
        lambda: rollcall.people(city.engine, actor, 1),
        lambda: rollcall.board(city.engine, actor, 1),
        lambda: command_map.command_view(city.engine, actor),
    ):
        with pytest.raises(PermissionDenied):
            call()
