"""Benchmark: a ward office's routine acts on a phone, in taps and seconds.

Chromium at 390 px wide with the CPU throttled ×4 (CDP ``Emulation.setCPUThrottlingRate``) and
a 3G-like network (CDP ``Network.emulateNetworkConditions``: DevTools' "Fast 3G", 563 ms round
trip, 180 kB/s down, 84 kB/s up) goes through what ward staff do again and again, each act from
where the app leaves them after logging in:

  damage report  a damage report with a photo (location by a tap on the map, category,
                 severity, a typed description, one photo)      goal ≤ 5 taps + typing, ≤ 30 s
  no change      全て変化なし for the ward's open shelters       goal ≤ 2 taps
  evacuees       one shelter's evacuees                          goal ≤ 3 taps + the number
  了解           acknowledge a directive that has just arrived    goal 1 tap
  roll-call      answer a roll-call from the personal link        goal 2 taps

Taps are the clicks the script makes (a tap on the map, a choice, a button, the menu); typing is
counted apart. Seconds run from the first tap to the confirmation on screen. Each variant (this
checkout and ``--base``, e.g. a worktree of main) gets its own server on 127.0.0.1 and a fresh
SQLite demo database; each knows its own path through the app (the old one through the menu).

    /work/main/.venv/bin/python bench/fieldrun.py --base /tmp/base24
    /work/main/.venv/bin/python bench/fieldrun.py --no-throttle      # full speed

Prints a table; asserts nothing. Everything stops by itself (timeouts on every wait).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
CPU_SLOWDOWN = 4
# DevTools' "Fast 3G" preset (bytes per second).
NETWORK = {"offline": False, "latency": 562.5, "downloadThroughput": 180_000,
           "uploadThroughput": 84_375}  # fmt: skip
WAIT_MS = 120_000
SECRET = "bench-fieldrun-secret-0123456789abcdef"
STAFF_CSV = (
    "employee_number,name,unit_code,tier,email\nF1,現場 一郎,27127,1,f1@example.lg.jp\n"
).encode()
DEPRECATION_WORDS = ("will be removed", "Please replace", "deprecated", "Deprecat")
IDLE = """() => document.querySelector('[data-testid="stApp"]')
  ?.getAttribute('data-test-script-state') === 'notRunning'"""


class Act:
    """Counts the taps and typing of one act and times it from its first tap."""

    def __init__(self, page) -> None:
        self.page, self.taps, self.typed, self.started = page, 0, 0, None

    def tap(self, locator, **kwargs) -> None:
        if self.started is None:
            self.started = time.perf_counter()
        locator.click(timeout=WAIT_MS, **kwargs)
        self.taps += 1

    def type(self, locator, text: str) -> None:
        locator.fill(text, timeout=WAIT_MS)
        self.typed += 1

    def done(self, text: str) -> tuple[int, int, float]:
        self.page.get_by_text(text).first.wait_for(timeout=WAIT_MS)
        return self.taps, self.typed, time.perf_counter() - self.started


def settle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_function(IDLE, timeout=WAIT_MS)


def menu(act: Act, page, label: str) -> None:
    """The old way to a page on a phone: open the menu, choose, close it if it stays open."""
    act.tap(page.locator("[data-testid=stExpandSidebarButton]"))
    act.tap(page.locator("[data-testid=stSidebarNavLink]").get_by_text(label, exact=True))
    settle(page)
    close = page.locator("[data-testid=stSidebarCollapseButton] button")
    if page.locator("[data-testid=stSidebar][data-collapsed=false]").count() and close.count():
        act.tap(close)
    settle(page)


def home(page, base: str) -> None:
    page.goto(base, timeout=WAIT_MS)
    settle(page)


def photo_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (180, 90, 60)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def damage_report(page, base: str, new: bool) -> tuple[int, int, float]:
    home(page, base)
    act = Act(page)
    if new:
        act.tap(page.get_by_role("button", name="被害を報告する"))
        settle(page)
    else:
        menu(act, page, "被害報告")
    page.locator("iframe[title*=st_folium]").first.wait_for(timeout=WAIT_MS)
    leaflet = page.locator("iframe[title*=st_folium]").first.content_frame
    act.tap(leaflet.locator(".leaflet-container"))
    page.wait_for_function(
        "() => /^34\\.\\d+, 135\\.\\d+$/.test(document.querySelector("
        "'input[aria-label=\"緯度, 経度\"]')?.value || '')",
        timeout=WAIT_MS,
    )
    act.tap(page.get_by_text("火災", exact=False).first)
    act.tap(page.get_by_text("3 重大", exact=False).first)
    act.type(page.get_by_role("textbox", name="状況"), "倉庫から出火、延焼中")
    with page.expect_file_chooser(timeout=WAIT_MS) as chooser:
        act.tap(page.locator("[data-testid=stFileUploaderDropzone] button").first)
    chooser.value.set_files(
        files=[{"name": "fire.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}]
    )
    page.get_by_text("fire.jpg").first.wait_for(timeout=WAIT_MS)
    act.tap(page.get_by_role("button", name="報告を送信"))
    return act.done("被害報告を受け付けました")


def no_change(page, base: str, new: bool) -> tuple[int, int, float]:
    home(page, base)
    act = Act(page)
    if not new:
        menu(act, page, "避難所状況")
    act.tap(page.get_by_role("button", name="変更なし：北区の開設中"))
    return act.done("として報告しました")


def evacuees(page, base: str, new: bool) -> tuple[int, int, float]:
    home(page, base)
    act = Act(page)
    if new:
        act.tap(page.get_by_role("button", name="北第1小学校（").first)
    else:
        menu(act, page, "避難所状況")
        act.tap(page.get_by_role("combobox", name="報告する避難所"))
        act.tap(page.get_by_role("option", name="北第1小学校（").first)
    settle(page)
    act.type(page.get_by_role("textbox", name="避難者数（人）"), "321")
    act.tap(page.get_by_role("button", name="この内容で報告"))
    return act.done("の状況を報告しました。")


def acknowledge(page, base: str, new: bool, database_url: str) -> tuple[int, int, float]:
    home(page, base)
    send_directive(database_url)
    page.get_by_text("新しい指示").first.wait_for(timeout=WAIT_MS)
    act = Act(page)
    if new:
        act.tap(page.get_by_role("button", name="了解する"))
        return act.done("指示に了解しました。")
    act.tap(page.get_by_role("link", name="指示を開く"))
    act.tap(page.get_by_role("button", name="了解", exact=True))
    return act.done("に了解しました")


def rollcall_answer(page, base: str, database_url: str) -> tuple[int, int, float]:
    page.goto(f"{base}/rollcall_answer?token={answer_token(database_url)}", timeout=WAIT_MS)
    page.get_by_text("現場 一郎").first.wait_for(timeout=WAIT_MS)
    settle(page)
    act = Act(page)
    act.tap(page.get_by_text("到着済", exact=True).first)
    act.tap(page.get_by_role("button", name="回答を送信"))
    return act.done("受け付けました")


def _actors(engine) -> dict:
    from dashboard.services.accounts import actor_for
    from dashboard.storage.db import reading
    from dashboard.storage.models import User

    with reading(engine) as s:
        return {u.username: actor_for(u) for u in s.query(User)}


def send_directive(database_url: str) -> None:
    from dashboard.services import directives
    from dashboard.storage.db import make_engine

    engine = make_engine(database_url)
    directives.send_directive(
        engine, _actors(engine)["mayor"], submission_id=f"bench-{time.time()}",
        ward_codes=["27127"], title="土のうを配布してください", body="", priority="high",
    )  # fmt: skip
    engine.dispose()


def answer_token(database_url: str) -> str:
    """A roll-call of one person of 北区 (imported beside any demo register) and their link."""
    from sqlalchemy import select

    from dashboard.services import rollcall
    from dashboard.services.rollcall.links import make_answer_token
    from dashboard.storage.db import make_engine, reading
    from dashboard.storage.models import RollCallRecipient, StaffMember, utcnow

    engine = make_engine(database_url)
    office = _actors(engine)["kikikanri"]
    rollcall.import_staff(engine, office, STAFF_CSV, dry_run=False)
    rollcall.start_rollcall(
        engine, office, submission_id=f"bench-{time.time()}", scope_code="27127"
    )
    with reading(engine) as s:
        recipient, staff = s.execute(
            select(RollCallRecipient.id, StaffMember.id)
            .join(StaffMember, StaffMember.id == RollCallRecipient.staff_id)
            .where(StaffMember.employee_number == "F1")
            .order_by(RollCallRecipient.id.desc())
        ).first()
    engine.dispose()
    return make_answer_token(recipient, staff, secret=SECRET, now=utcnow())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server(root: Path, database_url: str):
    port = _free_port()
    env = {**os.environ, "DASHBOARD_DATABASE_URL": database_url, "DASHBOARD_DEMO_MODE": "true",
           "DASHBOARD_SECRET_KEY": SECRET, "PYTHONPATH": str(root)}  # fmt: skip
    log = tempfile.NamedTemporaryFile(prefix="fieldrun-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        yield base, Path(log.name)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def run_variant(root: Path, new: bool, throttle: bool) -> dict[str, tuple]:
    from playwright.sync_api import sync_playwright

    from dashboard.demo_city import DEMO_PASSWORD

    folder = Path(tempfile.mkdtemp(prefix="fieldrun-"))
    database_url = f"sqlite:///{folder / 'field.sqlite3'}"
    results: dict[str, tuple] = {}
    with server(root, database_url) as (base, log), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
        context = browser.new_context(viewport=PHONE, locale="ja-JP", timezone_id="Asia/Tokyo",
                                      has_touch=True, is_mobile=True)  # fmt: skip
        page = context.new_page()
        if throttle:
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", NETWORK)
        home(page, base)
        page.get_by_label("ユーザー名").fill("kita-head", timeout=WAIT_MS)
        page.get_by_label("パスワード").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        page.get_by_text("北区").first.wait_for(timeout=WAIT_MS)
        settle(page)
        acts = (
            ("damage report", lambda: damage_report(page, base, new)),
            ("no change", lambda: no_change(page, base, new)),
            ("evacuees", lambda: evacuees(page, base, new)),
            ("了解", lambda: acknowledge(page, base, new, database_url)),
            ("roll-call", lambda: rollcall_answer(page, base, database_url)),
        )
        for name, act in acts:
            try:
                results[name] = act()
            except Exception as exc:  # one act failing does not stop the others
                traceback.print_exc()
                results[name] = ("failed", type(exc).__name__, 0.0)
        browser.close()
        # Streamlit's deprecation notices ("… will be removed after …", "Please replace …").
        lines = log.read_text().splitlines()
        warnings = sum(any(w in line for w in DEPRECATION_WORDS) for line in lines)
        results["log warnings"] = (warnings,)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, help="a checkout to compare with (e.g. main)")
    parser.add_argument("--no-throttle", action="store_true", help="full CPU and network speed")
    args = parser.parse_args()
    variants = [("this", REPO, True)] + ([("base", args.base, False)] if args.base else [])
    table = {label: run_variant(root, new, not args.no_throttle) for label, root, new in variants}
    goals = {"damage report": "≤5 taps, ≤30 s", "no change": "≤2 taps",
             "evacuees": "≤3 taps", "了解": "1 tap", "roll-call": "2 taps"}  # fmt: skip
    speed = "full speed" if args.no_throttle else f"CPU ×{CPU_SLOWDOWN}, Fast 3G"
    print(f"\nfieldrun: 390 px phone, {speed}; taps / typed fields / seconds")
    print(f"{'act':<14}{'goal':<17}" + "".join(f"{label:>22}" for label, *_ in variants))
    for act, goal in goals.items():
        cells = []
        for label, *_ in variants:
            taps, typed, seconds = table[label][act]
            cells.append(f"{taps} / {typed} / {seconds:.1f} s" if taps != "failed" else typed)
        print(f"{act:<14}{goal:<17}" + "".join(f"{c:>22}" for c in cells))
    warnings = "".join(f"{table[label]['log warnings'][0]:>22}" for label, *_ in variants)
    print(f"{'deprecations in the server log':<31}{warnings}")


if __name__ == "__main__":
    main()
