"""JMA disaster-information XML (気象庁防災情報XML) read from a URL: each earthquake telegram is
acted on as its Status and InfoType say (``jma_events``).

Only when configured (``DASHBOARD_JMA_FEED_URL``; LAN-only installs leave it unset and nothing is
ever fetched). The URL is either JMA's Atom feed (``eqvol.xml`` / ``eqvol_l.xml``, or a mirror of
it on the LAN), whose entries titled 震度速報 / 震源・震度に関する情報 / 各地の震度に関する情報 link
the telegrams, or one telegram's XML. One poll has one deadline for all it fetches and reaches
only the feed's host and the listed hosts (``jma_fetch``); its outcome is kept as the feed's
health (``jma_health``). A telegram is read once (a ``jma_report.read`` audit entry names it), a
feed's repeated entries once, telegrams older than ``MAX_REPORT_AGE`` are skipped so that a first
poll does not call staff in for last week's earthquake, and one that does not parse is recorded
as read and logged once, never retried in a loop. The worker runs the poll in a thread of its own
at most every ``jma_poll_seconds``; the deadline ends a poll, so a hung feed cannot stop later
polls, and a poll still running when the next is due is logged and shown as the feed's error.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urljoin

from sqlalchemy import Engine, select

from dashboard.domain import SYSTEM
from dashboard.errors import ValidationFailed
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.rollcall.jma_events import handle_telegram
from dashboard.services.rollcall.jma_fetch import FetchFailed, Limits, fetch, fetch_within
from dashboard.services.rollcall.jma_health import record_poll
from dashboard.services.rollcall.jma_telegram import INTENSITY_TITLES, parse_telegram
from dashboard.settings import Settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import AuditEntry, Jurisdiction

logger = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
HEAD = "{http://xml.kishou.go.jp/jmaxml1/informationBasis1/}"
# Reports older than this (by the feed's <updated> or the report's time) start nothing.
MAX_REPORT_AGE = timedelta(hours=1)
# Newest entries of a feed looked at per poll (JMA's feed lists the last few days).
MAX_ENTRIES = 20

__all__ = ["FetchFailed", "fetch", "poll_jma_feed", "poll_jma_job"]


@dataclass(frozen=True)
class ReportRef:
    """One report to read: a stable id (≤ 64 chars), its URL or its bytes, its time if known."""

    report_id: str
    url: str | None
    data: bytes | None
    updated: datetime | None


@dataclass(frozen=True)
class PollResult:
    report_id: str
    area_code: str | None
    intensity: str | None
    rollcall_id: int | None
    invalid: bool = False
    action: str = "acted"


def _time(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None


def _digest(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return hashlib.sha256(raw).hexdigest()[:24]


def report_refs(data: bytes, url: str) -> list[ReportRef]:
    """The intensity reports a fetched document stands for: a feed's matching entries (newest
    first), or the document itself when it is a report. Malformed: one ref that will not parse."""
    try:
        root = ET.fromstring(data) if b"<!DOCTYPE" not in data[:4096].upper() else None
    except ET.ParseError:
        root = None
    if root is None or root.tag != f"{ATOM}feed":
        updated = None
        if root is not None:
            updated = _time(root.findtext(f"{HEAD}Head/{HEAD}ReportDateTime"))
        return [ReportRef("xml:" + _digest(data), None, data, updated)]
    refs, seen = [], set()
    for entry in root.iter(f"{ATOM}entry"):
        title = (entry.findtext(f"{ATOM}title") or "").strip()
        link = entry.find(f"{ATOM}link")
        href = urljoin(url, (link.get("href") if link is not None else None) or "")
        if title not in INTENSITY_TITLES or link is None:
            continue
        entry_id = (entry.findtext(f"{ATOM}id") or href).strip()
        report_id = "feed:" + _digest(entry_id)
        if report_id in seen:
            continue  # a feed whose entries repeat: each telegram once
        seen.add(report_id)
        updated = _time(entry.findtext(f"{ATOM}updated"))
        refs.append(ReportRef(report_id, href, None, updated))
    refs.sort(key=lambda r: r.updated.timestamp() if r.updated else 0.0, reverse=True)
    # The newest entries, read oldest first: a 震度速報 before the 震源・震度 that follows it.
    return refs[:MAX_ENTRIES][::-1]


def _areas(engine: Engine, settings: Settings) -> list[str]:
    if settings.jma_area_codes:
        return list(settings.jma_area_codes)
    with reading(engine) as session:
        stmt = select(Jurisdiction.code).where(Jurisdiction.parent_code.is_(None))
        return sorted(session.scalars(stmt))


def _seen(engine: Engine, report_ids: list[str]) -> set[str]:
    with reading(engine) as session:
        stmt = select(AuditEntry.entity_id).where(
            AuditEntry.action == AuditAction.JMA_REPORT_READ.value,
            AuditEntry.entity_id.in_(report_ids),
        )
        return set(session.scalars(stmt))


def _mark_read(engine: Engine, ref: ReportRef, detail: dict, now: datetime) -> None:
    with transaction(engine) as session:
        record_audit(
            session,
            SYSTEM,
            AuditAction.JMA_REPORT_READ,
            entity="jma_report",
            entity_id=ref.report_id,
            detail=detail,
            at=now,
        )


def poll_jma_feed(engine: Engine, *, settings: Settings, now: datetime) -> list[PollResult]:
    """Fetch the configured feed once, within one deadline, and act on the telegrams not read
    yet; the outcome is recorded as the feed's health."""
    url = settings.jma_feed_url
    if not url:
        return []
    limits = Limits.for_feed(
        url,
        seconds=settings.jma_deadline_seconds,
        max_bytes=settings.jma_max_bytes,
        allowed=settings.jma_allowed_hosts,
    )
    try:
        refs = report_refs(fetch_within(url, limits), url)
    except FetchFailed as exc:
        logger.warning("JMA feed not fetched: %s", exc)
        record_poll(engine, settings, error=str(exc), now=now)
        return []
    seen = _seen(engine, [r.report_id for r in refs])
    results: list[PollResult] = []
    failed = None
    for ref in refs:
        if ref.report_id in seen:
            continue
        if ref.updated is not None and ref.updated.tzinfo is not None:
            if now - ref.updated > MAX_REPORT_AGE:
                _mark_read(engine, ref, {"skipped": "old"}, now)
                continue
        try:
            data = ref.data if ref.data is not None else fetch_within(ref.url, limits)
        except FetchFailed as exc:
            logger.warning("JMA report not fetched (next poll retries): %s", exc)
            failed = f"report: {exc}"
            continue
        results.extend(_act_on(engine, settings, ref, data, now))
    record_poll(engine, settings, error=failed, now=now)
    return results


def _act_on(
    engine: Engine, settings: Settings, ref: ReportRef, data: bytes, now: datetime
) -> list[PollResult]:
    try:
        telegram = parse_telegram(data)
    except ValidationFailed:
        logger.warning("JMA report %s does not parse; recorded as read", ref.report_id)
        _mark_read(engine, ref, {"invalid": True}, now)
        return [PollResult(ref.report_id, None, None, None, invalid=True, action="invalid")]
    outcome = handle_telegram(
        engine,
        telegram,
        areas=_areas(engine, settings),
        accept_drills=settings.jma_accept_drills,
        lang=settings.default_language,
        now=now,
    )
    _mark_read(
        engine,
        ref,
        {"event": telegram.event_id, "status": telegram.status, "action": outcome.action},
        now,
    )
    if not outcome.intensities:
        return [PollResult(ref.report_id, None, None, None, action=outcome.action)]
    started = outcome.started or {}
    return [
        PollResult(ref.report_id, area, value, started.get(area), action=outcome.action)
        for area, value in outcome.intensities.items()
    ]


# Per process: when the last poll started, and the thread running it (a throttle only; what was
# read is in the database).
_poll_lock = threading.Lock()
_last_poll: dict[int, tuple[datetime, threading.Thread | None]] = {}


def poll_jma_job(engine: Engine, *, now: datetime, settings: Settings) -> None:
    """The worker's periodic job: start a poll in a thread when one is due and none is running.
    A poll still running when the next is due (it cannot outlive its deadline by much) is logged
    and recorded as the feed's error, so it never silently stops the polls."""
    if not settings.jma_feed_url:
        return
    with _poll_lock:
        last, thread = _last_poll.get(id(engine), (None, None))
        due = last is None or now - last >= timedelta(seconds=settings.jma_poll_seconds)
        if thread is not None and thread.is_alive():
            if due:
                logger.warning("JMA poll started at %s still running", last)
                record_poll(engine, settings, error="previous poll still running", now=now)
            return
        if not due:
            return
        thread = threading.Thread(
            target=_poll_logged, args=(engine, settings, now), name="jma-poll", daemon=True
        )
        _last_poll[id(engine)] = (now, thread)
        thread.start()


def _poll_logged(engine: Engine, settings: Settings, now: datetime) -> None:
    try:
        poll_jma_feed(engine, settings=settings, now=now)
    except Exception as exc:  # noqa: BLE001 - a failed poll must not end the worker's thread quietly
        logger.exception("JMA poll failed")
        try:
            record_poll(engine, settings, error=type(exc).__name__, now=now)
        except Exception:  # noqa: BLE001 - the database may be what failed
            logger.exception("JMA poll health not recorded")
