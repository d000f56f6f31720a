from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.dashboard.channels.factories import make_rsa_key
from tests.dashboard.channels.fakes import FakeLineWorks, LocalHttpServer


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy configured on the machine must not capture requests meant for 127.0.0.1.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")


@pytest.fixture(scope="session")
def rsa_key() -> tuple[str, object]:
    return make_rsa_key()


@pytest.fixture()
def lineworks_server(rsa_key: tuple[str, object]) -> Iterator[FakeLineWorks]:
    """A fake LINE WORKS (token endpoint and bot API) and the credentials that point at it."""
    private_pem, public_key = rsa_key
    fake = FakeLineWorks(
        client_id="client-abc",
        client_secret="secret-xyz",
        service_account="abcde.serviceaccount@example.lg.jp",
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
