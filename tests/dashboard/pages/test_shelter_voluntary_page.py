"""The shelter page's うち自主避難 field: typed in full-width digits, refused above the evacuees
with the message under the field (nothing stored, the input kept), then stored and shown in the
history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.services import shelters
from dashboard.services.accounts import actor_for
from dashboard.storage.db import make_engine, reading
from dashboard.storage.models import User
from tests import factories
from tests.dashboard.pages.conftest import open_page


@pytest.fixture
def engine(app_env):
    engine = make_engine(app_env)
    factories.make_city(engine)
    yield engine
    engine.dispose()


def kita_staff(engine):
    with reading(engine) as s:
        return actor_for(s.scalars(select(User).where(User.username == "kita_staff")).one())


def send(at):
    next(b for b in at.button if b.label == "この内容で報告").click().run()


def test_voluntary_evacuees_from_the_shelter_form(engine):
    staff = kita_staff(engine)
    view = shelters.list_shelters(engine, staff)[0]
    at = open_page("shelters.py", staff)
    at.selectbox(key="shelters.pick").set_value(view.id).run()
    p = f"shelter.{view.id}"
    field = at.text_input(key=f"{p}.voluntary_evacuees")
    assert field.label == "うち自主避難（人）" and field.value == ""
    at.segmented_control(key=f"{p}.state").set_value("open")
    at.text_input(key=f"{p}.evacuees").input("１２")
    at.text_input(key=f"{p}.voluntary_evacuees").input("２０").run()
    send(at)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert "うち自主避難は避難者数（12人）以下にしてください。" in errors
    assert at.text_input(key=f"{p}.voluntary_evacuees").value == "２０"  # kept as typed
    assert shelters.shelter_history(engine, staff, view.id) == []

    at.text_input(key=f"{p}.voluntary_evacuees").input("５").run()
    send(at)
    assert not at.exception and not at.error
    latest = shelters.get_shelter(engine, staff, view.id)
    assert (latest.evacuees, latest.voluntary_evacuees) == (12, 5)
    # The form reopens with what is stored; the history lists it in its own column.
    assert at.text_input(key=f"{p}.voluntary_evacuees").value == "5"
    at.toggle(key=f"{p}.history").set_value(True).run()
    history = at.dataframe[-1].value
    assert history["うち自主避難（人）"].tolist() == [5]
