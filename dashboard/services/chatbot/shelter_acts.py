"""Shelter status from the talk room.

「避難所」 lists the ward's shelters (open ones first) as quick replies; a tap on one
offers 変化なし / 開設 / 満員 / 閉鎖; 開設 and 満員 ask for the number of evacuees as a
typed reply (full-width digits fine); 「全て変化なし」 confirms every open shelter of
the ward at once. Every postback carries the status the person saw, so the page's
conflict rule holds: an answer based on an older status is refused, the newer shown.
"""

from __future__ import annotations

from dashboard.domain import ShelterState
from dashboard.services import shelters
from dashboard.services.chatbot.context import Context, Refusal, Reply, label
from dashboard.services.chatbot.registry import on_awaiting, on_command, on_postback
from dashboard.services.inputs import InputError, parse_int

# Quick replies in one message (LINE WORKS allows 13; one is 全て変化なし).
LIST_MAX = 12
LIST_WORDS = ("避難所", "shelters", "Shelters")
ALL_UNCHANGED_WORDS = ("全て変化なし", "すべて変化なし", "all unchanged")
# Postbacks: pick a shelter "sh:<id>:<status id>", its new state "st:<id>:<status id>:<state>".
PICK, SET, ALL = "sh", "st", "sh_all"
# States offered after a tap ("same": 変化なし, the latest values again).
STATE_WORDS = ("same", ShelterState.OPEN.value, ShelterState.FULL.value, ShelterState.CLOSED.value)
# States whose evacuee count is asked for.
COUNTED = frozenset({ShelterState.OPEN.value, ShelterState.FULL.value})
AWAIT_EVACUEES = "shelter_evacuees"


def _status_text(ctx: Context, view) -> str:
    state = ctx.t(f"shelter_state.{view.state or 'none'}")
    return ctx.t("bot.shelter.current", name=view.name, state=state, evacuees=view.evacuees)


@on_command(*LIST_WORDS)
def list_shelters(ctx: Context, _: str) -> list[Reply]:
    actor = ctx.require_actor()
    views = shelters.list_shelters(ctx.engine, actor, ward_code=actor.jurisdiction_code)
    if not views:
        views = shelters.list_shelters(ctx.engine, actor)
    views.sort(key=lambda v: (v.state not in shelters.RUNNING_STATES, v.name))
    if not views:
        return [Reply(ctx.t("bot.shelter.none"))]
    quick = [(label(v.name), f"{PICK}:{v.id}:{v.status_id or 0}") for v in views[:LIST_MAX]]
    quick.append((ctx.t("bot.shelter.all_unchanged"), ALL))
    lines = [_status_text(ctx, v) for v in views[:LIST_MAX]]
    return [Reply(ctx.t("bot.shelter.pick") + "\n" + "\n".join(lines), quick=tuple(quick))]


def _ids(argument: str, parts: int) -> list[str]:
    pieces = argument.split(":")
    if len(pieces) != parts or not all(p.isascii() and p.isdigit() for p in pieces[:2]):
        raise Refusal("bot.invalid")
    return pieces


@on_postback(PICK)
def pick_shelter(ctx: Context, argument: str) -> list[Reply]:
    shelter_id, status_id = _ids(argument, 2)
    view = shelters.get_shelter(ctx.engine, ctx.require_actor(), int(shelter_id))
    quick = tuple(
        (ctx.t(f"bot.shelter.state.{word}"), f"{SET}:{shelter_id}:{status_id}:{word}")
        for word in STATE_WORDS
    )
    return [Reply(_status_text(ctx, view) + "\n" + ctx.t("bot.shelter.choose_state"), quick=quick)]


@on_postback(SET)
def set_state(ctx: Context, argument: str) -> list[Reply]:
    shelter_id, status_id, word = _ids(argument, 3)
    if word not in STATE_WORDS:
        raise Refusal("bot.invalid")
    actor = ctx.require_actor()
    view = shelters.get_shelter(ctx.engine, actor, int(shelter_id))
    if word in COUNTED:
        ctx.state["awaiting"] = {
            "kind": AWAIT_EVACUEES,
            "shelter_id": int(shelter_id),
            "status_id": int(status_id),
            "state": word,
        }
        return [Reply(ctx.t("bot.shelter.ask_evacuees", name=view.name))]
    if word == "same":
        if view.state is None:
            raise Refusal("bot.shelter.never_reported")
        state, evacuees = view.state, view.evacuees
    else:
        state, evacuees = word, 0
    return _record(ctx, view, int(status_id), state, evacuees, households=view.households)


@on_awaiting(AWAIT_EVACUEES)
def evacuees_typed(ctx: Context, text: str) -> list[Reply]:
    awaiting = ctx.state.get("awaiting") or {}
    try:
        evacuees = parse_int(text, minimum=0, maximum=100_000)
    except InputError:
        return [Reply(ctx.t("bot.shelter.not_a_number"))]
    view = shelters.get_shelter(ctx.engine, ctx.require_actor(), int(awaiting["shelter_id"]))
    ctx.state.pop("awaiting", None)
    return _record(ctx, view, int(awaiting["status_id"]), awaiting["state"], evacuees)


def _record(
    ctx: Context,
    view,
    status_id: int,
    state: str,
    evacuees: int,
    *,
    households: int | None = None,
) -> list[Reply]:
    if households is not None and households > evacuees:
        households = None
    try:
        shelters.record_status(
            ctx.engine,
            ctx.require_actor(),
            shelter_id=view.id,
            submission_id=ctx.submission(),
            state=state,
            evacuees=evacuees,
            households=households,
            needs=view.needs,
            note=view.note,
            at=ctx.now,
            opened_status_id=status_id or None,
        )
    except shelters.StatusConflict as conflict:
        newer = conflict.latest
        shown = ctx.t(f"shelter_state.{newer.state}")
        return [
            Reply(
                ctx.t(
                    "bot.shelter.conflict",
                    who=newer.reported_by or "-",
                    state=shown,
                    evacuees=newer.evacuees,
                ),
                quick=((label(view.name), f"{PICK}:{view.id}:{newer.id}"),),
            )
        ]
    shown = ctx.t(f"shelter_state.{state}")
    return [Reply(ctx.t("bot.shelter.recorded", name=view.name, state=shown, evacuees=evacuees))]


@on_command(*ALL_UNCHANGED_WORDS)
@on_postback(ALL)
def all_unchanged(ctx: Context, _: str) -> list[Reply]:
    confirmed = shelters.confirm_no_change(
        ctx.engine, ctx.require_actor(), submission_id=ctx.submission(), at=ctx.now
    )
    return [Reply(ctx.t("bot.shelter.all_confirmed", count=len(confirmed)))]
