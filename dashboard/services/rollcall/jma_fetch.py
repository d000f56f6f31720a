"""Fetching the JMA feed and its reports within one deadline, only from hosts it may reach.

The deadline is for the whole poll (feed, redirects and every report it links), not per read:
before each read the socket's timeout is set to the time left and one ``read1`` takes what one
``recv`` gives, so a server trickling a byte every few seconds is cut off at the deadline.

Hosts: the configured feed's host and those listed in ``jma_allowed_hosts``; redirects and entry
links elsewhere are refused. An address that is loopback, link-local, private, reserved or
multicast is refused unless its host name is listed in ``jma_allowed_hosts`` (a LAN mirror, or the
tests' 127.0.0.1). Plain-http connections go to the address that was checked (no second lookup a
DNS answer could change in between).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

# URL schemes fetched at all.
SCHEMES = ("http", "https")
# Redirects followed per fetch at most.
MAX_REDIRECTS = 3
# Bytes asked of one read.
CHUNK = 65536


class FetchFailed(Exception):
    """The feed or a report could not be fetched within the limits (logged and shown as health)."""


@dataclass
class Limits:
    """One poll's budget: an absolute deadline (``time.monotonic``), a size limit per document and
    the hosts it may reach."""

    deadline: float
    max_bytes: int
    hosts: frozenset[str]
    listed: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def for_feed(
        cls, url: str, *, seconds: float, max_bytes: int, allowed: list[str] | tuple[str, ...] = ()
    ) -> Limits:
        host = (urlsplit(url).hostname or "").lower()
        listed = frozenset(h.lower() for h in allowed)
        return cls(time.monotonic() + seconds, max_bytes, frozenset({host}) | listed, listed)

    def left(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise FetchFailed("deadline passed")
        return remaining


def _address(host: str, port: int, limits: Limits) -> str:
    """The address to connect to, refused when it is internal and the host not listed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchFailed(f"cannot resolve {host}: {type(exc).__name__}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        internal = (
            address.is_loopback
            or address.is_link_local
            or address.is_private
            or address.is_reserved
            or address.is_multicast
            or address.is_unspecified
        )
        if internal and host not in limits.listed:
            raise FetchFailed(f"{host} is an internal address; not in jma_allowed_hosts")
    return infos[0][4][0]


def _open(url: str, limits: Limits) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in SCHEMES or not host:
        raise FetchFailed("not an http(s) URL")
    if host not in limits.hosts:
        raise FetchFailed(f"host {host} is neither the feed's nor in jma_allowed_hosts")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _address(host, port, limits)
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, port, timeout=limits.left()
        )
    else:
        conn = http.client.HTTPConnection(address, port, timeout=limits.left())
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    conn.request("GET", path, headers={"Host": parts.netloc, "User-Agent": "disaster-dashboard"})
    sock = conn.sock
    sock.settimeout(limits.left())
    response = conn.getresponse()
    response.i21_sock = sock  # the socket whose timeout each read sets to the time left
    return response


def fetch_within(url: str, limits: Limits) -> bytes:
    """The body at ``url`` (following up to ``MAX_REDIRECTS`` allowed redirects), within the
    poll's deadline and the size limit; ``FetchFailed`` otherwise."""
    try:
        for _ in range(MAX_REDIRECTS + 1):
            response = _open(url, limits)
            try:
                if response.status in (301, 302, 303, 307, 308):
                    location = response.getheader("Location") or ""
                    url = urljoin(url, location)
                    continue
                if response.status != 200:
                    raise FetchFailed(f"HTTP {response.status}")
                return _read(response, limits)
            finally:
                response.close()
        raise FetchFailed("too many redirects")
    except FetchFailed:
        raise
    except TimeoutError:  # the socket's timeout is the time left of the poll's deadline
        raise FetchFailed("deadline passed") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise FetchFailed(type(exc).__name__) from None


def _read(response: http.client.HTTPResponse, limits: Limits) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > limits.max_bytes:
        raise FetchFailed("too large")
    sock = response.i21_sock
    chunks, size = [], 0
    while True:
        sock.settimeout(limits.left())
        chunk = response.read1(CHUNK)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchFailed("too large")
        limits.left()
    return b"".join(chunks)


def fetch(url: str, *, timeout: float, max_bytes: int, allowed: tuple[str, ...] = ()) -> bytes:
    """One document within ``timeout`` seconds in all (for callers without a poll's limits)."""
    limits = Limits.for_feed(url, seconds=timeout, max_bytes=max_bytes, allowed=allowed)
    return fetch_within(url, limits)
