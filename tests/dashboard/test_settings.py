"""Settings: no install signs links with a published secret (issue 10, risks)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dashboard.domain import SYSTEM, Actor, Role
from dashboard.services import accounts
from dashboard.settings import DEMO_SECRET, SECRET_FILE, Settings


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
