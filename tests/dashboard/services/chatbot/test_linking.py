"""Linking a dashboard account to its LINE WORKS user: by an administrator or the CLI; one LINE
WORKS id per account; the bot then knows the person."""

from __future__ import annotations

import pytest

from dashboard import cli
from dashboard.errors import ValidationFailed
from dashboard.i18n import translate
from dashboard.services import accounts
from dashboard.settings import get_settings
from dashboard.storage.db import reading
from dashboard.storage.models import AuditEntry, User
from tests.dashboard.services.chatbot.fake_lineworks import text


def lineworks_id(engine, username: str) -> str | None:
    with reading(engine) as s:
        return s.query(User).filter_by(username=username).one().lineworks_user_id


def test_an_administrator_links_an_account_and_the_bot_knows_the_person(talk):
    talk.send(text("lw-chuo-staff", "避難所"))
    assert talk.api.texts_to("lw-chuo-staff")[-1].startswith("申し訳ありません。")
    accounts.update_user(
        talk.engine, talk.city.admin, username="chuo_staff", lineworks_user_id=" lw-chuo-staff "
    )
    assert lineworks_id(talk.engine, "chuo_staff") == "lw-chuo-staff"
    with reading(talk.engine) as s:
        entry = s.query(AuditEntry).filter_by(action="user.updated").one()
    assert entry.detail == {"lineworks_user_id": "lw-chuo-staff"}
    talk.send(text("lw-chuo-staff", "避難所"))
    assert talk.api.texts_to("lw-chuo-staff")[-1].startswith("避難所を選んでください。")


def test_one_lineworks_id_belongs_to_one_account(talk):
    with pytest.raises(ValidationFailed) as failed:
        accounts.update_user(
            talk.engine, talk.city.admin, username="chuo_staff", lineworks_user_id="lw-kita-staff"
        )
    key, params = failed.value.fields["lineworks_user_id"]
    assert translate(key, "ja", **params) == (
        "この LINE WORKS ID は別のアカウントに登録されています。"
    )
    assert translate(key, "en", **params) == "This LINE WORKS ID belongs to another account."
    with pytest.raises(ValidationFailed) as failed:
        accounts.update_user(
            talk.engine, talk.city.admin, username="chuo_staff", lineworks_user_id="a b"
        )
    key, params = failed.value.fields["lineworks_user_id"]
    assert translate(key, "en", **params) == (
        "A LINE WORKS ID has no spaces and at most 100 characters."
    )
    assert lineworks_id(talk.engine, "chuo_staff") is None


def test_the_cli_links_and_unlinks(talk, database_url, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        assert cli.main(["link-lineworks", "chuo_staff", "lw-c"]) == 0
        assert capsys.readouterr().out.strip() == "linked chuo_staff to LINE WORKS user lw-c"
        assert lineworks_id(talk.engine, "chuo_staff") == "lw-c"
        assert cli.main(["link-lineworks", "chuo_staff", ""]) == 0
        assert lineworks_id(talk.engine, "chuo_staff") is None
    finally:
        get_settings.cache_clear()
