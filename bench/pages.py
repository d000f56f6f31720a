"""Benchmark: every main page with 100,000 damage reports, in Chromium, one user.

The issue's big-data goal: with 100,000 reports every page is usable ≤ 2 s after navigation and
the map drawn ≤ 2 s. For each variant (this checkout, and today's main at --main-repo, same run,
same database) a server is started on a fresh SQLite copy of one seeded database (the demo city
plus N reports, as ``bench/map.py`` seeds it), the mayor logs in in headless Chromium and clicks
through the sidebar: home, map, shelters, review, directives, ``--rounds`` times. Per page:

  usable  click → the page's heading is shown and Streamlit's run has finished
          (``data-test-script-state`` back to ``notRunning``): everything is on screen
  drawn   (map only) click → the map's area labels and the report layer are in the iframe
  server CPU  the app process's CPU seconds (/proc) from click to usable
  browser busy  Chromium's main-thread task seconds (CDP Performance.TaskDuration) from click to
          usable (map: drawn): the two work figures that other load on the machine inflates
          less than wall time

The first round is the cold one (the server's first read of each page); medians of the others
are the warm figures. Prints a table; asserts nothing. 127.0.0.1 only, bounded by timeouts.

Run from the repository root: ``/work/main/.venv/bin/python bench/pages.py``
(``--reports 10000 --rounds 2`` for a quick look).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for folder in (REPO, REPO / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import numpy as np  # noqa: E402

# Sidebar label → the heading the page shows (ja, the default language).
PAGES = (
    # (The home page's heading: 「大阪市の状況」 since issue 24, the app's title before.)
    ("ホーム", re.compile("^(大阪市の状況|災害状況ダッシュボード)$")),
    ("状況地図", "状況地図"),
    ("避難所状況", "避難所状況"),
    ("被害報告の確認", "被害報告の確認"),
    ("指示", "指示"),
)
MAP_IFRAME = "[data-testid=stCustomComponentV1]"
# A page slower than this counts as failed (the bench goes on with the next one).
PAGE_TIMEOUT_MS = 90_000
SCRIPT_IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null && app.getAttribute('data-test-script-state') === 'notRunning';
}"""


def seed(folder: Path, reports: int) -> Path:
    from map import seed_database

    path = folder / "seed.sqlite3"
    engine, _, _ = seed_database(path, reports, np.random.default_rng(9))
    engine.dispose()
    return path


def browser_busy(cdp) -> float:
    """Seconds the page's renderer main thread has spent on tasks so far (Chrome's TaskDuration:
    scripts, layout, painting), a measure of the browser's work that other load does not
    inflate as much as wall time."""
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "TaskDuration")


def visit(page, label: str, heading: str, is_map: bool, pids, cdp) -> tuple:
    """Click a sidebar entry; (seconds until usable, seconds until the map was drawn, server
    CPU seconds until usable, browser main-thread seconds until usable or drawn)."""
    from sessionkit import cpu_seconds

    sidebar = page.locator("[data-testid=stSidebar]")
    busy0 = browser_busy(cdp)
    cpu0 = cpu_seconds(pids)
    start = time.perf_counter()
    sidebar.get_by_text(label, exact=True).click()
    exact = isinstance(heading, str) or None
    page.get_by_role("heading", name=heading, exact=exact).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function(SCRIPT_IDLE, timeout=PAGE_TIMEOUT_MS)
    usable = time.perf_counter() - start
    cpu = cpu_seconds(pids) - cpu0
    drawn = None
    if is_map:
        frame = page.frame_locator(MAP_IFRAME)
        frame.locator(".dm-area-label").first.wait_for(state="attached", timeout=PAGE_TIMEOUT_MS)
        frame.locator(".leaflet-overlay-pane canvas").first.wait_for(
            state="attached", timeout=PAGE_TIMEOUT_MS
        )
        drawn = time.perf_counter() - start
    return usable, drawn, cpu, browser_busy(cdp) - busy0


def run_variant(repo: Path, database: Path, rounds: int) -> dict[str, list[tuple]]:
    from sessionkit import app_server

    from tests.e2e.harness import browser_page, log_in, wait_for_text

    env = {"DASHBOARD_WORKER_IN_APP": "false"}
    times: dict[str, list[tuple]] = {label: [] for label, _ in PAGES}
    server = app_server(repo, f"sqlite:///{database}", [], env)
    with server as (url, pids), browser_page() as page:
        log_in(page, url, "mayor")
        wait_for_text(page, "大阪 市太郎さん、ようこそ。", timeout_ms=PAGE_TIMEOUT_MS)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        visit(page, *PAGES[-1], False, pids, cdp)  # start elsewhere: each visit changes the heading
        for _ in range(rounds):
            for label, heading in PAGES:
                try:
                    times[label].append(visit(page, label, heading, label == "状況地図", pids, cdp))
                except Exception as exc:  # noqa: BLE001 - a failed page is a row, not a crash
                    print(f"  {label}: {type(exc).__name__} {str(exc)[:120]}")
                    times[label].append((float("inf"), None, float("inf"), float("inf")))
                print(f"  {label}: {times[label][-1]}", flush=True)
    return times


def fmt(values: list[float | None]) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    cold, warm = values[0], values[1:]
    text = f"{cold:.2f}"
    return text + (f" / {statistics.median(warm):.2f}" if warm else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--variants", default="branch,main")
    parser.add_argument("--main-repo", default="/work/main")
    args = parser.parse_args()
    repos = {"branch": REPO, "main": Path(args.main_repo)}
    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    rows = []
    try:
        started = time.perf_counter()
        seeded = seed(folder, args.reports)
        print(f"seeded {args.reports:,} reports in {time.perf_counter() - started:.0f} s")
        for label in args.variants.split(","):
            database = folder / f"{label}.sqlite3"
            shutil.copy(seeded, database)  # each variant starts from the same data
            print(f"== {label} ({repos[label]})", flush=True)
            times = run_variant(repos[label], database, args.rounds)
            for page_label, _ in PAGES:
                usable, drawn, cpu, busy = zip(*times[page_label], strict=True)
                rows.append((label, page_label, fmt(usable), fmt(drawn), fmt(cpu), fmt(busy)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{args.reports:,} reports, mayor, Chromium; seconds, cold / median of warm visits\n")
    head = "| variant | page | usable after click s | map drawn s | server CPU s | browser busy s |"
    print(head + "\n|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
