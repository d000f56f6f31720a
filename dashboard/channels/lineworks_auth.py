"""LINE WORKS access tokens (API 2.0, service-account flow).

A JWT (RS256; iss = client id, sub = service account, one-hour lifetime) signed with the app's
private key is exchanged at the token endpoint for an access token, which is cached per app
until shortly before it expires. One exchange runs at a time per process: concurrent senders
wait for it instead of each starting their own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from dashboard.channels import transport
from dashboard.channels.base import DeliveryFailure, SendResult, classify_status

# LINE WORKS OAuth token endpoint (service-account JWT grant).
DEFAULT_TOKEN_URL = "https://auth.worksmobile.com/oauth2/v2.0/token"
# Grant type of the JWT exchange (RFC 7523).
JWT_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# Scope needed to send bot messages.
TOKEN_SCOPE = "bot"
# Lifetime of the signed JWT assertion, in seconds (LINE WORKS accepts at most one hour).
JWT_LIFETIME_SECONDS = 3600
# Assumed token lifetime when the token response does not state one, in seconds.
DEFAULT_TOKEN_LIFETIME_SECONDS = 3600
# A cached token is replaced this many seconds before its stated expiry, so none expires mid-call.
TOKEN_REFRESH_MARGIN_SECONDS = 300


@dataclass(frozen=True)
class TokenKey:
    """Which app a token belongs to."""

    token_url: str
    client_id: str
    service_account: str


def token_key(credentials: dict[str, Any]) -> TokenKey:
    return TokenKey(
        token_url=credentials.get("token_url") or DEFAULT_TOKEN_URL,
        client_id=credentials["client_id"],
        service_account=credentials["service_account"],
    )


class _TokenCache:
    """Access tokens per app, shared by all threads; one exchange at a time."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[TokenKey, tuple[str, float]] = {}

    def get(self, key: TokenKey, fetch: Callable[[], tuple[str, float]]) -> str:
        """The cached token for ``key``, or a new one from ``fetch() -> (token, lifetime_s)``."""
        # Holding the lock during the exchange makes concurrent senders wait for one exchange
        # instead of each starting their own.
        with self._lock:
            cached = self._tokens.get(key)
            if cached is not None and self._clock() < cached[1]:
                return cached[0]
            token, lifetime = fetch()
            usable_for = max(lifetime - TOKEN_REFRESH_MARGIN_SECONDS, lifetime / 2)
            self._tokens[key] = (token, self._clock() + usable_for)
            return token

    def discard(self, key: TokenKey, token: str) -> None:
        """Forget ``token`` (rejected by the API) unless another thread already replaced it."""
        with self._lock:
            cached = self._tokens.get(key)
            if cached is not None and cached[0] == token:
                del self._tokens[key]


class TokenSource:
    """Cached access tokens, exchanged for a signed JWT when missing or about to expire.
    ``clock`` measures the cache's lifetimes; ``wall_clock`` dates the JWT."""

    def __init__(self, *, clock: Callable[[], float], wall_clock: Callable[[], float]) -> None:
        self._wall_clock = wall_clock
        self._cache = _TokenCache(clock)

    def get(self, credentials: dict[str, Any], *, timeout: float) -> str:
        """A valid access token (cached); raises :class:`DeliveryFailure`."""
        key = token_key(credentials)
        return self._cache.get(key, lambda: self._exchange(key, credentials, timeout=timeout))

    def discard(self, credentials: dict[str, Any], token: str) -> None:
        """Drop ``token`` after the API refused it (the next call exchanges a new one)."""
        self._cache.discard(token_key(credentials), token)

    def _exchange(
        self, key: TokenKey, credentials: dict[str, Any], *, timeout: float
    ) -> tuple[str, float]:
        """Trade a freshly signed JWT for an access token: ``(token, lifetime in seconds)``."""
        form = {
            "assertion": self._sign_assertion(key, credentials["private_key"]),
            "grant_type": JWT_GRANT_TYPE,
            "client_id": key.client_id,
            "client_secret": credentials["client_secret"],
            "scope": TOKEN_SCOPE,
        }
        what = "LINE WORKS token"
        response = transport.post(key.token_url, what=what, timeout=timeout, data=form)
        result = classify_status(
            response.status_code,
            what=what,
            body=response.text,
            retry_after=response.headers.get("Retry-After"),
        )
        if not result.ok:
            raise DeliveryFailure(result)
        try:
            answer = response.json()
            token = answer["access_token"]
            lifetime = float(answer.get("expires_in") or DEFAULT_TOKEN_LIFETIME_SECONDS)
        except (ValueError, KeyError, TypeError) as exc:
            detail = f"{what}: unexpected response ({type(exc).__name__})"
            raise DeliveryFailure(SendResult.failed(detail, retryable=True)) from exc
        if not isinstance(token, str) or not token:
            raise DeliveryFailure(SendResult.failed(f"{what}: empty access token", retryable=True))
        return token, lifetime

    def _sign_assertion(self, key: TokenKey, private_key: str) -> str:
        issued_at = int(self._wall_clock())
        claims = {
            "iss": key.client_id,
            "sub": key.service_account,
            "iat": issued_at,
            "exp": issued_at + JWT_LIFETIME_SECONDS,
        }
        try:
            return jwt.encode(claims, _normalise_pem(private_key), algorithm="RS256")
        except (ValueError, TypeError, jwt.PyJWTError) as exc:
            reason = type(exc).__name__
            detail = f"LINE WORKS configuration: private_key is not a usable RSA key ({reason})"
            raise DeliveryFailure(SendResult.failed(detail, retryable=False)) from exc


def _normalise_pem(private_key: str) -> str:
    # A PEM pasted into a one-line environment variable arrives with literal "\n".
    if "\n" not in private_key and "\\n" in private_key:
        return private_key.replace("\\n", "\n")
    return private_key
