"""Receiving a callback (verify, check its age, queue once) and working the queue (who sent it,
which handler, the replies).

``receive_callback`` does only what must happen before the HTTP answer: the signature on the raw
bytes, reading the event, refusing an old one, storing it once. ``process_due`` works what is
queued; it runs right after the answer (the route's background task) and on every delivery
worker cycle (anything left over, and retries).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from dashboard.channels.lineworks_callback import verify_callback_signature
from dashboard.errors import (
    Conflict,
    PermissionDenied,
    ServiceError,
    StorageUnavailable,
    ValidationFailed,
)
from dashboard.i18n import translate
from dashboard.services.chatbot import conversation, queue
from dashboard.services.chatbot.context import Context, Refusal, Reply, RetryLater, Speaker
from dashboard.services.chatbot.events import BotEvent, NotAnEvent, dedupe_key, parse_event
from dashboard.services.chatbot.people import DEACTIVATED, UNKNOWN, find_speaker, language_of
from dashboard.services.chatbot.registry import AWAITING, COMMANDS, CONTENT, POSTBACKS
from dashboard.services.chatbot.replies import send_queued_replies, send_replies
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import utcnow

# A callback body is one small JSON event; anything larger is not one (wire into the app-wide
# body limit: dashboard.web).
MAX_CALLBACK_BYTES = 64 * 1024
# How often the worker deletes worked events and idle conversations (queue.prune).
PRUNE_EVERY = timedelta(hours=1)
# Most events one call of process_due works (the rest waits for the next call).
DRAIN_LIMIT = 200

log = logging.getLogger(__name__)
# When this process last pruned, per database.
_last_pruned: dict = {}


@dataclass(frozen=True)
class Received:
    """What became of a callback: ``accepted`` (queued), ``duplicate`` (stored before),
    ``forged`` (signature), ``stale`` (issuedTime too old or in the future), ``invalid``."""

    outcome: str

    @property
    def queued(self) -> bool:
        return self.outcome == "accepted"


def receive_callback(
    engine: Engine,
    body: bytes,
    signature: str,
    bot_secret: str,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> Received:
    """Verify, read and queue one callback; nothing is acted on here."""
    settings = settings or get_settings()
    now = now or utcnow()
    if len(body) > MAX_CALLBACK_BYTES or not verify_callback_signature(body, signature, bot_secret):
        return Received("forged" if len(body) <= MAX_CALLBACK_BYTES else "invalid")
    try:
        event = parse_event(body)
    except NotAnEvent:
        return Received("invalid")
    max_age = timedelta(seconds=settings.lineworks_event_max_age_seconds)
    if abs(now - event.issued_at) > max_age:
        return Received("stale")
    stored = queue.store_event(engine, event, dedupe_key(body), body, now=now)
    return Received("accepted" if stored else "duplicate")


def process_due(
    engine: Engine,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
    limit: int = DRAIN_LIMIT,
) -> int:
    """Work queued events until none is due (at most ``limit``); returns how many were worked."""
    settings = settings or get_settings()
    worked = 0
    while worked < limit:
        moment = now or utcnow()
        claimed = queue.claim_next(engine, now=moment)
        if claimed is None:
            break
        _work(engine, claimed, settings, moment)
        worked += 1
    return worked


def process_bot_events(engine: Engine, *, now: datetime, settings: Settings) -> None:
    """The delivery worker's periodic job: events left over or due for a retry, and replies
    due for a retry."""
    if settings.lineworks_bot_secret is not None:
        process_due(engine, settings=settings)
        send_queued_replies(engine, settings, now=now)
        if (
            now - _last_pruned.get(engine.url, datetime.min.replace(tzinfo=now.tzinfo))
            > PRUNE_EVERY
        ):
            queue.prune(engine, now=now)
            _last_pruned[engine.url] = now


def _work(engine: Engine, claimed: queue.Claimed, settings: Settings, now: datetime) -> None:
    event = parse_event(claimed.body)
    try:
        replies = _handle(engine, event, claimed.dedupe_key, settings, now)
    except RetryLater as retry:
        if queue.retry_later(engine, claimed, now=now, error=retry.detail):
            return
        queue.finish(engine, claimed.id, now=now, error=retry.detail)
        _tell(engine, event.user_id, retry.key, settings, now)
        return
    except Exception as exc:  # noqa: BLE001 - a bug or an outage: the person hears, we log
        log.exception("LINE WORKS bot event %s failed", claimed.id)
        queue.finish(engine, claimed.id, now=now, error=f"{type(exc).__name__}: {exc}")
        _tell(engine, event.user_id, "bot.failed", settings, now)
        return
    # The real time, not the (injectable) scheduling clock: how long an event waited is measured.
    queue.finish(engine, claimed.id, now=utcnow())
    if replies:
        send_replies(engine, event.user_id, replies, settings, now=now)


def _tell(engine: Engine, user_id: str, key: str, settings: Settings, now: datetime) -> None:
    """Tell the person that their event finally failed, in their language."""
    with reading(engine) as session:
        language = language_of(session, user_id)
    send_replies(engine, user_id, [Reply(translate(key, language))], settings, now=now)


def _handle(
    engine: Engine, event: BotEvent, key: str, settings: Settings, now: datetime
) -> list[Reply]:
    if event.kind == "other":
        return []
    with reading(engine) as session:
        speaker = find_speaker(session, event.user_id)
        state, photo = conversation.load(session, event.user_id)
    if speaker == UNKNOWN:  # nobody's language is known: the bot's default, Japanese
        return [Reply(translate("bot.unknown_user", "ja"))]
    if speaker == DEACTIVATED:
        with reading(engine) as session:
            return [Reply(translate("bot.deactivated", language_of(session, event.user_id)))]
    assert isinstance(speaker, Speaker)
    ctx = Context(engine, settings, event, key, now, speaker, state, photo)
    handler, argument = _choose(ctx)
    if handler is None:
        return [Reply(ctx.t("bot.help"))]
    try:
        replies = handler(ctx, argument)
    except Refusal as refusal:
        replies = [Reply(ctx.t(refusal.key, **refusal.params))]
    except ValidationFailed as exc:
        first = next(iter(exc.fields.values()), ("bot.invalid", {}))
        replies = [Reply(ctx.t(first[0], **first[1]))]
    except Conflict as exc:
        replies = [Reply(ctx.t(exc.key, **exc.params))]
    except PermissionDenied as exc:
        replies = [Reply(ctx.t("bot.not_allowed") + f"（{ctx.t(exc.key)}）")]
    except StorageUnavailable as exc:
        raise RetryLater(str(exc), "bot.failed") from exc
    except ServiceError as exc:
        replies = [Reply(ctx.t(exc.key, **exc.params))]
    with transaction(engine) as session:
        conversation.save(session, event.user_id, ctx.state, ctx.photo, now=now)
    return replies


def _choose(ctx: Context):
    event = ctx.event
    if event.kind == "postback":
        postback = event.postback or ""
        if postback in COMMANDS:  # a rich-menu button whose postback is a command word
            return COMMANDS[postback], postback
        prefix, _, argument = postback.partition(":")
        return POSTBACKS.get(prefix), argument
    if event.kind == "text":
        text = (event.text or "").strip()
        if text in COMMANDS:
            return COMMANDS[text], text
        awaiting = ctx.state.get("awaiting") or {}
        if awaiting.get("kind") in AWAITING:
            return AWAITING[awaiting["kind"]], text
        return CONTENT.get("text"), text
    return CONTENT.get(event.kind), ""
