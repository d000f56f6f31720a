from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.dashboard.channels.factories import make_rsa_key
from tests.dashboard.channels.fakes import FakeLineWorks, running_lineworks


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
    with running_lineworks(
        private_pem, public_key, service_account="abcde.serviceaccount@example.lg.jp"
    ) as fake:
        yield fake
