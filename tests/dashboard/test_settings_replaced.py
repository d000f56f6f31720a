"""A setting that was replaced still loads from an old .env file, and the log says once what
replaces it (issue 21: DASHBOARD_JMA_TIMEOUT_SECONDS → DASHBOARD_JMA_DEADLINE_SECONDS)."""

from __future__ import annotations

import logging

from dashboard import settings as settings_module
from dashboard.settings import Settings


def test_an_old_env_file_with_the_replaced_timeout_loads_and_warns_once(
    tmp_path, monkeypatch, caplog
):
    monkeypatch.setattr(settings_module, "_warned_replaced", set())
    monkeypatch.delenv("DASHBOARD_JMA_TIMEOUT_SECONDS", raising=False)
    env = tmp_path / ".env"
    env.write_text(
        "DASHBOARD_JMA_TIMEOUT_SECONDS=15\nDASHBOARD_JMA_DEADLINE_SECONDS=20\n", encoding="utf-8"
    )
    with caplog.at_level(logging.WARNING, logger="dashboard.settings"):
        first = Settings(_env_file=env, data_dir=tmp_path)
        again = Settings(_env_file=env, data_dir=tmp_path)
    assert first.jma_deadline_seconds == again.jma_deadline_seconds == 20.0
    warnings = [r.getMessage() for r in caplog.records if "JMA_TIMEOUT" in r.getMessage()]
    assert len(warnings) == 1
    assert "DASHBOARD_JMA_TIMEOUT_SECONDS" in warnings[0]
    assert "DASHBOARD_JMA_DEADLINE_SECONDS" in warnings[0]


def test_a_new_env_file_is_not_warned_about(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(settings_module, "_warned_replaced", set())
    monkeypatch.delenv("DASHBOARD_JMA_TIMEOUT_SECONDS", raising=False)
    env = tmp_path / ".env"
    env.write_text("DASHBOARD_JMA_DEADLINE_SECONDS=20\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="dashboard.settings"):
        Settings(_env_file=env, data_dir=tmp_path)
    assert not [r for r in caplog.records if "JMA_TIMEOUT" in r.getMessage()]
