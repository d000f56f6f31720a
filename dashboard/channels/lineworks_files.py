"""Downloading a file or image a person sent to the LINE WORKS bot (Bot API 2.0).

``GET /bots/{botId}/attachments/{fileId}`` answers ``302`` with the file's address in
``Location``; LINE WORKS asks clients to turn automatic redirects off and follow it themselves.
We follow it once, and only to a host named in ``allowed_hosts`` (the API's own file host, a
setting): a redirect anywhere else is refused, so a forged or altered answer can never make the
server fetch an internal address. The body is read in chunks and cut off past ``max_bytes``; both
requests have a timeout. Failures say whether trying again later can help (``retryable``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import requests

from dashboard.channels.base import DeliveryFailure
from dashboard.channels.lineworks import LineWorksChannel, api_base
from dashboard.channels.transport import USER_AGENT

# Redirect statuses the attachments endpoint may answer with.
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Read size while streaming a download.
CHUNK_BYTES = 64 * 1024


class AttachmentFailed(Exception):
    """A download that did not work; ``retryable`` when a later try may succeed."""

    def __init__(self, detail: str, *, retryable: bool, too_large: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retryable = retryable
        self.too_large = too_large


def attachment_url(credentials: dict[str, Any], file_id: str) -> str:
    bot = quote(str(credentials.get("bot_id", "")), safe="")
    return f"{api_base(credentials)}/bots/{bot}/attachments/{quote(file_id, safe='')}"


def fetch_attachment(
    channel: LineWorksChannel,
    file_id: str,
    credentials: dict[str, Any],
    *,
    allowed_hosts: frozenset[str],
    max_bytes: int,
    timeout: float,
) -> bytes:
    """The bytes of an attachment; raises :class:`AttachmentFailed`."""
    try:
        token = channel.access_token(credentials, timeout=timeout)
        first = _get(attachment_url(credentials, file_id), token, timeout=timeout)
        if first.status_code == 401:
            first.close()
            channel.forget_token(credentials, token)
            token = channel.access_token(credentials, timeout=timeout)
            first = _get(attachment_url(credentials, file_id), token, timeout=timeout)
    except DeliveryFailure as failure:
        raise AttachmentFailed(failure.result.detail, retryable=failure.result.retryable) from None
    with first:
        if first.status_code == 200:
            return _read_limited(first, max_bytes)
        if first.status_code not in REDIRECTS:
            retryable = first.status_code >= 500 or first.status_code in (408, 429)
            raise AttachmentFailed(f"attachment: HTTP {first.status_code}", retryable=retryable)
        location = urljoin(first.url, first.headers.get("Location", ""))
    target = urlsplit(location)
    api_scheme = urlsplit(api_base(credentials)).scheme
    if target.netloc not in allowed_hosts or target.scheme not in {"https", api_scheme}:
        # Never followed: not the API's file host.
        raise AttachmentFailed(
            f"attachment: redirect to a host that is not allowed ({target.netloc!r})",
            retryable=False,
        )
    try:
        second = _get(location, token, timeout=timeout)
    except DeliveryFailure as failure:
        raise AttachmentFailed(failure.result.detail, retryable=failure.result.retryable) from None
    with second:
        if second.status_code != 200:
            retryable = second.status_code >= 500 or second.status_code in (408, 429)
            raise AttachmentFailed(f"file host: HTTP {second.status_code}", retryable=retryable)
        return _read_limited(second, max_bytes)


def _get(url: str, token: str, *, timeout: float) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT}
    try:
        return requests.get(
            url, headers=headers, timeout=timeout, allow_redirects=False, stream=True
        )
    except requests.Timeout as exc:
        raise AttachmentFailed(
            f"attachment: timed out after {timeout:g} s", retryable=True
        ) from exc
    except requests.RequestException as exc:
        detail = f"attachment: connection failed ({type(exc).__name__})"
        raise AttachmentFailed(detail, retryable=True) from exc


def _read_limited(response: requests.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise AttachmentFailed("attachment: too large", retryable=False, too_large=True)
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise AttachmentFailed("attachment: too large", retryable=False, too_large=True)
            chunks.append(chunk)
    except requests.RequestException as exc:
        detail = f"attachment: download broke off ({type(exc).__name__})"
        raise AttachmentFailed(detail, retryable=True) from exc
    return b"".join(chunks)
