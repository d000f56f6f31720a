"""HTTP POST for the channels, with every transport error turned into a classified failure."""

from __future__ import annotations

from typing import Any

import requests

from dashboard.channels.base import DeliveryFailure, SendResult

# Identifies our requests in the receivers' logs.
USER_AGENT = "disaster-dashboard-channels/1"
# Errors in how the request was built: trying again cannot help.
_PERMANENT_ERRORS = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidHeader,
)


def post(url: str, *, what: str, timeout: float, **kwargs: Any) -> requests.Response:
    """POST without following redirects; raise :class:`DeliveryFailure` on transport errors.

    The URL is left out of failure details on purpose: webhook URLs often embed a token.
    """
    headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}
    try:
        return requests.post(url, timeout=timeout, allow_redirects=False, headers=headers, **kwargs)
    except requests.Timeout as exc:
        detail = f"{what}: timed out after {timeout:g} s ({_root_cause_name(exc)})"
        raise DeliveryFailure(SendResult.failed(detail, retryable=True)) from exc
    except _PERMANENT_ERRORS as exc:
        detail = f"{what}: invalid request ({type(exc).__name__})"
        raise DeliveryFailure(SendResult.failed(detail, retryable=False)) from exc
    except requests.RequestException as exc:
        detail = f"{what}: connection failed ({_root_cause_name(exc)})"
        raise DeliveryFailure(SendResult.failed(detail, retryable=True)) from exc


def _root_cause_name(exc: BaseException) -> str:
    """Class name of the innermost chained exception (e.g. ConnectionRefusedError)."""
    seen = {id(exc)}
    while True:
        inner = exc.__cause__ or exc.__context__
        if inner is None or id(inner) in seen:
            return type(exc).__name__
        seen.add(id(inner))
        exc = inner
