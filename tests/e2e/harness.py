"""End-to-end harness: a Streamlit server on 127.0.0.1 and a headless Chromium that cannot
reach anything else.

The dashboard must work offline on a city LAN, so every request to a host other than
the local server is aborted and recorded; a test can then assert that a page needs
nothing from the internet (``page.external_requests == []``).

Typical use::

    require_chromium()
    with run_streamlit(script, env={}) as base_url, browser_page() as page:
        open_app(page, base_url)
        wait_for_text(page, "被害報告")
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page, Request, Route

# The system Chromium (apt package); Playwright's own browser downloads are not used.
CHROMIUM = Path("/usr/bin/chromium")
# Repository root: tests/e2e/harness.py -> parents[2].
REPO_ROOT = Path(__file__).resolve().parents[2]
# Screenshots and other artefacts for humans to look at (gitignored).
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
# Hosts the browser may talk to; everything else is aborted.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
# Chromium flags: no sandbox in containers, and no background traffic to Google services.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--no-proxy-server",
)
# Seconds to wait for the server to stop after SIGTERM before SIGKILL.
STOP_GRACE = 5.0
# Default wait for text to appear; a cold Streamlit run imports pandas etc. on first load.
DEFAULT_TEXT_TIMEOUT_MS = 20_000
# Server log lines shown when a test fails.
LOG_TAIL_LINES = 200

# Direct opener: a proxy from the environment must not see (or break) local health checks.
_LOCAL_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def require_chromium() -> None:
    """Skip the calling test when Chromium or Playwright is missing; fail instead on CI."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} not found (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("python package playwright not installed")
    if not missing:
        return
    reason = "end-to-end test needs a browser: " + "; ".join(missing)
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true, so this is an error, not a skip)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def run_streamlit(
    script_path: str | os.PathLike[str],
    *,
    env: dict[str, str],
    port: int | None = None,
    timeout: float = 60,
) -> Iterator[str]:
    """Run ``streamlit run script_path`` on 127.0.0.1 and yield its base URL.

    ``env`` is added to the current environment (so PATH etc. stay); the repository root
    is put on PYTHONPATH so the script can import ``dashboard``. The server and its whole
    process group are stopped at exit. If the server does not come up, or the body of the
    ``with`` raises, the server log is printed (pytest shows it with the failure).
    """
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script_path),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        # No file watcher: nothing is edited during a test, and it costs CPU on a shared box.
        "--server.fileWatcherType",
        "none",
    ]
    full_env = {**os.environ, **env}
    full_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), full_env.get("PYTHONPATH", "")) if p
    )
    log_dir = Path(tempfile.mkdtemp(prefix="streamlit-e2e-"))
    log_path = log_dir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, so children stop with it
        )
    try:
        _wait_until_healthy(process, base_url, timeout, log_path)
        yield base_url
    except BaseException:
        _dump_log(log_path, f"streamlit {script_path} on {base_url}")
        raise
    finally:
        _stop(process)
        shutil.rmtree(log_dir, ignore_errors=True)


@contextlib.contextmanager
def browser_page(
    *, width: int = 1280, height: int = 900, block_external: bool = True
) -> Iterator[Page]:
    """Yield a Playwright page in headless system Chromium with a ``width`` x ``height`` viewport.

    With ``block_external`` every request to a non-local host is aborted; its URL is appended
    to ``page.external_requests`` either way. Browser console errors and uncaught page errors
    are collected in ``page.console_errors``. ``page.another_user()`` opens a page for a second
    person: the same browser and blocking, but its own cookies (its own login).
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:

            def open_page() -> Page:
                page = _new_user_page(browser, width, height, block_external)
                page.another_user = open_page
                return page

            yield open_page()
        finally:
            browser.close()


def _new_user_page(browser, width: int, height: int, block_external: bool) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": height},
        service_workers="block",  # so every request passes the route below
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
    )
    page = context.new_page()
    external_requests: list[str] = []
    console_errors: list[str] = []
    page.external_requests = external_requests
    page.console_errors = console_errors

    def route_request(route: Route, request: Request) -> None:
        if _is_local(request.url):
            route.continue_()
            return
        external_requests.append(request.url)
        if block_external:
            route.abort("blockedbyclient")
        else:
            route.continue_()

    context.route("**/*", route_request)
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    return page


def open_app(page: Page, url: str, *, timeout_ms: int = DEFAULT_TEXT_TIMEOUT_MS) -> None:
    """Go to a Streamlit URL and wait until the app has rendered and finished running."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    page.locator('[data-testid="stApp"]').wait_for(state="attached", timeout=timeout_ms)
    wait_for_idle(page, timeout_ms=timeout_ms)


def log_in(page: Page, url: str, username: str, password: str | None = None) -> None:
    """Open the app at ``url`` and log in (demo password unless given); the caller waits for
    what the login should show."""
    from dashboard.demo_city import DEMO_PASSWORD

    open_app(page, url)
    wait_for_text(page, "ログイン")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password or DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()


def wait_for_idle(page: Page, *, timeout_ms: int = DEFAULT_TEXT_TIMEOUT_MS) -> None:
    """Wait until Streamlit has run the script at least once and is not running it now.

    Right after a click the rerun may not have started yet; use ``wait_for_text`` for the
    result of an interaction.
    """
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app !== null && app.getAttribute('data-test-script-state') === 'notRunning';
        }""",
        timeout=timeout_ms,
    )


def wait_for_text(page: Page, text: str, timeout_ms: int = DEFAULT_TEXT_TIMEOUT_MS) -> Locator:
    """Wait until ``text`` is visible on the page and return its locator.

    On timeout, raise AssertionError showing what the page does say.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    locator = page.get_by_text(text).first
    try:
        locator.wait_for(state="visible", timeout=timeout_ms)
    except PlaywrightTimeoutError:
        shown = page.locator("body").inner_text(timeout=1_000)[:1_000]
        raise AssertionError(
            f"text {text!r} not visible after {timeout_ms} ms; page shows:\n{shown}"
        ) from None
    return locator


def save_screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG screenshot as ``<repo>/test-artifacts/<name>.png`` and return its path."""
    safe_name = re.sub(r"[^\w.-]+", "-", name).strip("-.") or "screenshot"
    if not safe_name.endswith(".png"):
        safe_name += ".png"
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / safe_name
    page.screenshot(path=str(path), full_page=full_page)
    return path


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


def _wait_until_healthy(
    process: subprocess.Popen[bytes], base_url: str, timeout: float, log_path: Path
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {process.returncode} before it was healthy:\n"
                + _log_tail(log_path)
            )
        try:
            with _LOCAL_OPENER.open(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200 and response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"streamlit not healthy at {base_url} after {timeout} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group: SIGTERM, then SIGKILL after STOP_GRACE seconds."""
    for sig, wait in ((signal.SIGTERM, STOP_GRACE), (signal.SIGKILL, STOP_GRACE)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # Children that ignored SIGTERM after the leader exited.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _log_tail(log_path: Path) -> str:
    try:
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "(no server log)"
    return "\n".join(lines[-LOG_TAIL_LINES:])


def _dump_log(log_path: Path, title: str) -> None:
    # Printed to stdout: pytest captures it and shows it in the report of the failed test.
    print(
        f"\n----- server log: {title} -----\n{_log_tail(log_path)}\n----- end of server log -----"
    )
