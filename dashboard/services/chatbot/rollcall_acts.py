"""Roll-call in the talk room: the message's buttons (無事・参集できる / 無事・参集できない / 負傷 /
到着した) and its 到着予定 quick replies, stored as the answer page stores them (a new row each
time, the same checks), with a one-line receipt."""

from __future__ import annotations

from dashboard.services import rollcall
from dashboard.services.chatbot.context import Context, Refusal, Reply
from dashboard.services.chatbot.registry import on_postback
from dashboard.timefmt import format_time


def _eta_quick(ctx: Context, recipient_id: int) -> tuple[tuple[str, str], ...]:
    return tuple(
        (ctx.t(f"rollcall.chat.{word}"), f"{rollcall.CHAT_PREFIX}:{recipient_id}:{word}")
        for word in rollcall.CHAT_ETAS
    )


@on_postback(rollcall.CHAT_PREFIX)
def answer_rollcall(ctx: Context, argument: str) -> list[Reply]:
    number, _, word = argument.partition(":")
    if not number.isascii() or not number.isdigit():
        raise Refusal("bot.invalid")
    recipient_id = int(number)
    eta = None
    comment = None
    if word in rollcall.CHAT_ANSWERS:
        safety, attendance = rollcall.CHAT_ANSWERS[word]
    elif word in rollcall.CHAT_ETAS:
        safety, attendance = "safe", "can_come"
        eta = rollcall.CHAT_ETAS[word]
        if eta is None:
            comment = ctx.t("bot.rollcall.eta_longer")
    else:
        raise Refusal("bot.invalid")
    saved = rollcall.submit_chat_answer(
        ctx.engine,
        recipient_id=recipient_id,
        lineworks_user_id=ctx.event.user_id,
        submission_id=ctx.submission(),
        safety=safety,
        attendance=attendance,
        eta_minutes=eta,
        comment=comment,
        now=ctx.now,
    )
    chosen = ctx.t(f"rollcall.chat.{word}")
    at = format_time(saved.answered_at, ctx.speaker.language)
    if word == "come":
        return [
            Reply(
                ctx.t("bot.rollcall.received_ask_eta", answer=chosen, at=at),
                quick=_eta_quick(ctx, recipient_id),
            )
        ]
    if word in rollcall.CHAT_ETAS:
        return [Reply(ctx.t("bot.rollcall.received_eta", eta=chosen, at=at))]
    return [Reply(ctx.t("bot.rollcall.received", answer=chosen, at=at))]
