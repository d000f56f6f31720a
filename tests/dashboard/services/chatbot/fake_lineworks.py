"""A fake LINE WORKS on 127.0.0.1 for the bot's tests and bench: the token endpoint, the bot
message API (recording what the bot says), the attachments endpoint answering 302 to a separate
file host (as the real one answers with ``apis-storage.worksmobile.com``), and a callback
sender that builds and signs events in the documented formats (developers.worksmobile.com,
"Callback", "Message Event", "Postback Event")."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

LOCALHOST = "127.0.0.1"
BOT_ID = "2000001"
BOT_SECRET = "bot-secret-for-tests"


def signature_of(body: bytes, secret: str = BOT_SECRET) -> str:
    """``X-WORKS-Signature``: base64 of HMAC-SHA256 of the raw body with the bot secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def event_body(
    user_id: str,
    content: dict | None = None,
    *,
    postback: str | None = None,
    channel_id: str | None = None,
    issued: datetime | None = None,
) -> bytes:
    """A callback body: a message event with ``content``, or (``postback``) the text event a
    message action sends, issued now unless told."""
    moment = (issued or datetime.now(UTC)).astimezone(UTC)
    source: dict = {"userId": user_id, "domainId": 40029600}
    if channel_id:
        source["channelId"] = channel_id
    if postback is not None:
        content = {"type": "text", "text": postback.split(":")[-1], "postback": postback}
    event = {
        "type": "message",
        "source": source,
        "issuedTime": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
        "content": content,
    }
    return json.dumps(event, ensure_ascii=False).encode()


def text(user_id: str, words: str, **kw) -> bytes:
    return event_body(user_id, {"type": "text", "text": words}, **kw)


def image(user_id: str, file_id: str, **kw) -> bytes:
    return event_body(user_id, {"type": "image", "fileId": file_id}, **kw)


def location(user_id: str, lat: float, lon: float, address: str = "", **kw) -> bytes:
    content = {"type": "location", "address": address, "latitude": lat, "longitude": lon}
    return event_body(user_id, content, **kw)


def tap(user_id: str, postback: str, **kw) -> bytes:
    return event_body(user_id, postback=postback, **kw)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def _serve(handle) -> _Server:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, payload = handle(method, self.path, dict(self.headers), body)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:  # noqa: N802
            self._answer("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

        def log_message(self, *args: object) -> None:
            pass

    server = _Server((LOCALHOST, 0), Handler)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    ).start()
    return server


@dataclass
class FakeBotApi:
    """What the fake LINE WORKS holds and saw. ``files``: file id -> bytes on the file host;
    ``redirects``: file id -> another Location to answer with; ``failures``: file id -> how
    many downloads answer 503 first; ``message_failures``: how many message calls answer 500
    first (nothing is recorded for them)."""

    files: dict[str, bytes] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    message_failures: int = 0
    # (user id, content) of every message the bot sent.
    sent: list[tuple[str, dict]] = field(default_factory=list)
    file_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    tokens: int = 0
    api_url: str = ""
    file_url: str = ""
    foreign_url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def texts_to(self, user_id: str) -> list[str]:
        with self._lock:
            return [c.get("text") or c.get("contentText", "") for u, c in self.sent if u == user_id]

    def last_to(self, user_id: str) -> dict:
        with self._lock:
            return [c for u, c in self.sent if u == user_id][-1]

    def quick_postbacks(self, user_id: str) -> list[str]:
        items = self.last_to(user_id).get("quickReply", {}).get("items", [])
        return [item["action"]["postback"] for item in items]

    def settings(self, **overrides):
        from dashboard.settings import Settings
        from tests.dashboard.channels.factories import make_rsa_key

        values = {
            "lineworks_client_id": "client-abc",
            "lineworks_client_secret": "secret-xyz",
            "lineworks_service_account": "bot@example.lg.jp",
            "lineworks_private_key": _private_key(make_rsa_key),
            "lineworks_bot_id": BOT_ID,
            "lineworks_bot_secret": BOT_SECRET,
            "lineworks_token_url": f"{self.api_url}/oauth2/v2.0/token",
            "lineworks_api_base": f"{self.api_url}/v1.0",
            "lineworks_file_hosts": self.file_url.removeprefix("http://"),
            "channel_timeout_seconds": 5,
        }
        values.update(overrides)
        return Settings(**values)

    # --- the servers' answers ---

    def api(self, method: str, path: str, headers: dict, body: bytes):
        if method == "POST" and path == "/oauth2/v2.0/token":
            with self._lock:
                self.tokens += 1
            answer = {"access_token": f"token-{self.tokens}", "expires_in": "86400"}
            return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()
        if not headers.get("Authorization", "").startswith("Bearer token-"):
            return 401, {}, b'{"code":"UNAUTHORIZED"}'
        sent = re.fullmatch(rf"/v1\.0/bots/{BOT_ID}/users/([^/]+)/messages", path)
        if method == "POST" and sent:
            with self._lock:
                if self.message_failures > 0:
                    self.message_failures -= 1
                    return 500, {}, b'{"code":"INTERNAL_SERVER_ERROR"}'
                self.sent.append((unquote(sent.group(1)), json.loads(body)["content"]))
            return 201, {}, b""
        found = re.fullmatch(rf"/v1\.0/bots/{BOT_ID}/attachments/([^/]+)", path)
        if method == "GET" and found:
            file_id = unquote(found.group(1))
            if file_id not in self.files and file_id not in self.redirects:
                return 404, {}, b'{"code":"NOT_FOUND"}'
            location = self.redirects.get(file_id, f"{self.file_url}/download/{file_id}")
            return 302, {"Location": location}, b""
        return 404, {}, b""

    def file_host(self, method: str, path: str, headers: dict, body: bytes):
        file_id = unquote(path.removeprefix("/download/"))
        with self._lock:
            self.file_requests.append(file_id)
            if self.failures.get(file_id, 0) > 0:
                self.failures[file_id] -= 1
                return 503, {}, b"busy"
        if file_id not in self.files:
            return 404, {}, b""
        return 200, {"Content-Type": "image/jpeg"}, self.files[file_id]

    def foreign(self, method: str, path: str, headers: dict, body: bytes):
        with self._lock:
            self.foreign_requests.append(path)
        return 200, {}, b"internal secrets"


def _private_key(make_rsa_key) -> str:
    return _KEY.setdefault("pem", make_rsa_key()[0])


_KEY: dict[str, str] = {}


@contextmanager
def fake_lineworks() -> Iterator[FakeBotApi]:
    """The fake API, its file host and a foreign host (never to be fetched), on 127.0.0.1."""
    fake = FakeBotApi()
    servers = [_serve(fake.api), _serve(fake.file_host), _serve(fake.foreign)]
    fake.api_url, fake.file_url, fake.foreign_url = (
        f"http://{LOCALHOST}:{s.server_address[1]}" for s in servers
    )
    try:
        yield fake
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
