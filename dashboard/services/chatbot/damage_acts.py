"""A damage report from a photo and a location sent in a 1:1 talk, in either order, within the
window (``lineworks_photo_window_minutes``); text typed meanwhile is the description, and so is
text typed shortly before, when a photo or a location follows within the window. The bot
then asks, by quick replies, the category, the severity and 人的被害 あり/なし, and files the
report as the ward's, as the form does: located, the photo cleaned (no GPS metadata, size
limits, HEIC). A point outside the sender's ward is asked about first, never filed silently.

The photo is downloaded while its event is worked (``lineworks_files``: the API's redirect is
followed only to its file host, with a size limit and a timeout); a passing failure is retried
from the queue (``RetryLater``) and the sender told when the last try fails.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from dashboard.channels import CHANNELS
from dashboard.channels.lineworks_files import AttachmentFailed, fetch_attachment
from dashboard.domain import DAMAGE_CATEGORIES, SEVERITIES
from dashboard.services import areas, damage
from dashboard.services.chatbot.context import Context, Refusal, Reply, RetryLater, label
from dashboard.services.chatbot.events import parse_time
from dashboard.services.chatbot.registry import on_content, on_postback

# Largest attachment downloaded (the form's limit per photo).
MAX_ATTACHMENT_BYTES = damage.MAX_UPLOAD_BYTES
# Postbacks "dm:<step>:<value>".
PREFIX = "dm"
DRAFT = "damage"
# Text typed with no report under way: {"text", "at"}; a photo or location within the window
# takes it as the description.
EARLIER_TEXT = "damage_text"
# Room left in the form's description (2,000 characters) for the 人的被害あり mark.
DESCRIPTION_MAX = 1980


def _window(ctx: Context) -> timedelta:
    return timedelta(minutes=ctx.settings.lineworks_photo_window_minutes)


def _draft(ctx: Context) -> dict:
    """The report being assembled; dropped (with its photo) once older than the window."""
    draft = ctx.state.get(DRAFT) or {}
    started = parse_time(draft.get("started"))
    if started is None or ctx.event.issued_at - started > _window(ctx):
        draft = {}
        ctx.photo = None
    ctx.state[DRAFT] = draft
    return draft


def _stamp(ctx: Context, draft: dict) -> bool:
    """Start the draft at this event if it is new; True when text typed just before (within the
    window) became its description."""
    moment = ctx.event.issued_at
    earlier = ctx.state.pop(EARLIER_TEXT, None) or {}
    if "started" in draft:
        return False
    draft["started"] = moment.isoformat()
    typed_at = parse_time(earlier.get("at"))
    if typed_at is None or not timedelta(0) <= moment - typed_at <= _window(ctx):
        return False
    draft["description"] = str(earlier.get("text") or "")[:DESCRIPTION_MAX]
    return bool(draft["description"])


def _noting(replies: list[Reply], ctx: Context, adopted: bool) -> list[Reply]:
    """The replies, the first telling that the earlier text was kept (when it was)."""
    if not adopted or not replies:
        return replies
    first = replies[0]
    note = ctx.t("bot.damage.earlier_text_kept")
    return [replace(first, text=f"{first.text}\n{note}"), *replies[1:]]


@on_content("image")
def photo_received(ctx: Context, _: str) -> list[Reply]:
    ctx.require_actor()
    settings = ctx.settings
    hosts = frozenset(h.strip() for h in settings.lineworks_file_hosts.split(",") if h.strip())
    try:
        data = fetch_attachment(
            CHANNELS["lineworks"],
            ctx.event.file_id or "",
            settings.channel_credentials().get("lineworks", {}),
            allowed_hosts=hosts,
            max_bytes=MAX_ATTACHMENT_BYTES,
            timeout=settings.channel_timeout_seconds,
        )
    except AttachmentFailed as failure:
        if failure.too_large:
            limit = MAX_ATTACHMENT_BYTES // 2**20
            raise Refusal("bot.damage.photo_too_large", max_mb=limit) from failure
        if failure.retryable:
            raise RetryLater(failure.detail, "bot.damage.photo_failed") from failure
        raise Refusal("bot.damage.photo_failed") from failure
    try:
        cleaned = damage.process_photo(data)
    except damage.PhotoError as exc:
        raise Refusal(f"photo.{exc.reason}", **exc.params) from exc
    draft = _draft(ctx)
    adopted = _stamp(ctx, draft)
    ctx.photo = cleaned.data
    draft["photo"] = True
    return _noting(_next_step(ctx, draft), ctx, adopted)


@on_content("location")
def location_received(ctx: Context, _: str) -> list[Reply]:
    ctx.require_actor()
    draft = _draft(ctx)
    adopted = _stamp(ctx, draft)
    draft.update(lat=ctx.event.lat, lon=ctx.event.lon, address=ctx.event.address)
    draft.pop("outside_ok", None)
    return _noting(_next_step(ctx, draft), ctx, adopted)


@on_content("text")
def description_typed(ctx: Context, text: str) -> list[Reply]:
    draft = _draft(ctx)
    if not draft:
        if not text:
            return [Reply(ctx.t("bot.help"))]
        # Maybe the description of a photo or location still to come: kept for the window.
        ctx.state[EARLIER_TEXT] = {"text": text, "at": ctx.event.issued_at.isoformat()}
        return [Reply(ctx.t("bot.help") + "\n" + ctx.t("bot.damage.text_may_describe"))]
    draft["description"] = text[:DESCRIPTION_MAX]
    return [Reply(ctx.t("bot.damage.description_kept"))]


def _next_step(ctx: Context, draft: dict) -> list[Reply]:
    if not draft.get("photo"):
        return [Reply(ctx.t("bot.damage.need_photo"))]
    if draft.get("lat") is None:
        return [Reply(ctx.t("bot.damage.need_location"))]
    actor = ctx.require_actor()
    place = areas.locate(ctx.engine, actor, draft["lat"], draft["lon"])
    if place.ward_code is None:
        draft.pop("lat", None)
        return [Reply(ctx.t("bot.damage.outside_city"))]
    if not place.in_scope and not draft.get("outside_ok"):
        home = areas.area_names(ctx.engine, ctx.speaker.language).get(
            actor.jurisdiction_code, actor.jurisdiction_code
        )
        yes, no = ctx.t("bot.yes"), ctx.t("bot.no")
        return [
            Reply(
                ctx.t("bot.damage.ask_outside", there=place.name_ja or "-", home=home),
                quick=((yes, f"{PREFIX}:outside:yes"), (no, f"{PREFIX}:outside:no")),
            )
        ]
    if "category" not in draft:
        quick = tuple(
            (label(ctx.t(f"category.{key}")), f"{PREFIX}:cat:{key}") for key in DAMAGE_CATEGORIES
        )
        return [Reply(ctx.t("bot.damage.ask_category"), quick=quick)]
    if "severity" not in draft:
        quick = tuple(
            (label(ctx.t(f"severity.{n}").split("：")[0].split(":")[0]), f"{PREFIX}:sev:{n}")
            for n in SEVERITIES
        )
        return [Reply(ctx.t("bot.damage.ask_severity"), quick=quick)]
    yes, no = ctx.t("bot.damage.casualties_yes"), ctx.t("bot.damage.casualties_no")
    return [
        Reply(
            ctx.t("bot.damage.ask_casualties"),
            quick=((yes, f"{PREFIX}:hum:yes"), (no, f"{PREFIX}:hum:no")),
        )
    ]


@on_postback(PREFIX)
def damage_step(ctx: Context, argument: str) -> list[Reply]:
    step, _, value = argument.partition(":")
    draft = _draft(ctx)
    if not draft.get("photo") or draft.get("lat") is None:
        return [Reply(ctx.t("bot.damage.expired"))]
    if step == "outside":
        if value != "yes":
            ctx.state.pop(DRAFT, None)
            ctx.photo = None
            return [Reply(ctx.t("bot.damage.cancelled"))]
        draft["outside_ok"] = True
    elif step == "cat" and value in DAMAGE_CATEGORIES:
        draft["category"] = value
    elif step == "sev" and value.isdigit() and int(value) in SEVERITIES:
        draft["severity"] = int(value)
    elif step == "hum" and value in ("yes", "no") and "severity" in draft:
        return _file(ctx, draft, casualties=value == "yes")
    else:
        raise Refusal("bot.invalid")
    return _next_step(ctx, draft)


def _file(ctx: Context, draft: dict, *, casualties: bool) -> list[Reply]:
    description = (draft.get("description") or "").strip()
    if casualties:
        description = (ctx.t("bot.damage.casualties_mark") + " " + description).strip()
    report = damage.ReportDraft(
        lat=float(draft["lat"]),
        lon=float(draft["lon"]),
        category=draft["category"],
        severity=int(draft["severity"]),
        description=description or None,
        location_text=(draft.get("address") or None),
    )
    report_id = damage.submit_report(
        ctx.engine,
        ctx.require_actor(),
        report,
        submission_id=ctx.submission(),
        confirm_outside=bool(draft.get("outside_ok")),
        at=ctx.now,
        photos=[ctx.photo] if ctx.photo else [],
    )
    ctx.state.pop(DRAFT, None)
    ctx.photo = None
    return [Reply(ctx.t("bot.damage.filed", id=report_id))]
