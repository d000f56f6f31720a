"""Where each ward receives directives: its channel targets (a LINE WORKS room, e-mail addresses,
a webhook URL). Only non-secret addressing is stored; secrets stay in settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from dashboard.channels import CHANNELS, Channel
from dashboard.domain import COMMAND_ROLES, Actor
from dashboard.errors import NotFound, ValidationFailed
from dashboard.services.areas import require_in_scope, require_role, scope_codes
from dashboard.services.audit import AuditAction, record_audit
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import ChannelTarget


@dataclass(frozen=True)
class TargetView:
    id: int
    jurisdiction_code: str
    kind: str
    config: dict[str, Any]
    enabled: bool


def add_channel_target(
    engine: Engine,
    actor: Actor,
    *,
    jurisdiction_code: str,
    kind: str,
    config: dict[str, Any],
    channels: dict[str, Channel] = CHANNELS,
) -> int:
    """Register where a ward receives directives (e.g. its LINE WORKS talk room); checked by the
    channel itself. Only non-secret addressing goes here; secrets stay in settings."""
    require_role(actor, COMMAND_ROLES)
    channel = channels.get(kind)
    if channel is None:
        raise ValidationFailed({"kind": ("outbox.kind_invalid", {"kinds": ", ".join(channels)})})
    problems = channel.validate_target(config)
    if problems:
        first = problems[0]  # the form has one address field: one thing to fix at a time
        raise ValidationFailed({"config": (first.key, first.params)})
    with transaction(engine) as session:
        require_in_scope(session, actor, [jurisdiction_code])
        target = ChannelTarget(jurisdiction_code=jurisdiction_code, kind=kind, config=config)
        session.add(target)
        session.flush()
        record_audit(
            session,
            actor,
            AuditAction.CHANNEL_TARGET_ADDED,
            entity="channel_target",
            entity_id=target.id,
            detail={"ward": jurisdiction_code, "kind": kind},
        )
        return target.id


def set_channel_target_enabled(engine: Engine, actor: Actor, target_id: int, enabled: bool) -> None:
    """Switch a channel target on or off (kept for the record rather than deleted)."""
    require_role(actor, COMMAND_ROLES)
    with transaction(engine) as session:
        target = session.get(ChannelTarget, target_id)
        if target is None:
            raise NotFound()
        require_in_scope(session, actor, [target.jurisdiction_code])
        target.enabled = enabled
        action = (
            AuditAction.CHANNEL_TARGET_ENABLED if enabled else AuditAction.CHANNEL_TARGET_DISABLED
        )
        record_audit(session, actor, action, entity="channel_target", entity_id=target.id)


def list_channel_targets(engine: Engine, actor: Actor) -> list[TargetView]:
    """Channel targets of the jurisdictions in the actor's scope."""
    require_role(actor, COMMAND_ROLES)
    with reading(engine) as session:
        scope = scope_codes(session, actor)
        stmt = select(ChannelTarget).order_by(ChannelTarget.jurisdiction_code, ChannelTarget.id)
        return [
            TargetView(t.id, t.jurisdiction_code, t.kind, dict(t.config or {}), t.enabled)
            for t in session.scalars(stmt)
            if t.jurisdiction_code in scope
        ]
