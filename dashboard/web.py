"""HTTP endpoints beside the Streamlit pages (mounted by ``app.py``).

``POST /session``: sets (or clears) the login cookie as ``HttpOnly``, so that no script in the
page can read it. A script cannot set such a cookie and Streamlit's own responses carry no
header of ours; the page sends the new token here right after a login (``ui.state``). Only
same-origin JSON requests are taken: another site can neither post here nor read the answer.

``POST /rollcall/answer``: a staff member's roll-call answer as JSON (the personal signed token
in the body is the whole authorisation, as on the answer page); for phones without the page's
script and for load tests. JSON only, so no cross-site form can post here. The token is never
logged.

``GET /tiles/{z}/{x}/{y}.png``: a tile of the base map the app serves from a local file
(``DASHBOARD_TILES=local`` or ``demo``, see ``dashboard.maps.basemap``): the file's content type,
a day of browser caching with an ETag, 404 for a tile the file does not hold or when no local
base map is set. Only whole numbers make a path here, so no path can leave the file; tiles are
read with bounded sizes in a worker thread. Tiles are no secret, so no login is asked.

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
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from dashboard.channels.lineworks import verify_callback_signature
from dashboard.errors import PermissionDenied, ServiceError, ValidationFailed
from dashboard.maps.basemap import TILE_ROUTE, local_base_map
from dashboard.services import directives, rollcall
from dashboard.settings import get_settings
from dashboard.storage.db import make_engine
from dashboard.web_mapdata import ROUTES as MAPDATA_ROUTES

CALLBACK_PATH = "/lineworks/callback"
SESSION_PATH = "/session"
ROLLCALL_ANSWER_PATH = "/rollcall/answer"
# Fields of a roll-call answer body besides the token.
ANSWER_FIELDS = (
    "submission_id",
    "safety",
    "attendance",
    "eta_minutes",
    "reason",
    "place",
    "comment",
)
ANSWER_TEXT_FIELDS = ("safety", "attendance", "reason", "place", "comment")
# An answer body is small; anything larger is not one.
MAX_ANSWER_BYTES = 8 * 1024
# Name of the cookie that keeps a login across page reloads (read by ui.state.resume_login).
SESSION_COOKIE = "dashboard_session"
# Longest token accepted (ours are 43 characters of URL-safe base64).
TOKEN_MAX = 128
SIGNATURE_HEADER = "X-WORKS-Signature"
# Base map tiles: browsers keep them a day (the URL names the file's version); absent tiles an hour.
TILE_CACHE = "public, max-age=86400"
MISSING_TILE_CACHE = "public, max-age=3600"
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


async def rollcall_answer(request: Request) -> Response:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return PlainTextResponse("JSON only", status_code=415)
    body = await request.body()
    if len(body) > MAX_ANSWER_BYTES:
        return PlainTextResponse("body too large", status_code=413)
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("token"), str):
        return PlainTextResponse("a JSON object with a token", status_code=400)
    fields = {k: data.get(k) for k in ANSWER_FIELDS}
    if not isinstance(fields["submission_id"], str) or not 0 < len(fields["submission_id"]) <= 64:
        return PlainTextResponse("submission_id must be a short string", status_code=400)
    eta = fields["eta_minutes"]
    wrong_text = any(
        fields[k] is not None and not isinstance(fields[k], str) for k in ANSWER_TEXT_FIELDS
    )
    if wrong_text or (eta is not None and (isinstance(eta, bool) or not isinstance(eta, int))):
        return PlainTextResponse("fields of the wrong type", status_code=400)
    try:
        saved = await run_in_threadpool(rollcall.submit_answer, _engine(), data["token"], **fields)
    except PermissionDenied as exc:
        return JSONResponse({"error": exc.key}, status_code=403)
    except ValidationFailed as exc:
        return JSONResponse({"error": exc.key, "fields": sorted(exc.fields)}, status_code=422)
    except ServiceError as exc:  # the database away or busy
        return JSONResponse({"error": exc.key}, status_code=503)
    return JSONResponse({"answered_at": saved.answered_at.isoformat()})


async def base_map_tile(request: Request) -> Response:
    params = request.path_params
    return await run_in_threadpool(
        _tile_response,
        params["z"],
        params["x"],
        params["y"],
        params["ext"],
        request.headers.get("if-none-match"),
    )


def _tile_response(z: int, x: int, y: int, ext: str, if_none_match: str | None) -> Response:
    """The answer to a tile request (in a worker thread: it reads the file)."""
    served = local_base_map()
    if served is None:
        return PlainTextResponse("no local base map is set", status_code=404)
    if ext != served.info.extension:
        return PlainTextResponse("no such tile", status_code=404)
    etag = f'"{served.version}-{z}-{x}-{y}"'
    if if_none_match == etag:
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": TILE_CACHE})
    tile = served.file.tile(z, x, y)
    if tile is None:
        headers = {"Cache-Control": MISSING_TILE_CACHE}
        return PlainTextResponse("no such tile", status_code=404, headers=headers)
    headers = {"ETag": etag, "Cache-Control": TILE_CACHE, "X-Content-Type-Options": "nosniff"}
    return Response(tile, media_type=served.info.media_type, headers=headers)


ROUTES = [
    Route(CALLBACK_PATH, lineworks_callback, methods=["POST"]),
    Route(SESSION_PATH, session_cookie, methods=["POST"]),
    Route(ROLLCALL_ANSWER_PATH, rollcall_answer, methods=["POST"]),
    Route(TILE_ROUTE + "/{z:int}/{x:int}/{y:int}.{ext}", base_map_tile, methods=["GET", "HEAD"]),
    *MAPDATA_ROUTES,  # GET /mapdata/{token}: the situation map's data (dashboard.web_mapdata)
]
