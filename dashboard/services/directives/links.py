"""Acknowledgement from outside the dashboard: the signed link sent with every message, and the
LINE WORKS bot's 了解 button in a ward's talk room (the bot's callback is verified and read by
``services.chatbot``, which calls :func:`acknowledge_in_room`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.channels.lineworks_callback import CallbackEvent
from dashboard.channels.signing import AckTokenError, verify_ack_token
from dashboard.domain import Actor, Role
from dashboard.errors import NotFound, PermissionDenied, ServiceError
from dashboard.services.directives.inbox import (
    InboxItem,
    audit_acknowledgement,
    deliveries_query,
    inbox_item,
    step_acknowledge,
)
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import ChannelTarget, DirectiveDelivery, Jurisdiction, utcnow


@dataclass(frozen=True)
class AckOutcome:
    """Result of an acknowledgement through a link or a LINE WORKS callback."""

    delivery_id: int
    ward_code: str
    title: str
    acknowledged_at: datetime
    # False when the delivery had been acknowledged before (the first time is kept).
    new: bool


def verify_ack_link(
    token: str, *, settings: Settings | None = None, now: datetime | None = None
) -> int | None:
    """The delivery id of a valid (authentic, unexpired) acknowledgement token, else None."""
    settings = settings or get_settings()
    try:
        return verify_ack_token(token, settings.secret_key, now=now or utcnow())
    except AckTokenError:
        return None


def ack_link_item(
    engine: Engine, token: str, *, settings: Settings | None = None, now: datetime | None = None
) -> tuple[InboxItem, str] | None:
    """What the acknowledgement page shows for a valid token: the directive and the ward name."""
    delivery_id = verify_ack_link(token, settings=settings, now=now)
    if delivery_id is None:
        return None
    with reading(engine) as session:
        row = session.execute(deliveries_query().where(DirectiveDelivery.id == delivery_id)).first()
        if row is None:
            return None
        ward = session.get(Jurisdiction, row[0].jurisdiction_code)
        return inbox_item(*row), ward.name_ja if ward else row[0].jurisdiction_code


def _link_actor(ward_code: str, via: str) -> Actor:
    """Who the audit log names for an acknowledgement made outside the dashboard."""
    return Actor(None, via[:64], via[:64], Role.WARD_HEAD, ward_code)


def _acknowledge_outside(
    engine: Engine, delivery_id: int, *, via: str, now: datetime, check=None
) -> AckOutcome:
    with transaction(engine) as session:
        delivery = session.get(DirectiveDelivery, delivery_id)
        if delivery is None:
            raise NotFound()
        if check is not None:
            check(session, delivery)
        actor = _link_actor(delivery.jurisdiction_code, via)
        new = step_acknowledge(delivery, None, now)
        if new:
            audit_acknowledgement(session, actor, delivery, via=via.split(":")[0], now=now)
        return AckOutcome(
            delivery.id,
            delivery.jurisdiction_code,
            delivery.directive.title,
            delivery.acknowledged_at,
            new,
        )


def acknowledge_by_link(
    engine: Engine, token: str, *, settings: Settings | None = None, now: datetime | None = None
) -> AckOutcome:
    """了解 through the signed link of an e-mail, LINE WORKS or webhook message."""
    now = now or utcnow()
    delivery_id = verify_ack_link(token, settings=settings, now=now)
    if delivery_id is None:
        raise ServiceError("ack.link_invalid")
    return _acknowledge_outside(engine, delivery_id, via="ack-link", now=now)


def acknowledge_in_room(
    engine: Engine, event: CallbackEvent, *, now: datetime | None = None
) -> AckOutcome:
    """了解 tapped in a talk room (or 1:1 talk) that is one of the delivery's ward's LINE WORKS
    targets; refused for any other room. The caller has verified the callback's signature."""

    def check(session: Session, delivery: DirectiveDelivery) -> None:
        configs = session.scalars(
            select(ChannelTarget.config).where(
                ChannelTarget.jurisdiction_code == delivery.jurisdiction_code,
                ChannelTarget.kind == "lineworks",
            )
        ).all()
        ok = any(
            (event.channel_id and c.get("channel_id") == event.channel_id)
            or (not event.channel_id and c.get("user_id") == event.user_id)
            for c in configs
        )
        if not ok:
            raise PermissionDenied("directive.other_ward")

    return _acknowledge_outside(
        engine,
        event.delivery_id,
        via=f"lineworks:{event.user_id}",
        now=now or utcnow(),
        check=check,
    )
