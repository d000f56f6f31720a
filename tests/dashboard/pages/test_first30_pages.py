"""The first thirty minutes on the HQ pages (AppTest): the report being edited never switches to
another disaster's report while a remark is typed; a disaster registered by hand gets a start
time and a same-name check; the declaration prompt and the first report's countdown show."""

from __future__ import annotations

import pytest

from dashboard.services import modes, sitreports
from dashboard.storage.db import make_engine
from tests import factories
from tests.dashboard.pages.conftest import open_page
from tests.dashboard.services.sitreport_factories import add_town, start_typhoon
from tests.factories import CITY


@pytest.fixture
def city(app_env):
    engine = make_engine(app_env)
    city = factories.make_city(engine)
    add_town(city)
    yield city
    engine.dispose()


def remark_area(at, disaster_id: int, number: int):
    key = f"sitrep:{disaster_id}:{CITY}:{number}:{sitreports.REMARK_KEYS[0]}"
    return at.text_area(key=key)


def test_a_new_disaster_does_not_switch_the_report_being_edited(city):
    typhoon = start_typhoon(city)
    at = open_page("sitreports.py", city.mayor)
    remark_area(at, typhoon.disaster_id, 1).input("北区で停電復旧作業中").run()
    # Meanwhile another disaster is registered (by a colleague, or from a JMA telegram).
    other = modes.record_disaster(
        city.engine, city.admin, name="大雨", kind="heavy_rain", area_code=CITY
    )
    at.run()
    assert not at.exception
    assert at.selectbox(key="sitrep.disaster").value == typhoon.disaster_id
    assert remark_area(at, typhoon.disaster_id, 1).value == "北区で停電復旧作業中"
    at.button(key=f"sitrep.issue.{typhoon.disaster_id}.1").click().run()
    assert not at.exception
    mine = sitreports.list_reports(city.engine, city.mayor, typhoon.disaster_id)
    assert [r.number for r in mine] == [1]
    assert sitreports.list_reports(city.engine, city.mayor, other) == []
    report = sitreports.get_report(city.engine, city.mayor, mine[0].id)
    assert "北区で停電復旧作業中" in str(report.remarks)
