from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from PIL import Image
from sqlalchemy import update

from dashboard.services import chatbot
from dashboard.settings import Settings
from dashboard.storage.db import transaction
from dashboard.storage.models import User
from tests.dashboard.services.chatbot.fake_lineworks import (
    BOT_SECRET,
    FakeBotApi,
    fake_lineworks,
    signature_of,
)
from tests.factories import City

# LINE WORKS user ids of the city's accounts.
LINKED = {"kita_staff": "lw-kita-staff", "kita_head": "lw-kita-head", "viewer": "lw-viewer"}


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, "JPEG")
    return out.getvalue()


@dataclass
class Talk:
    """The city, the fake LINE WORKS, and a person typing into the bot's 1:1 talk."""

    city: City
    api: FakeBotApi
    settings: Settings

    @property
    def engine(self):
        return self.city.engine

    def send(self, body: bytes, *, now: datetime | None = None) -> chatbot.Received:
        """Deliver one signed callback and work the queue, as the route and its task do."""
        received = chatbot.receive_callback(
            self.engine, body, signature_of(body), BOT_SECRET, settings=self.settings, now=now
        )
        chatbot.process_due(self.engine, settings=self.settings, now=now)
        return received


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with fake_lineworks() as fake:
        yield fake


@pytest.fixture
def talk(city: City, api: FakeBotApi) -> Talk:
    with transaction(city.engine) as s:
        for name, lw in LINKED.items():
            s.execute(update(User).where(User.username == name).values(lineworks_user_id=lw))
    return Talk(city, api, api.settings())
