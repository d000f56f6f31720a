"""Linking a dashboard account to its LINE WORKS user: by an administrator or the CLI; one LINE
WORKS id per account; the bot then knows the person."""

from __future__ import annotations

import pytest

from dashboard import cli
from dashboard.errors import ValidationFailed
from dashboard.i18n import translate
from dashboard.services import accounts, rollcall
from dashboard.settings import get_settings
from dashboard.storage.db import reading
from dashboard.storage.models import AuditEntry, StaffMember, User
from tests.dashboard.services.chatbot.fake_lineworks import text
from tests.factories import KITA


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


def test_one_lineworks_id_belongs_to_one_register_person(talk):
    admin = talk.city.admin
    person = {"name": "北 一郎", "unit_code": KITA, "tier": "1", "email": "", "post": ""}
    first = rollcall.add_staff(
        talk.engine, admin, employee_number="K1", **person, lineworks_user_id="lw-k1"
    )
    second = rollcall.add_staff(
        talk.engine, admin, employee_number="K2", **person, lineworks_user_id="lw-k2"
    )
    with pytest.raises(ValidationFailed) as failed:
        rollcall.edit_staff(talk.engine, admin, second, **person, lineworks_user_id=" lw-k1 ")
    key, params = failed.value.fields["lineworks_user_id"]
    assert translate(key, "en", **params) == (
        "This LINE WORKS id belongs to another person of the register (employee number K1)."
    )
    # Saving the person's own id again is no conflict.
    rollcall.edit_staff(
        talk.engine, admin, first, **{**person, "post": "係長"}, lineworks_user_id="lw-k1"
    )
    with reading(talk.engine) as s:
        ids = dict(s.query(StaffMember.employee_number, StaffMember.lineworks_user_id).all())
    assert ids == {"K1": "lw-k1", "K2": "lw-k2"}
