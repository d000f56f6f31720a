"""Local stand-ins for the remote ends: HTTP server, LINE WORKS, SMTP relay (127.0.0.1 only)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt
from aiosmtpd.controller import Controller

LOCALHOST = "127.0.0.1"


@dataclass
class Recorded:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


# respond(request) -> (status, headers, body)
Responder = Callable[[Recorded], tuple[int, dict[str, str], bytes]]


class LocalHttpServer:
    """A threaded HTTP server on 127.0.0.1 and a free port, answering through ``respond``."""

    def __init__(self, respond: Responder) -> None:
        self.requests: list[Recorded] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length") or 0)
                request = Recorded(
                    method="POST",
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length),
                )
                outer.requests.append(request)
                status, headers, body = respond(request)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request: object, client_address: object) -> None:
                # A client that timed out has gone away; the broken pipe is expected.
                pass

        self._server = Server((LOCALHOST, 0), Handler)
        # A short poll interval makes shutdown (once per test) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self._server.server_address[1]}"

    def __enter__(self) -> LocalHttpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class FakeLineWorks:
    """The token endpoint and the bot message API, checking what a real server would check.

    Anything wrong in a request is appended to ``problems`` (assertions in the server thread
    would not fail the test) and answered with 400.
    """

    client_id: str
    client_secret: str
    service_account: str
    public_key: object
    bot_id: str = "2000001"
    # Statuses returned by the next message calls before the normal 201.
    message_statuses: list[int] = field(default_factory=list)
    token_statuses: list[int] = field(default_factory=list)
    message_delay: float = 0.0
    # When True every bearer token is refused (401), as after the app's secret was rotated.
    reject_tokens: bool = False
    problems: list[str] = field(default_factory=list)
    message_calls: int = 0
    token_requests: list[dict[str, str]] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)
    message_paths: list[str] = field(default_factory=list)
    issued_tokens: list[str] = field(default_factory=list)
    valid_tokens: set[str] = field(default_factory=set)
    # What the channel needs to reach this server; filled in once the server has its port.
    credentials: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def respond(self, request: Recorded) -> tuple[int, dict[str, str], bytes]:
        if request.path == "/oauth2/v2.0/token":
            return self._token(request)
        if re.fullmatch(r"/v1\.0/bots/[^/]+/(channels|users)/[^/]+/messages", request.path):
            return self._message(request)
        self.problems.append(f"unexpected path {request.path}")
        return 404, {}, b""

    def revoke_tokens(self) -> None:
        self.valid_tokens.clear()

    def _token(self, request: Recorded) -> tuple[int, dict[str, str], bytes]:
        if self.token_statuses:
            status = self.token_statuses.pop(0)
            return status, {}, b'{"error":"server_error"}'
        content_type = request.header("Content-Type") or ""
        if not content_type.startswith("application/x-www-form-urlencoded"):
            self.problems.append(f"token request content type {content_type}")
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        self.token_requests.append(form)
        expected = {
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "scope": "bot",
        }
        for name, value in expected.items():
            if form.get(name) != value:
                self.problems.append(f"token form {name}={form.get(name)!r}")
        if set(form) != {*expected, "assertion"}:
            self.problems.append(f"token form fields {sorted(form)}")
        try:
            header = jwt.get_unverified_header(form.get("assertion", ""))
            claims = jwt.decode(
                form.get("assertion", ""),
                self.public_key,
                algorithms=["RS256"],
                options={"require": ["iss", "sub", "iat", "exp"]},
            )
        except jwt.PyJWTError as exc:
            self.problems.append(f"JWT rejected: {exc}")
            return 400, {}, b'{"error":"invalid_grant"}'
        if header.get("alg") != "RS256":
            self.problems.append(f"JWT alg {header.get('alg')}")
        if claims["iss"] != self.client_id or claims["sub"] != self.service_account:
            self.problems.append(f"JWT iss/sub {claims['iss']}/{claims['sub']}")
        if claims["exp"] - claims["iat"] != 3600 or abs(claims["iat"] - time.time()) > 60:
            self.problems.append(f"JWT times iat={claims['iat']} exp={claims['exp']}")
        if self.problems:
            return 400, {}, b'{"error":"invalid_request"}'
        with self._lock:
            token = f"token-{len(self.issued_tokens) + 1}"
            self.issued_tokens.append(token)
            self.valid_tokens.add(token)
        # LINE WORKS sends expires_in as a string.
        answer = {
            "access_token": token,
            "refresh_token": "refresh",
            "scope": "bot",
            "token_type": "Bearer",
            "expires_in": "86400",
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()

    def _message(self, request: Recorded) -> tuple[int, dict[str, str], bytes]:
        self.message_calls += 1
        if self.message_delay:
            time.sleep(self.message_delay)
        if self.message_statuses:
            status = self.message_statuses.pop(0)
            headers = {"Retry-After": "30"} if status == 429 else {}
            return status, headers, b'{"code":"SERVER_ERROR","description":"scripted"}'
        authorization = request.header("Authorization") or ""
        token = authorization.removeprefix("Bearer ")
        if not authorization.startswith("Bearer ") or token not in self.valid_tokens:
            return 401, {}, b'{"code":"UNAUTHORIZED","description":"Authentication failed"}'
        if self.reject_tokens:
            return 401, {}, b'{"code":"UNAUTHORIZED","description":"Authentication failed"}'
        try:
            payload = json.loads(request.body)
            content = payload["content"]
        except (ValueError, KeyError, TypeError):
            self.problems.append("message body is not a JSON object with content")
            return 400, {}, b'{"code":"INVALID_PARAMETER"}'
        if content.get("type") != "button_template":
            self.problems.append(f"content type {content.get('type')}")
        text = content.get("contentText")
        if not isinstance(text, str) or not text or len(text) > 1000:
            self.problems.append("contentText missing or over 1000 characters")
        actions = content.get("actions")
        if not isinstance(actions, list) or not 1 <= len(actions) <= 10:
            self.problems.append("expected one to ten actions")
        if self.problems:
            return 400, {}, b'{"code":"INVALID_PARAMETER"}'
        self.messages.append(payload)
        self.message_paths.append(request.path)
        return 201, {}, b""


def closed_port() -> int:
    """A port nothing listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return sock.getsockname()[1]


@contextmanager
def silent_tcp_server() -> Iterator[int]:
    """A port that accepts connections and never says anything (an SMTP relay that hangs)."""
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        sock.listen(4)
        yield sock.getsockname()[1]


class RecordingSmtpHandler:
    """aiosmtpd handler keeping every accepted mail; refuses the recipients it is told to."""

    def __init__(self) -> None:
        self.mails: list[tuple[str, list[str], bytes]] = []
        # address -> SMTP reply for RCPT TO, e.g. "550 5.1.1 No such user".
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(handler: RecordingSmtpHandler, **smtp_options: object) -> Iterator[int]:
    """An aiosmtpd relay on 127.0.0.1; yields its port."""
    controller = Controller(handler, hostname=LOCALHOST, port=closed_port(), **smtp_options)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


@contextmanager
def running_lineworks(
    private_pem: str, public_key: object, *, service_account: str = "sa@example.lg.jp"
) -> Iterator[FakeLineWorks]:
    """A fake LINE WORKS (token endpoint and bot API) on 127.0.0.1, with ``credentials`` that
    point the real channel at it."""
    fake = FakeLineWorks(
        client_id="client-abc",
        client_secret="secret-xyz",
        service_account=service_account,
        public_key=public_key,
    )
    with LocalHttpServer(fake.respond) as server:
        fake.credentials = {
            "client_id": fake.client_id,
            "client_secret": fake.client_secret,
            "service_account": fake.service_account,
            "private_key": private_pem,
            "bot_id": fake.bot_id,
            "token_url": f"{server.url}/oauth2/v2.0/token",
            "api_base": f"{server.url}/v1.0",
        }
        yield fake


def lineworks_tap(delivery_id: int, room: str, secret: str) -> tuple[bytes, str]:
    """The body and ``X-WORKS-Signature`` LINE WORKS sends when 了解 is tapped in ``room``."""
    body = json.dumps(
        {
            "type": "message",
            "source": {"userId": "u-1", "channelId": room},
            # Now: the bot refuses events older than a few minutes.
            "issuedTime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "content": {"type": "text", "text": "了解", "postback": f"ack:{delivery_id}"},
        }
    ).encode()
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return body, signature.decode()
