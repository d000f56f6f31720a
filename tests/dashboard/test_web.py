"""The LINE WORKS bot callback over HTTP, against the app as ``streamlit run dashboard/app.py``.

A 了解 tapped in a ward's talk room arrives as a signed POST; the answer comes at once and the
acknowledgement is recorded right after. Forged or foreign callbacks acknowledge nothing.
"""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests
import uvicorn
from sqlalchemy import select, update
from starlette.applications import Starlette

from dashboard import web
from dashboard.services import directives
from dashboard.settings import get_settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import ChannelTarget, DirectiveDelivery, User
from dashboard.web import CALLBACK_PATH, MAX_BODY_BYTES, SESSION_PATH, SIGNATURE_HEADER
from tests.dashboard.channels.fakes import lineworks_tap
from tests.dashboard.services.chatbot.fake_lineworks import signature_of
from tests.e2e.harness import REPO_ROOT, free_port, run_streamlit
from tests.factories import CHUO, KITA

APP = REPO_ROOT / "dashboard" / "app.py"
BOT_SECRET = "callback-test-secret"
# How long the acknowledgement may take after the answer (it is done in the background).
ACK_WITHIN_S = 10


def tapped(delivery_id: int, room: str, secret: str = BOT_SECRET) -> tuple[bytes, dict]:
    """The request LINE WORKS sends when 了解 is tapped in ``room``."""
    body, signature = lineworks_tap(delivery_id, room, secret)
    return body, {SIGNATURE_HEADER: signature, "Content-Type": "application/json"}


def acknowledged_at(engine, delivery_id: int):
    with reading(engine) as s:
        return s.get(DirectiveDelivery, delivery_id).acknowledged_at


def test_a_tap_in_the_wards_room_acknowledges_and_forgeries_do_not(city):
    engine = city.engine
    with transaction(engine) as s:
        config = {"channel_id": "room-kita", "ack_action": "message"}
        s.add(ChannelTarget(jurisdiction_code=KITA, kind="lineworks", config=config))
        # The bot acts only for LINE WORKS users it knows: u-1 is 北区's head.
        s.execute(update(User).where(User.username == "kita_head").values(lineworks_user_id="u-1"))
    directive_id = directives.send_directive(
        engine, city.mayor, submission_id="cb", ward_codes=[KITA, CHUO], template="report_damage"
    )
    with reading(engine) as s:
        rows = s.scalars(
            select(DirectiveDelivery).where(DirectiveDelivery.directive_id == directive_id)
        )
        delivery = {d.jurisdiction_code: d.id for d in rows}
    env = {
        "DASHBOARD_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "DASHBOARD_LINEWORKS_BOT_SECRET": BOT_SECRET,
        "DASHBOARD_WORKER_IN_APP": "false",
    }
    with run_streamlit(APP, env=env) as base_url:
        url = base_url + CALLBACK_PATH
        # A wrong signature is refused before anything is read.
        body, headers = tapped(delivery[KITA], "room-kita", secret="not-the-secret")
        assert requests.post(url, data=body, headers=headers, timeout=10).status_code == 403
        # 北区's room cannot acknowledge for 中央区 (answered, then refused and logged).
        body, headers = tapped(delivery[CHUO], "room-kita")
        assert requests.post(url, data=body, headers=headers, timeout=10).status_code == 200
        # The real tap.
        body, headers = tapped(delivery[KITA], "room-kita")
        answer = requests.post(url, data=body, headers=headers, timeout=10)
        assert (answer.status_code, answer.text) == (200, "ok")
        deadline = time.monotonic() + ACK_WITHIN_S
        while acknowledged_at(engine, delivery[KITA]) is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert acknowledged_at(engine, delivery[KITA]) is not None
        assert acknowledged_at(engine, delivery[CHUO]) is None
        # The same event again (a replay) is taken once.
        answer = requests.post(url, data=body, headers=headers, timeout=10)
        assert (answer.status_code, answer.text) == (200, "duplicate")
        # An event issued long ago is refused.
        old = body.replace(b'"issuedTime": "', b'"issuedTime": "2020-01-01T00:00:00.000Z", "x": "')
        headers = {**headers, SIGNATURE_HEADER: signature_of(old, BOT_SECRET)}
        answer = requests.post(url, data=old, headers=headers, timeout=10)
        assert (answer.status_code, answer.text) == (400, "event too old")
        # Too large: refused by its length, or (chunked, no length) once past the limit.
        huge = b"{" + b" " * (MAX_BODY_BYTES + 1) + b"}"
        assert requests.post(url, data=huge, headers=headers, timeout=10).status_code == 413
        answer = requests.post(url, data=iter([huge[:1000], huge]), headers=headers, timeout=10)
        assert answer.status_code == 413
        # The pages are still served by the same process.
        assert requests.get(base_url + "/_stcore/health", timeout=10).text == "ok"


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory):
    """The app on an empty SQLite database, without LINE WORKS settings."""
    db = tmp_path_factory.mktemp("web") / "web.sqlite3"
    env = {
        "DASHBOARD_DATABASE_URL": f"sqlite:///{db}",
        "DASHBOARD_WORKER_IN_APP": "false",
        "DASHBOARD_LINEWORKS_BOT_SECRET": "",
        "DASHBOARD_SESSION_HOURS": "8",
    }
    with run_streamlit(APP, env=env) as base_url:
        yield base_url


def test_without_a_bot_secret_the_callback_is_not_there(plain_app):
    body, headers = tapped(1, "room-kita")
    answer = requests.post(plain_app + CALLBACK_PATH, data=body, headers=headers, timeout=10)
    assert answer.status_code == 404


@pytest.fixture
def in_process_app(monkeypatch):
    """The app's HTTP routes under uvicorn in this process, so a test can issue handover codes
    as the page's server side does (``web.issue_handover``)."""
    monkeypatch.setenv("DASHBOARD_SESSION_HOURS", "8")
    get_settings.cache_clear()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            Starlette(routes=web.ROUTES), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    get_settings.cache_clear()


def test_the_login_cookie_is_set_httponly_for_a_one_time_code_only(in_process_app):
    base = in_process_app
    url = base + SESSION_PATH
    same_origin = {"Origin": base, "Content-Type": "application/json"}

    code = web.issue_handover("t0k3n")
    answer = requests.post(url, json={"code": code}, headers=same_origin, timeout=10)
    assert answer.status_code == 200
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("dashboard_session=t0k3n;")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Max-Age=28800" in cookie  # DASHBOARD_SESSION_HOURS=8
    assert "Secure" not in cookie  # plain http on the city LAN; https adds it
    # The code works once; a token itself (or a made-up code) sets nothing.
    again = requests.post(url, json={"code": code}, headers=same_origin, timeout=10)
    assert again.status_code == 403 and "set-cookie" not in again.headers
    for made_up in ({"code": "t0k3n"}, {"token": "t0k3n"}):
        answer = requests.post(url, json=made_up, headers=same_origin, timeout=10)
        assert answer.status_code in (400, 403) and "set-cookie" not in answer.headers
    # Logout clears it.
    answer = requests.post(
        url, json={"code": web.issue_handover("")}, headers=same_origin, timeout=10
    )
    assert "Max-Age=0" in answer.headers["set-cookie"]
    # Another site cannot plant a login, neither by fetch nor by a form.
    other = {"Origin": "http://evil.example", "Content-Type": "application/json"}
    code = web.issue_handover("x")
    assert requests.post(url, json={"code": code}, headers=other, timeout=10).status_code == 403
    assert requests.post(url, json={"code": code}, timeout=10).status_code == 403
    form = {"Origin": base, "Content-Type": "application/x-www-form-urlencoded"}
    assert requests.post(url, data=f"code={code}", headers=form, timeout=10).status_code == 415
    for bad in ({"code": 5}, {"code": "x" * 500}, ["code"]):
        answer = requests.post(url, json=bad, headers=same_origin, timeout=10)
        assert answer.status_code == 400 and "set-cookie" not in answer.headers


def test_a_handover_code_expires(monkeypatch):
    code = web.issue_handover("t0k3n")
    later = time.monotonic() + web.HANDOVER_SECONDS + 1
    monkeypatch.setattr(web.time, "monotonic", lambda: later)
    assert web.redeem_handover(code) is None


def test_a_body_too_large_is_refused_before_it_is_read(plain_app):
    """A client announcing a gigabyte gets 413 at once, without the server waiting for (or
    storing) the body; a chunked body is cut off once past the limit."""
    parts = urlsplit(plain_app)
    request = (
        f"POST {SESSION_PATH} HTTP/1.1\r\nHost: {parts.netloc}\r\nOrigin: {plain_app}\r\n"
        'Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{"token": '
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request.encode())
        answer = sock.recv(1024).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413")

    headers = {"Origin": plain_app, "Content-Type": "application/json"}
    chunks = iter([b'{"token": "', b"x" * 4096, b'"}'])
    answer = requests.post(plain_app + SESSION_PATH, data=chunks, headers=headers, timeout=10)
    assert answer.status_code == 413 and "set-cookie" not in answer.headers
    # A small body is read (an unknown code: refused for that, not for its size).
    answer = requests.post(plain_app + SESSION_PATH, json={"code": "ok"}, headers=headers)
    assert answer.status_code == 403
