"""Settings: no install signs links with a published secret, and every process of one install
signs with the same secret (issue 10, risks and secrets across processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from dashboard import cli
from dashboard.domain import SYSTEM, Actor, Role
from dashboard.services import accounts
from dashboard.settings import (
    DEMO_SECRET,
    SECRET_FILE,
    Settings,
    get_settings,
    require_valid_settings,
    settings_problem,
)


@pytest.fixture(autouse=True)
def _no_secret_in_the_environment(monkeypatch):
    monkeypatch.delenv("DASHBOARD_SECRET_KEY", raising=False)


def test_an_install_without_a_secret_generates_its_own_and_keeps_it(tmp_path):
    first = Settings(data_dir=tmp_path, demo_mode=True)
    restarted = Settings(data_dir=tmp_path, demo_mode=False)
    other_install = Settings(data_dir=tmp_path / "other", demo_mode=True)
    assert first.secret_key != DEMO_SECRET and len(first.secret_key) >= 32
    assert restarted.secret_key == first.secret_key  # signed links survive a restart
    assert other_install.secret_key != first.secret_key
    assert (tmp_path / SECRET_FILE).stat().st_mode & 0o077 == 0  # readable by the owner only


def test_a_configured_secret_wins_and_the_published_one_is_refused_for_real_use(tmp_path):
    assert Settings(data_dir=tmp_path, secret_key="x" * 40).secret_key == "x" * 40
    assert not (tmp_path / SECRET_FILE).exists()
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, demo_mode=False, secret_key=DEMO_SECRET)
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, demo_mode=False, secret_key="short")


def test_administrators_are_warned_while_demo_mode_is_on(tmp_path):
    admin = Actor(1, "kikikanri", "危機管理", Role.CRISIS_ADMIN, "27100")
    staff = Actor(2, "kita", "北区", Role.WARD_STAFF, "27127")
    demo = Settings(data_dir=tmp_path, demo_mode=True)
    real = Settings(data_dir=tmp_path, demo_mode=False)
    assert accounts.demo_warning(admin, demo)
    assert not accounts.demo_warning(staff, demo)
    assert not accounts.demo_warning(admin, real)
    assert not accounts.demo_warning(None, demo) and not accounts.demo_warning(SYSTEM, real)


# --- one secret for every process (issue 10, secrets across processes) -------------------------

PG_URL = "postgresql+psycopg://dashboard@db.city.example:5432/dashboard"
REPO = Path(__file__).resolve().parents[2]
# Run in a separate Python process: print this process's secret, sign a link as the worker does
# (argv[1] == "sign") or verify the given one as the app does (prints the delivery id or None).
PROBE = """
import sys
from dashboard.clock import utcnow
from dashboard.services import directives
from dashboard.services.delivery.queue import ack_url
from dashboard.settings import get_settings

settings = get_settings()
if sys.argv[1] == "sign":
    print(settings.secret_key, ack_url(42, settings=settings, now=utcnow()).split("token=")[1])
else:
    print(settings.secret_key, directives.verify_ack_link(sys.argv[1]))
"""


def processes(env: dict[str, str], *argvs: list[str], cwd: Path) -> list[list[str]]:
    """Run one probe process per argv, all at once; their printed words."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
    base.update(env, PYTHONPATH=str(REPO))
    running = [
        subprocess.Popen(
            [sys.executable, "-c", PROBE, *argv],
            env=base,
            cwd=cwd,  # no .env file there
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for argv in argvs
    ]
    outputs = []
    for process in running:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outputs.append(out.split())
    return outputs


def test_processes_starting_together_on_one_install_share_the_generated_secret(tmp_path):
    env = {"DASHBOARD_DATA_DIR": str(tmp_path / "data"), "DASHBOARD_DEMO_MODE": "false"}
    started = processes(env, *[["sign"]] * 4, cwd=tmp_path)  # a fresh install: they race
    assert len({secret for secret, _ in started}) == 1
    token = started[0][1]
    [(secret, verified)] = processes(env, [token], cwd=tmp_path)  # a later app process
    assert (secret, verified) == (started[0][0], "42")


def test_processes_on_two_machines_verify_each_others_links_with_the_configured_secret(tmp_path):
    shared = {"DASHBOARD_DATABASE_URL": PG_URL, "DASHBOARD_DEMO_MODE": "false"}
    shared["DASHBOARD_SECRET_KEY"] = "k" * 48
    worker = {**shared, "DASHBOARD_DATA_DIR": str(tmp_path / "machine-a")}
    app = {**shared, "DASHBOARD_DATA_DIR": str(tmp_path / "machine-b")}
    [(_, token)] = processes(worker, ["sign"], cwd=tmp_path)
    [(_, verified)] = processes(app, [token], cwd=tmp_path)
    assert verified == "42"
    [(_, forged)] = processes({**app, "DASHBOARD_SECRET_KEY": "m" * 48}, [token], cwd=tmp_path)
    assert forged == "None"  # a process with another secret refuses the link


def test_a_database_server_without_a_shared_secret_is_refused_outside_demo_mode(tmp_path):
    with pytest.raises(ValidationError) as caught:
        Settings(data_dir=tmp_path, database_url=PG_URL, demo_mode=False)
    problem = settings_problem(caught.value)
    assert "DASHBOARD_SECRET_KEY must be set" in problem and "every machine" in problem
    assert not (tmp_path / SECRET_FILE).exists()  # no per-machine secret was made
    assert Settings(data_dir=tmp_path, database_url=PG_URL, secret_key="s" * 40).secret_key
    # The demo on one machine, and SQLite (one file, one machine), keep the generated secret.
    assert Settings(data_dir=tmp_path, database_url=PG_URL, demo_mode=True).secret_key
    assert Settings(data_dir=tmp_path, demo_mode=False).secret_key


def test_the_example_files_placeholder_secret_is_refused(tmp_path):
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, demo_mode=False, secret_key="CHANGE-ME-to-a-long-random-value")


def test_the_worker_and_the_app_refuse_to_start_with_one_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", PG_URL)
    monkeypatch.setenv("DASHBOARD_DEMO_MODE", "false")
    get_settings.cache_clear()
    try:
        assert cli.main(["run-worker"]) == 2
        [line] = capsys.readouterr().err.splitlines()
        assert line.startswith("error: DASHBOARD_SECRET_KEY must be set")
        with pytest.raises(SystemExit) as caught:
            require_valid_settings()  # what dashboard/app.py does before serving
        assert "refusing to start: DASHBOARD_SECRET_KEY must be set" in str(caught.value.code)
    finally:
        get_settings.cache_clear()
