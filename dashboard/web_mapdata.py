"""``GET /mapdata/{token}``: a situation map's data, published by the map page (``maps.published``).

The token names one encoded map (scope, filters, language, data version); the page's map
script fetches it when its token changes. The login is the session cookie (as ``ui.state``
resumes it), and the data is served only to a login of the jurisdiction and role it was built
for, so no one reads another area's reports by guessing a token. The body is gzip (as stored;
unpacked for the rare client that does not accept it), with the token as ETag: the same token
always names the same bytes, so a browser keeps it (``private``: never in a shared cache
without the login check, see the README on caching behind nginx).
"""

from __future__ import annotations

import functools
import gzip

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from dashboard.maps import MAPDATA_ROUTE, PUBLISHED
from dashboard.services import accounts
from dashboard.settings import get_settings
from dashboard.storage.db import make_engine

# The login cookie (dashboard.web.SESSION_COOKIE; named again here to keep this module apart).
SESSION_COOKIE = "dashboard_session"
# A token names immutable bytes: the browser may keep them for the login's day.
DATA_CACHE = "private, max-age=86400, immutable"
TOKEN_LENGTH = 32


@functools.cache
def _engine() -> Engine:
    """This process's engine for the login check (the pages' engine lives in Streamlit's cache)."""
    return make_engine(get_settings().resolved_database_url)


async def map_data(request: Request) -> Response:
    token = request.path_params["token"]
    if len(token) != TOKEN_LENGTH or not all(c in "0123456789abcdef" for c in token):
        return PlainTextResponse("no such map data", status_code=404)
    login = request.cookies.get(SESSION_COOKIE, "")
    actor = await run_in_threadpool(accounts.resume_session, _engine(), login) if login else None
    if actor is None or actor.must_change_password:
        return PlainTextResponse("login required", status_code=401)
    entry = PUBLISHED.get(token)
    if entry is None or entry.scope != (actor.jurisdiction_code, actor.role):
        # Unknown, let go, or another area's: the same answer, so a token reveals nothing.
        return PlainTextResponse("no such map data", status_code=404)
    etag = f'"{token}"'
    headers = {"ETag": etag, "Cache-Control": DATA_CACHE, "Vary": "Cookie, Accept-Encoding"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(entry.gzipped, media_type="application/json", headers=headers)
    body = await run_in_threadpool(gzip.decompress, entry.gzipped)
    return Response(body, media_type="application/json", headers=headers)


ROUTES = [Route(MAPDATA_ROUTE + "/{token}", map_data, methods=["GET", "HEAD"])]
