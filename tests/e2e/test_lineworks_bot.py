"""The LINE WORKS bot end to end: 北区's staff sends a photo and a location (and taps the
category, severity and casualties) to the app's callback route, signed as LINE WORKS signs it;
the mayor's map in a real browser shows the new report within 10 s of the last message."""

from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy import update

from dashboard.storage.db import make_engine, transaction
from dashboard.storage.models import User
from tests.dashboard.channels.factories import make_rsa_key
from tests.dashboard.services.chatbot.conftest import jpeg
from tests.dashboard.services.chatbot.fake_lineworks import (
    BOT_ID,
    BOT_SECRET,
    fake_lineworks,
    image,
    location,
    signature_of,
    tap,
)
from tests.e2e.harness import browser_page, require_chromium, run_streamlit, save_screenshot
from tests.e2e.test_map import APP, REFRESH_SECONDS, VIEWPORT, open_map
from tests.factories import KITA_POINT

pytestmark = pytest.mark.e2e
STAFF = "lw-e2e-kita-staff"
# The promise: on the mayor's map within 10 s of the last message.
ON_MAP_WITHIN_MS = 10_000
# How long one bot reply may take (the event is worked right after the callback's answer).
REPLY_WITHIN_S = 15


def test_a_photo_and_location_from_kita_staff_reach_the_mayors_map(tmp_path, monkeypatch):
    require_chromium()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    database_url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    with fake_lineworks() as api:
        api.files["e2e-photo"] = jpeg()
        env = {
            "DASHBOARD_DATABASE_URL": database_url,
            "DASHBOARD_REFRESH_SECONDS": str(REFRESH_SECONDS),
            "NO_PROXY": "127.0.0.1",
            "DASHBOARD_LINEWORKS_BOT_SECRET": BOT_SECRET,
            "DASHBOARD_LINEWORKS_CLIENT_ID": "client-abc",
            "DASHBOARD_LINEWORKS_CLIENT_SECRET": "secret-xyz",
            "DASHBOARD_LINEWORKS_SERVICE_ACCOUNT": "bot@example.lg.jp",
            "DASHBOARD_LINEWORKS_PRIVATE_KEY": make_rsa_key()[0],
            "DASHBOARD_LINEWORKS_BOT_ID": BOT_ID,
            "DASHBOARD_LINEWORKS_TOKEN_URL": f"{api.api_url}/oauth2/v2.0/token",
            "DASHBOARD_LINEWORKS_API_BASE": f"{api.api_url}/v1.0",
            "DASHBOARD_LINEWORKS_FILE_HOSTS": api.file_url.removeprefix("http://"),
        }
        with run_streamlit(APP, env=env) as url, browser_page(**VIEWPORT) as page:
            map_frame = open_map(page, url)  # the first session seeds the demo city
            engine = make_engine(database_url)
            with transaction(engine) as s:
                s.execute(
                    update(User)
                    .where(User.username == "kita-staff")
                    .values(lineworks_user_id=STAFF)
                )
            engine.dispose()
            layers = map_frame.locator(".leaflet-control-layers-list")
            before = int(layers.text_content().split("被害報告 (")[1].split(")")[0])

            def send(body: bytes) -> None:
                replies = len(api.sent)
                headers = {"X-WORKS-Signature": signature_of(body)}
                answer = requests.post(f"{url}/lineworks/callback", data=body, headers=headers)
                assert (answer.status_code, answer.text) == (200, "ok")
                deadline = time.monotonic() + REPLY_WITHIN_S
                while len(api.sent) == replies and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert len(api.sent) > replies, "the bot did not answer"

            send(image(STAFF, "e2e-photo"))
            send(location(STAFF, *KITA_POINT, address="大阪市北区"))
            send(tap(STAFF, "dm:cat:fire"))
            send(tap(STAFF, "dm:sev:4"))
            last = time.monotonic()
            send(tap(STAFF, "dm:hum:no"))
            assert "として受け付けました" in api.texts_to(STAFF)[-1]
            layers.get_by_text(f"被害報告 ({before + 1})").wait_for(
                state="attached", timeout=ON_MAP_WITHIN_MS
            )
            shown_after = time.monotonic() - last
            save_screenshot(page, "lineworks-bot-report-on-map")
            assert shown_after <= ON_MAP_WITHIN_MS / 1000
            assert page.external_requests == []
