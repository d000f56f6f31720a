"""The situation-report page opens a 第N報 issued in the old snapshot shape (version 1) without
error: the draft compares with it and the issued report shows its figures, new rows 未確認."""

from __future__ import annotations

import pytest

from dashboard.storage.db import make_engine
from tests import factories
from tests.dashboard.pages.conftest import open_page
from tests.dashboard.services.test_sitreport_old_snapshot import store_old_report


@pytest.fixture
def city(app_env):
    engine = make_engine(app_env)
    city = factories.make_city(engine)
    yield city
    engine.dispose()


def test_the_page_shows_an_old_report(city):
    disaster_id, report_id = store_old_report(city)
    at = open_page("sitreports.py", city.mayor)
    assert not at.exception
    assert any("第2報（案）" in h.value for h in at.subheader)
    choice = next(s for s in at.selectbox if (s.key or "").startswith("sitrep.issued_choice"))
    choice.set_value(report_id).run()
    assert not at.exception
    shown = at.dataframe[-1].value.astype(str)
    assert shown.apply(lambda col: col.str.contains("1200|1,200")).any().any()
    assert shown.apply(lambda col: col.str.contains("未確認")).any().any()
    assert [b.label for b in at.get("download_button")][-4:] == [
        "Excel",
        "CSV",
        "A4 (HTML)",
        "PDF",
    ]
