"""The end-to-end harness itself: a real Streamlit server, a real headless Chromium, no internet."""

from __future__ import annotations

import socket
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e import harness
from tests.e2e.harness import (
    browser_page,
    free_port,
    open_app,
    require_chromium,
    run_streamlit,
    save_screenshot,
    wait_for_text,
)

pytestmark = pytest.mark.e2e

# An image on the internet; the browser must never fetch it.
EXTERNAL_IMAGE = "https://example.com/e2e-probe.png"
APP_SCRIPT = textwrap.dedent(
    f"""
    import streamlit as st

    st.title("E2E ハーネス")
    if st.button("報告する"):
        st.write("報告を受け付けました")
    st.markdown(
        '<img alt="external-probe" src="{EXTERNAL_IMAGE}" width="16" height="16">',
        unsafe_allow_html=True,
    )
    """
)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    script = tmp_path_factory.mktemp("e2e-app") / "app.py"
    script.write_text(APP_SCRIPT, encoding="utf-8")
    with run_streamlit(script, env={}, timeout=60) as base_url:
        yield base_url


def wait_for_probe_image(page) -> None:
    """Wait until the browser has given up on the external image (complete, no pixels)."""
    probe = page.locator('img[alt="external-probe"]')
    probe.wait_for(state="attached")
    page.wait_for_function(
        "() => { const i = document.querySelector('img[alt=\"external-probe\"]');"
        " return i !== null && i.complete; }"
    )
    assert probe.evaluate("img => img.naturalWidth") == 0


def test_click_shows_text_and_external_request_is_blocked(app_url: str) -> None:
    with browser_page() as page:
        failures: dict[str, str | None] = {}
        page.on("requestfailed", lambda request: failures.update({request.url: request.failure}))
        open_app(page, app_url)
        wait_for_text(page, "E2E ハーネス")
        assert page.get_by_text("報告を受け付けました").count() == 0

        page.get_by_role("button", name="報告する").click()
        wait_for_text(page, "報告を受け付けました")
        wait_for_probe_image(page)

        assert EXTERNAL_IMAGE in page.external_requests
        assert "ERR_BLOCKED_BY_CLIENT" in (failures.get(EXTERNAL_IMAGE) or "")
        # Streamlit itself must need nothing from the internet.
        assert set(page.external_requests) == {EXTERNAL_IMAGE}
        path = save_screenshot(page, "harness desktop")

    assert path == harness.ARTIFACTS_DIR / "harness-desktop.png"
    with Image.open(path) as shot:
        assert shot.format == "PNG"
        assert shot.width == 1280


def test_phone_width_page_works_without_horizontal_scroll(app_url: str) -> None:
    with browser_page(width=390, height=844) as page:
        open_app(page, app_url)
        button = page.get_by_role("button", name="報告する")
        button.click()
        wait_for_text(page, "報告を受け付けました")

        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        path = save_screenshot(page, "harness-phone")

    with Image.open(path) as shot:
        assert shot.width == 390


def test_server_that_cannot_start_fails_with_its_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no_such_app.py"

    with pytest.raises(RuntimeError, match="exited with code"), run_streamlit(missing, env={}):
        pass

    assert "no_such_app.py" in capsys.readouterr().out


def test_free_port_can_be_bound() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_missing_chromium_skips_locally_and_fails_on_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(harness, "CHROMIUM", tmp_path / "no-chromium")

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-chromium"):
        require_chromium()

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_chromium()
