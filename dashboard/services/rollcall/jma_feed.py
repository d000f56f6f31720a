"""JMA disaster-information XML (気象庁防災情報XML) read from a URL: 震度速報 and 震源・震度に関する
情報 start a roll-call for 5弱 or more in the area, as a typed intensity does.

Only when configured (``DASHBOARD_JMA_FEED_URL``; LAN-only installs leave it unset and nothing is
ever fetched). The URL is either JMA's Atom feed (``eqvol.xml``, or a mirror of it on the LAN),
whose entries titled 震度速報 / 震源・震度に関する情報 link the reports, or one report's XML.
Every fetch has a timeout and a size limit; a report is read once (a ``jma_report.read`` audit
entry names it), reports older than ``MAX_REPORT_AGE`` are skipped so that a first poll does not
call staff in for last week's earthquake, and a report that does not parse is recorded as read
and logged, never retried in a loop. The worker runs the poll in a thread of its own at most
every ``jma_poll_seconds``, so a slow feed never holds up message delivery; the roll-call's
submission id (report and area) keeps two workers from starting it twice.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select

from dashboard.domain import SYSTEM
from dashboard.errors import ValidationFailed
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.rollcall.calls import scope_codes_under
from dashboard.services.rollcall.jma import intensity_for, read_intensities
from dashboard.services.rollcall.triggers import INTENSITY_TIERS, record_intensity
from dashboard.settings import Settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import AuditEntry, Jurisdiction

logger = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
JMAXML = "{http://xml.kishou.go.jp/jmaxml1/}"
HEAD = "{http://xml.kishou.go.jp/jmaxml1/informationBasis1/}"
# Feed entry titles of the reports that carry seismic intensities.
INTENSITY_TITLES = ("震度速報", "震源・震度に関する情報")
# Reports older than this (by the feed's <updated> or the report's time) start nothing.
MAX_REPORT_AGE = timedelta(hours=1)
# Newest entries of a feed looked at per poll (JMA's feed lists the last few days).
MAX_ENTRIES = 20
# URL schemes fetched at all.
SCHEMES = ("http://", "https://")


class FetchFailed(Exception):
    """The feed or a report could not be fetched within the limits (logged, not shown)."""


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


def fetch(url: str, *, timeout: float, max_bytes: int) -> bytes:
    """The body at ``url``; refused beyond ``max_bytes`` or ``timeout`` seconds per read."""
    if not url.startswith(SCHEMES):
        raise FetchFailed("not an http(s) URL")
    request = urllib.request.Request(url, headers={"User-Agent": "disaster-dashboard"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchFailed("too large")
            data = response.read(max_bytes + 1)
    except FetchFailed:
        raise
    except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts are OSErrors
        raise FetchFailed(type(exc).__name__) from None
    if len(data) > max_bytes:
        raise FetchFailed("too large")
    return data


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
    refs = []
    for entry in root.iter(f"{ATOM}entry"):
        title = (entry.findtext(f"{ATOM}title") or "").strip()
        link = entry.find(f"{ATOM}link")
        href = (link.get("href") if link is not None else None) or ""
        if title not in INTENSITY_TITLES or not href:
            continue
        entry_id = (entry.findtext(f"{ATOM}id") or href).strip()
        updated = _time(entry.findtext(f"{ATOM}updated"))
        refs.append(ReportRef("feed:" + _digest(entry_id), href, None, updated))
    refs.sort(key=lambda r: r.updated.timestamp() if r.updated else 0.0, reverse=True)
    return refs[:MAX_ENTRIES]


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
    """Fetch the configured feed once and act on the intensity reports not read yet."""
    url = settings.jma_feed_url
    if not url:
        return []
    limits = {"timeout": settings.jma_timeout_seconds, "max_bytes": settings.jma_max_bytes}
    try:
        refs = report_refs(fetch(url, **limits), url)
    except FetchFailed as exc:
        logger.warning("JMA feed not fetched: %s", exc)
        return []
    seen = _seen(engine, [r.report_id for r in refs])
    results: list[PollResult] = []
    for ref in refs:
        if ref.report_id in seen:
            continue
        if ref.updated is not None and ref.updated.tzinfo is not None:
            if now - ref.updated > MAX_REPORT_AGE:
                _mark_read(engine, ref, {"skipped": "old"}, now)
                continue
        try:
            data = ref.data if ref.data is not None else fetch(ref.url, **limits)
        except FetchFailed as exc:
            logger.warning("JMA report not fetched (will retry): %s", exc)
            continue
        results.extend(_act_on(engine, settings, ref, data, now))
    return results


def _act_on(
    engine: Engine, settings: Settings, ref: ReportRef, data: bytes, now: datetime
) -> list[PollResult]:
    try:
        found = read_intensities(data)
    except ValidationFailed:
        logger.warning("JMA report %s does not parse; recorded as read", ref.report_id)
        _mark_read(engine, ref, {"invalid": True}, now)
        return [PollResult(ref.report_id, None, None, None, invalid=True)]
    results, detail = [], {}
    for area in _areas(engine, settings):
        with reading(engine) as session:
            codes = scope_codes_under(session, area)
        intensity = intensity_for(found, codes)
        detail[area] = intensity
        started = None
        if intensity is not None and intensity in INTENSITY_TIERS:
            started = record_intensity(
                engine,
                SYSTEM,
                submission_id=f"jma:{ref.report_id}:{area}",
                scope_code=area,
                intensity=intensity,
                lang=settings.default_language,
                now=now,
            )
        results.append(PollResult(ref.report_id, area, intensity, started))
    _mark_read(engine, ref, {"intensities": detail}, now)
    return results


# Per process: when the last poll started, and the thread running it (a throttle only; what was
# read is in the database).
_poll_lock = threading.Lock()
_last_poll: dict[int, tuple[datetime, threading.Thread | None]] = {}


def poll_jma_job(engine: Engine, *, now: datetime, settings: Settings) -> None:
    """The worker's periodic job: start a poll in a thread when one is due and none is running."""
    if not settings.jma_feed_url:
        return
    with _poll_lock:
        last, thread = _last_poll.get(id(engine), (None, None))
        if thread is not None and thread.is_alive():
            return
        if last is not None and now - last < timedelta(seconds=settings.jma_poll_seconds):
            return
        thread = threading.Thread(
            target=_poll_logged, args=(engine, settings, now), name="jma-poll", daemon=True
        )
        _last_poll[id(engine)] = (now, thread)
        thread.start()


def _poll_logged(engine: Engine, settings: Settings, now: datetime) -> None:
    try:
        poll_jma_feed(engine, settings=settings, now=now)
    except Exception:  # noqa: BLE001 - a failed poll must not end the worker's thread quietly
        logger.exception("JMA poll failed")
