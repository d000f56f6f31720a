"""HTTP endpoints beside the Streamlit pages (mounted by ``app.py``).

``POST /session``: sets (or clears) the login cookie as ``HttpOnly``, so that no script in the
page can read it. A script cannot set such a cookie and Streamlit's own responses carry no
header of ours, so right after a login (or logout) the page posts here a one-time code that
``issue_handover`` made for the token on the server (``ui.state``): the token itself is never
in the page. A code works once and for ``HANDOVER_SECONDS``; codes live in this process's
memory, which serves the page too (behind nginx every request of a browser reaches the same
process, see deploy/nginx.conf). Only same-origin JSON requests are taken: another site can
neither post here nor read the answer.

``POST /rollcall/answer``: a staff member's roll-call answer as JSON (the personal signed token
in the body is the whole authorisation, as on the answer page); for phones without the page's
script and for load tests. JSON only, so no cross-site form can post here. The token is never
logged.

``GET /tiles/{z}/{x}/{y}.png``: a tile of the base map the app serves from a local file
(``DASHBOARD_TILES=local`` or ``demo``, see ``dashboard.maps.basemap``): the file's content type,
a day of browser caching with an ETag, 404 for a tile the file does not hold or when no local
base map is set. Only whole numbers make a path here, so no path can leave the file; tiles are
read with bounded sizes in a worker thread. Tiles are no secret, so no login is asked.

``POST /lineworks/callback``: the LINE WORKS bot posts here for everything ward staff send it
(taps, text, photos, locations; see ``dashboard.services.chatbot``). The ``X-WORKS-Signature``
(HMAC-SHA256 of the raw body with the bot secret) is checked before anything else; a good event
is queued once (a replay is answered "duplicate", an old one refused), answered at once and
worked afterwards, as LINE WORKS asks of a callback. Set the bot's callback URL to
``https://<dashboard>/lineworks/callback`` and ``DASHBOARD_LINEWORKS_BOT_SECRET``.

The body limit, one for every route: ``ROUTES`` is passed through ``limit_bodies``, which puts
``BodyLimit`` in front of each route's handler. It refuses (413) a body whose Content-Length
is over ``MAX_BODY_BYTES`` before reading a byte, and reads any other body itself, stopping as
soon as more than the limit arrived (a chunked body has no length), before the handler runs:
no handler can read an unbounded body, also one that never reads its body. A new route is one
more entry in the ``ROUTES`` list and is covered without doing anything;
tests/dashboard/test_web_body_limit.py posts oversized bodies (with a length and chunked) to
every route of ``ROUTES`` in a server process and checks its peak memory. Handlers keep their
tighter limits (``limited_body``).
"""

from __future__ import annotations

import functools
import json
import logging
import secrets
import threading
import time
from urllib.parse import urlsplit

from sqlalchemy import Engine
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboard.channels.lineworks import verify_callback_signature
from dashboard.errors import PermissionDenied, ServiceError, Throttled, ValidationFailed
from dashboard.maps.basemap import TILE_ROUTE, local_base_map
from dashboard.services import chatbot, rollcall
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
MAX_BODY_BYTES = chatbot.MAX_CALLBACK_BYTES
# Callbacks verified but not taken, and what they are answered with.
CALLBACK_REFUSALS = {"stale": "event too old", "invalid": "not a LINE WORKS event"}
# The session request is {"code": "..."}: a few dozen bytes.
MAX_SESSION_BODY_BYTES = 1024
# How long a login handover code is good for (the page posts it at once).
HANDOVER_SECONDS = 60
# Most codes waiting at once (a code is made per login and logout; older ones go first).
HANDOVERS_MAX = 10_000

log = logging.getLogger(__name__)


class ShortInt(Convertor[int]):
    """``{name:int}`` in our paths: at most 10 digits. Starlette's own takes any
    length, and Python refuses to read a number of over 4,300 digits (a 500); a longer number
    here matches no route (404). Registered under "int", so every route is bounded."""

    regex = "[0-9]{1,10}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("int", ShortInt())


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
    try:
        received = await run_in_threadpool(
            chatbot.receive_callback, _engine(), body, signature, secret.get_secret_value()
        )
    except ServiceError:  # the database away: LINE WORKS does not resend; the person retries
        log.exception("LINE WORKS callback could not be queued")
        return PlainTextResponse("try again later", status_code=503)
    if received.outcome in CALLBACK_REFUSALS:
        return PlainTextResponse(CALLBACK_REFUSALS[received.outcome], status_code=400)
    if not received.queued:
        return PlainTextResponse(received.outcome)
    return PlainTextResponse("ok", background=BackgroundTask(_work_bot_queue))


def _work_bot_queue() -> None:
    """After the answer: work the bot's queue (runs in Starlette's thread pool); whatever is
    left is worked by the delivery worker's periodic job."""
    try:
        chatbot.process_due(_engine())
    except Exception:  # the database away: the events stay queued for the worker
        log.exception("LINE WORKS bot queue could not be worked")


_handovers: dict[str, tuple[str, float]] = {}
_handovers_lock = threading.Lock()


def issue_handover(token: str) -> str:
    """A one-time code the page trades at ``POST /session`` for the cookie of ``token`` ("" to
    clear it); the code is all the page holds."""
    code = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _handovers_lock:
        for stale in [c for c, (_, until) in _handovers.items() if until < now]:
            del _handovers[stale]
        while len(_handovers) >= HANDOVERS_MAX:
            del _handovers[next(iter(_handovers))]
        _handovers[code] = (token, now + HANDOVER_SECONDS)
    return code


def redeem_handover(code: str) -> str | None:
    """The token of a code issued here, once; None for an unknown, used or expired code."""
    with _handovers_lock:
        entry = _handovers.pop(code, None)
    if entry is None or entry[1] < time.monotonic():
        return None
    return entry[0]


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
        code = json.loads(body).get("code")
    except (ValueError, AttributeError):
        code = None
    if not isinstance(code, str) or len(code) > TOKEN_MAX or not code.isascii():
        return PlainTextResponse("code must be a short string", status_code=400)
    token = redeem_handover(code)
    if token is None:
        return PlainTextResponse("unknown, used or expired code", status_code=403)
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
    body = await limited_body(request, MAX_ANSWER_BYTES)
    if body is None:
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
    except Throttled as exc:
        return JSONResponse({"error": exc.key}, status_code=429)
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


class BodyLimit:
    """ASGI: the request body read here, at most ``limit`` bytes, before the app runs; a longer
    one (declared or streamed) is answered 413 and never held. The app gets the body replayed."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await _too_large(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        replay: list[Message] = [{"type": "http.request", "body": b"".join(chunks)}]

        async def replayed() -> Message:
            return replay.pop() if replay else await receive()

        await self.app(scope, replayed, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    # Connection: close, so the server drops the rest of the body instead of reading it.
    response = PlainTextResponse("body too large", status_code=413, headers={"Connection": "close"})
    await response(scope, receive, send)


def limit_bodies(routes: list[BaseRoute]) -> list[BaseRoute]:
    """Put ``BodyLimit`` in front of every route's handler (once)."""
    for route in routes:
        if not isinstance(route.app, BodyLimit):
            route.app = BodyLimit(route.app)
    return routes


# Every HTTP route of the app. Add new ones to this list: ``limit_bodies`` covers them.
ROUTES = limit_bodies(
    [
        Route(CALLBACK_PATH, lineworks_callback, methods=["POST"]),
        Route(SESSION_PATH, session_cookie, methods=["POST"]),
        Route(ROLLCALL_ANSWER_PATH, rollcall_answer, methods=["POST"]),
        Route(
            TILE_ROUTE + "/{z:int}/{x:int}/{y:int}.{ext}", base_map_tile, methods=["GET", "HEAD"]
        ),
        *MAPDATA_ROUTES,  # GET /mapdata/{token}: the situation map's data (dashboard.web_mapdata)
    ]
)
