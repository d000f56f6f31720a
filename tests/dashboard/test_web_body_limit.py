"""One body limit for every HTTP route (issue 20 #1): the routes are read from
``dashboard.web.ROUTES``, so a route added there is walked without touching this file.

A server process runs the routes alone; each route, with each of its methods, gets a body far
over the limit, once with its Content-Length and once chunked (no length). Each is refused (413)
before the body is taken, and the server's peak memory (``VmHWM``) grows by less than a tenth of
what was sent.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from starlette.routing import Route

from dashboard import web
from tests.e2e.harness import free_port

REPO = Path(__file__).resolve().parents[2]
# What each oversized request tries to send.
BODY_MB = 48
CHUNK = b"x" * (1 << 20)


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def concrete(path: str) -> str:
    """A request path for a route's pattern: 1 for whole numbers, "png" for anything else."""
    return re.sub(r"\{(\w+)(:(\w+))?\}", lambda m: "1" if m.group(3) == "int" else "png", path)


def send_oversized(port: int, method: str, path: str, *, chunked: bool) -> tuple[str, int]:
    """(status line, bytes the server took before answering) for a BODY_MB body."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=15)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {BODY_MB * len(CHUNK)}"
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\n{framing}\r\n\r\n"
    )
    sent = [0]

    def pump() -> None:
        try:
            sock.sendall(head.encode())
            for _ in range(BODY_MB):
                data = b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK) if chunked else CHUNK
                sock.sendall(data)
                sent[0] += len(CHUNK)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server closed the connection: what a refusal looks like

    sender = threading.Thread(target=pump, daemon=True)
    sender.start()
    answer = b""
    try:
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    except OSError:
        pass
    sender.join(20)
    sock.close()
    return answer.split(b"\r\n", 1)[0].decode(errors="replace"), sent[0]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DASHBOARD_DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}",
        "DASHBOARD_SECRET_KEY": "body-limit-secret-0123456789",
        "DASHBOARD_LINEWORKS_BOT_SECRET": "bot-secret",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.dashboard.web_server", str(port)], cwd=REPO, env=env
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield process, port
    process.terminate()
    process.wait(10)


def test_every_route_refuses_an_oversized_body_without_holding_it(server):
    process, port = server
    routes = [r for r in web.ROUTES if isinstance(r, Route)]
    assert len(routes) == len(web.ROUTES) >= 4
    before = peak_rss_mb(process.pid)
    walked = []
    for route in routes:
        for method in sorted(route.methods - {"HEAD"}) or ["POST"]:
            for chunked in (False, True):
                status, taken = send_oversized(port, method, concrete(route.path), chunked=chunked)
                where = (method, route.path, "chunked" if chunked else "length")
                assert " 413 " in status + " ", (where, status)
                assert taken < BODY_MB * len(CHUNK), where  # stopped before the end
                walked.append(where)
    grown = peak_rss_mb(process.pid) - before
    print(f"peak memory growth after {len(walked)} oversized requests: {grown:.1f} MiB")
    assert grown < BODY_MB / 10, (grown, walked)


def test_a_body_within_the_limit_still_reaches_the_route(server):
    _, port = server
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    body = b'{"token": "not-a-token", "submission_id": "s"}'
    sock.sendall(
        f"POST {web.ROLLCALL_ANSWER_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    assert b" 403 " in sock.recv(4096).split(b"\r\n", 1)[0] + b" "  # the handler's own answer
    sock.close()


def test_a_huge_number_in_any_route_path_is_not_found_not_an_error(server):
    """Issue 20 #12: every whole-number part of every route's path, 5,000 digits long."""
    _, port = server
    for route in (r for r in web.ROUTES if ":int}" in r.path):
        for name in re.findall(r"\{(\w+):int\}", route.path):
            path = concrete(route.path.replace(f"{{{name}:int}}", "9" * 5000))
            method = sorted(route.methods)[0]
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            status = sock.recv(4096).split(b"\r\n", 1)[0]
            sock.close()
            assert status.split()[1] in (b"400", b"404"), (route.path, name, status)
