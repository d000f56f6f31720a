"""HTTP endpoints beside the Streamlit pages (mounted by ``app.py``).

``POST /session``: sets (or clears) the login cookie as ``HttpOnly``, so that no script in the
page can read it. A script cannot set such a cookie and Streamlit's own responses carry no
header of ours; the page sends the new token here right after a login (``ui.state``). Only
same-origin JSON requests are taken: another site can neither post here nor read the answer.

``POST /lineworks/callback``: the LINE WORKS bot posts here when an official taps 了解 in the
talk room. The ``X-WORKS-Signature`` (HMAC-SHA256 of the raw body with the bot secret) is
checked before anything else; a good request is answered at once and acknowledged afterwards,
as LINE WORKS asks of a callback. Set the bot's callback URL to
``https://<dashboard>/lineworks/callback`` and ``DASHBOARD_LINEWORKS_BOT_SECRET``.
"""

from __future__ import annotations

import functools
import json
import logging
from urllib.parse import urlsplit

from sqlalchemy import Engine
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from dashboard.channels.lineworks import verify_callback_signature
from dashboard.errors import ServiceError
from dashboard.services import directives
from dashboard.settings import get_settings
from dashboard.storage.db import make_engine

CALLBACK_PATH = "/lineworks/callback"
SESSION_PATH = "/session"
# Name of the cookie that keeps a login across page reloads (read by ui.state.resume_login).
SESSION_COOKIE = "dashboard_session"
# Longest token accepted (ours are 43 characters of URL-safe base64).
TOKEN_MAX = 128
SIGNATURE_HEADER = "X-WORKS-Signature"
# A callback body is a small JSON event; anything larger is not one.
MAX_BODY_BYTES = 64 * 1024
# The session request is {"token": "..."}: a few dozen bytes.
MAX_SESSION_BODY_BYTES = 1024

log = logging.getLogger(__name__)


@functools.cache
def _engine() -> Engine:
    """This process's engine for callbacks (the pages' engine lives in Streamlit's cache)."""
    return make_engine(get_settings().resolved_database_url)


async def limited_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is longer than ``limit`` bytes: refused by its
    Content-Length before reading, and reading stops as soon as more than ``limit`` arrived (a
    chunked body has no length), so a large body never sits in memory."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def lineworks_callback(request: Request) -> Response:
    secret = get_settings().lineworks_bot_secret
    if secret is None or not secret.get_secret_value():
        return PlainTextResponse("LINE WORKS callback is not configured", status_code=404)
    body = await limited_body(request, MAX_BODY_BYTES)
    if body is None:
        return PlainTextResponse("body too large", status_code=413)
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not verify_callback_signature(body, signature, secret.get_secret_value()):
        return PlainTextResponse("signature does not match", status_code=403)
    task = BackgroundTask(_acknowledge, body, signature, secret.get_secret_value())
    return PlainTextResponse("ok", background=task)


def _acknowledge(body: bytes, signature: str, secret: str) -> None:
    """After the answer: record the 了解 (runs in Starlette's thread pool)."""
    try:
        outcome = directives.handle_lineworks_callback(_engine(), body, signature, secret)
    except ServiceError as exc:  # another ward's room, an unknown delivery: refused, logged
        log.warning("LINE WORKS callback refused: %s", exc)
        return
    except Exception:  # the database away: LINE WORKS will not resend, the link still works
        log.exception("LINE WORKS callback failed")
        return
    if outcome is not None:
        log.info("LINE WORKS 了解 for delivery %s (new: %s)", outcome.delivery_id, outcome.new)


async def session_cookie(request: Request) -> Response:
    origin = request.headers.get("origin")
    if origin is None or urlsplit(origin).netloc != request.headers.get("host"):
        return PlainTextResponse("same-origin requests only", status_code=403)
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return PlainTextResponse("JSON only", status_code=415)
    body = await limited_body(request, MAX_SESSION_BODY_BYTES)
    if body is None:
        return PlainTextResponse("body too large", status_code=413)
    try:
        token = json.loads(body).get("token")
    except (ValueError, AttributeError):
        token = None
    if not isinstance(token, str) or len(token) > TOKEN_MAX or not token.isascii():
        return PlainTextResponse("token must be a short string", status_code=400)
    response = JSONResponse({"ok": True})
    max_age = get_settings().session_hours * 3600 if token else 0
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=urlsplit(origin).scheme == "https",
    )
    return response


ROUTES = [
    Route(CALLBACK_PATH, lineworks_callback, methods=["POST"]),
    Route(SESSION_PATH, session_cookie, methods=["POST"]),
]
