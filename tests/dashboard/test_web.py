"""The LINE WORKS bot callback over HTTP, against the app as ``streamlit run dashboard/app.py``.

A 了解 tapped in a ward's talk room arrives as a signed POST; the answer comes at once and the
acknowledgement is recorded right after. Forged or foreign callbacks acknowledge nothing.
"""

from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy import select

from dashboard.services import directives
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import ChannelTarget, DirectiveDelivery
from dashboard.web import CALLBACK_PATH, SIGNATURE_HEADER
from tests.dashboard.channels.fakes import lineworks_tap
from tests.e2e.harness import REPO_ROOT, run_streamlit
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
        # The pages are still served by the same process.
        assert requests.get(base_url + "/_stcore/health", timeout=10).text == "ok"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_without_a_bot_secret_the_callback_is_not_there(database_url):
    env = {"DASHBOARD_DATABASE_URL": database_url, "DASHBOARD_WORKER_IN_APP": "false"}
    env["DASHBOARD_LINEWORKS_BOT_SECRET"] = ""
    with run_streamlit(APP, env=env) as base_url:
        body, headers = tapped(1, "room-kita")
        answer = requests.post(base_url + CALLBACK_PATH, data=body, headers=headers, timeout=10)
        assert answer.status_code == 404
