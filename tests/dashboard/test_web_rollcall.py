"""The roll-call answer over plain HTTP (``POST /rollcall/answer``), served by uvicorn on
127.0.0.1 with the app's own routes: the token is the authorisation, JSON only."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests
import uvicorn
from starlette.applications import Starlette

from dashboard import web
from dashboard.services import rollcall
from dashboard.services.rollcall.links import make_answer_token
from dashboard.settings import get_settings
from dashboard.storage.db import reading
from dashboard.storage.models import RollCallRecipient, utcnow
from tests.factories import CITY

SECRET = "web-rollcall-secret-0123"
CSV = "employee_number,name,unit_code,tier,email\nK1,北 一郎,27127,1,k1@example.lg.jp\n".encode()


@pytest.fixture
def server(city, database_url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", database_url)
    monkeypatch.setenv("DASHBOARD_SECRET_KEY", SECRET)
    get_settings.cache_clear()
    web._engine.cache_clear()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        Starlette(routes=web.ROUTES), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}{web.ROLLCALL_ANSWER_PATH}"
    server.should_exit = True
    thread.join(10)
    web._engine().dispose()
    web._engine.cache_clear()
    get_settings.cache_clear()


def test_an_answer_posted_with_the_personal_token_is_stored_and_forgeries_are_not(city, server):
    rollcall.import_staff(city.engine, city.admin, CSV, dry_run=False)
    rc = rollcall.start_rollcall(city.engine, city.admin, submission_id="w", scope_code=CITY)
    with reading(city.engine) as s:
        recipient = s.query(RollCallRecipient).filter_by(rollcall_id=rc).one()
    token = make_answer_token(recipient.id, recipient.staff_id, secret=SECRET, now=utcnow())
    body = {
        "token": token,
        "submission_id": "a1",
        "safety": "safe",
        "attendance": "can_come",
        "eta_minutes": 45,
    }
    assert requests.post(server, json=body, timeout=10).status_code == 200
    assert rollcall.board(city.engine, city.admin, rc).total.answered == 1
    forged = dict(body, token=token[:-2] + "xx", submission_id="a2")
    assert requests.post(server, json=forged, timeout=10).status_code == 403
    wrong = dict(body, submission_id="a3", attendance="maybe")
    answer = requests.post(server, json=wrong, timeout=10)
    assert answer.status_code == 422 and answer.json()["fields"] == ["attendance"]
    typed = dict(body, submission_id="a4", eta_minutes="45")
    assert requests.post(server, json=typed, timeout=10).status_code == 400
    form = requests.post(server, data=body, timeout=10)  # a cross-site form cannot post
    assert form.status_code == 415
    page = rollcall.answer_page(city.engine, token)
    assert [h.eta_minutes for h in page.history] == [45]
