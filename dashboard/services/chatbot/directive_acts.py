"""Directives in the talk room: 了解, and the answer (対応済 / 対応中 / 対応不可 with a reason, or a
typed reply) stored as the ward's answer, as the inbox stores it."""

from __future__ import annotations

from dashboard.channels.lineworks_callback import (
    ACK_POSTBACK_PREFIX,
    ANSWER_POSTBACK_PREFIX,
    CallbackEvent,
)
from dashboard.services import directives
from dashboard.services.chatbot.context import Context, Refusal, Reply
from dashboard.services.chatbot.registry import on_awaiting, on_postback
from dashboard.timefmt import format_time

AWAIT_ANSWER_TEXT = "directive_text"


def _number(text: str) -> int:
    if not text.isascii() or not text.isdigit() or text.startswith("0"):
        raise Refusal("bot.invalid")
    return int(text)


@on_postback(ACK_POSTBACK_PREFIX.rstrip(":"))
def acknowledge(ctx: Context, argument: str) -> list[Reply]:
    delivery_id = _number(argument)
    actor = ctx.require_actor()
    if directives.may_acknowledge(actor):
        at = directives.acknowledge(ctx.engine, actor, delivery_id, now=ctx.now)
    else:
        # Staff in the ward's own room may tap it for the ward, as before the bot took callbacks.
        event = CallbackEvent(delivery_id, ctx.event.user_id, ctx.event.channel_id, ctx.now)
        at = directives.acknowledge_in_room(ctx.engine, event, now=ctx.now).acknowledged_at
    return [Reply(ctx.t("bot.directive.acknowledged", at=format_time(at, ctx.speaker.language)))]


@on_postback(ANSWER_POSTBACK_PREFIX.rstrip(":"))
def answer(ctx: Context, argument: str) -> list[Reply]:
    number, _, word = argument.partition(":")
    delivery_id = _number(number)
    actor = ctx.require_actor()
    if not directives.may_acknowledge(actor):
        raise Refusal("directive.ack_forbidden")
    if word in ("cannot", "reply"):
        status = "cannot" if word == "cannot" else "in_progress"
        ctx.state["awaiting"] = {
            "kind": AWAIT_ANSWER_TEXT,
            "delivery_id": delivery_id,
            "status": status,
        }
        return [Reply(ctx.t(f"bot.directive.ask_{word}"))]
    if word not in directives.ANSWER_STATUSES:
        raise Refusal("bot.invalid")
    directives.answer(ctx.engine, actor, delivery_id, status=word, now=ctx.now)
    return [Reply(ctx.t("bot.directive.answered", status=ctx.t(f"answer.{word}")))]


@on_awaiting(AWAIT_ANSWER_TEXT)
def answer_text(ctx: Context, text: str) -> list[Reply]:
    awaiting = ctx.state.get("awaiting") or {}
    actor = ctx.require_actor()
    directives.answer(
        ctx.engine,
        actor,
        int(awaiting["delivery_id"]),
        status=awaiting["status"],
        text=text,
        now=ctx.now,
    )
    ctx.state.pop("awaiting", None)
    status = ctx.t(f"answer.{awaiting['status']}")
    return [Reply(ctx.t("bot.directive.answered", status=status))]
