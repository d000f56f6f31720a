"""The situation map's 参集状況 toggle: off by default, on it draws the staffing layer of the open
roll-call over the 24 wards; only roles that may read the board get the toggle."""

from __future__ import annotations

import json
import re

from dashboard.services import rollcall
from tests.dashboard.pages.conftest import open_page
from tests.dashboard.pages.test_map_page import demo, map_args  # noqa: F401
from tests.dashboard.pages.test_rollcall_pages import STAFF_CSV
from tests.factories import without_demo_register

LAYER = re.compile(r"\}\)\(\w+, (\{.+\})\);")


def test_the_mayor_switches_the_staffing_layer_on(demo):  # noqa: F811
    engine, actors = demo
    admin = actors["kikikanri"]
    without_demo_register(engine)
    rollcall.import_staff(engine, admin, STAFF_CSV, dry_run=False)
    rollcall.start_rollcall(engine, admin, submission_id="s", scope_code="27100")
    at = open_page("map.py", actors["mayor"])
    assert not LAYER.findall(map_args(at)["script"])  # off by default
    at.toggle(key="map_staffing").set_value(True).run()
    assert not at.exception, at.exception
    (found,) = LAYER.findall(map_args(at)["script"])
    data = json.loads(found)
    assert {f["properties"]["code"] for f in data["features"]} == {"27127", "27128"}
    assert {label["text"] for label in data["labels"]} == {"参集0%"}
    assert "北 一郎" not in map_args(at)["script"]


def test_ward_staff_get_no_staffing_toggle(demo):  # noqa: F811
    engine, actors = demo
    staff = next(a for name, a in actors.items() if a.role == "ward_staff")
    at = open_page("map.py", staff)
    assert not [t for t in at.toggle if t.key == "map_staffing"]
