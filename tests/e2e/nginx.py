"""nginx in front of app processes on 127.0.0.1, with the deployment's own config
(deploy/nginx.conf): its upstream ports and listen address are replaced, nothing else.

    with run_nginx([app_url_1, app_url_2]) as base_url: ...
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.harness import REPO_ROOT, free_port

DEPLOY_CONF = REPO_ROOT / "deploy" / "nginx.conf"
# The upstream servers deploy/nginx.conf lists; replaced by the test's app processes.
CONF_SERVERS = ("server 127.0.0.1:8501;", "server 127.0.0.1:8502;")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

_MAIN_CONF = """\
{user}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections {worker_connections}; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/dashboard.conf;
}}
"""


def require_nginx() -> None:
    """Skip when nginx is missing; fail instead on CI (.ci/run installs it)."""
    if Path(NGINX).exists():
        return
    reason = "deployment test needs nginx (apt-get install -y nginx)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true, so this is an error, not a skip)", pytrace=False)
    pytest.skip(reason)


def deployment_conf(app_urls: list[str], port: int) -> str:
    """deploy/nginx.conf with the given app processes and listening on 127.0.0.1:port."""
    conf = DEPLOY_CONF.read_text(encoding="utf-8")
    servers = "\n    ".join(f"server {urlsplit(url).netloc};" for url in app_urls)
    for line in CONF_SERVERS:
        assert line in conf, f"deploy/nginx.conf no longer lists {line!r}"
    conf = conf.replace(CONF_SERVERS[0], servers).replace(CONF_SERVERS[1] + "\n", "")
    assert "listen 80;" in conf
    return conf.replace("listen 80;", f"listen 127.0.0.1:{port};")


@contextlib.contextmanager
def run_nginx(
    app_urls: list[str],
    *,
    timeout: float = 20,
    keep_logs: bool = False,
    worker_connections: int = 4096,
) -> Iterator[str]:
    """``worker_connections``: every open page holds two (browser side and app side)."""
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="nginx-e2e-"))
    (tmp / "dashboard.conf").write_text(deployment_conf(app_urls, port), encoding="utf-8")
    user = "user root;" if os.geteuid() == 0 else ""  # workers must write the temp paths
    (tmp / "nginx.conf").write_text(
        _MAIN_CONF.format(user=user, tmp=tmp, worker_connections=worker_connections),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError("nginx exited: " + _read(tmp / "error.log"))
            try:
                with opener.open(base_url + "/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError("nginx: " + _read(tmp / "error.log")) from None
                time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
        if keep_logs:
            print(f"  nginx logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-3000:]
    except OSError:
        return "(no log)"
