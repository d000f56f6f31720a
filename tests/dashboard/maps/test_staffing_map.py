"""The command map's staffing layer: units outlined by 参集率 with the rate as a label, counts
only — no name, number or address of a person reaches the page (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from dashboard.i18n import translate
from dashboard.maps import add_staffing_layer, build_command_map
from dashboard.maps.texts import make_translate
from dashboard.services import rollcall
from tests.dashboard.maps.factories import NOW, XSS, make_wards
from tests.dashboard.services.test_rollcall import STAFF, T0, answer, csv_of, start, token_for
from tests.factories import CHUO, KITA

_LAYER = re.compile(r"\}\)\(\w+, (\{.+\})\);")


def t(key: str, **params) -> str:
    return translate(key, "ja", **params)


def wards_with(codes: dict[int, str], **names: str):
    wards = make_wards(24)
    for index, code in codes.items():
        wards.loc[index, "code"] = code
    for index, name in names.items():
        wards.loc[int(index[1:]), "name"] = name
    return wards


def layer_of(html: str) -> dict:
    found = _LAYER.findall(html)
    assert len(found) == 1, "one staffing layer"
    return json.loads(found[0])


def rendered(wards, staffing) -> str:
    m = build_command_map(wards, None, None, t=make_translate("ja"), now=NOW)
    return add_staffing_layer(m, wards, staffing, t=t).get_root().render()


def test_units_with_a_rate_are_outlined_in_their_colour_and_labelled():
    wards = wards_with({0: KITA, 1: CHUO})
    staffing = {
        KITA: rollcall.Staffing(KITA, 0.5, 5, 10, "#fdcc8a"),
        CHUO: rollcall.Staffing(CHUO, 0.0, 0, 4, "#d7301f"),
    }
    data = layer_of(rendered(wards, staffing))
    assert [f["properties"] for f in data["features"]] == [
        {"code": KITA, "colour": "#fdcc8a"},
        {"code": CHUO, "colour": "#d7301f"},
    ]
    assert [(label["text"], label["colour"]) for label in data["labels"]] == [
        ("参集50%", "#fdcc8a"),
        ("参集0%", "#d7301f"),
    ]
    assert data["labels"][0]["title"] == "参集率 50%（5/10名）"
    west, south, east, north = wards.geometry.iloc[0].bounds
    assert west < data["labels"][0]["lon"] < east and south < data["labels"][0]["lat"] < north


def test_without_an_open_roll_call_there_is_no_layer():
    m = build_command_map(make_wards(3), None, None, t=make_translate("ja"), now=NOW)
    html = add_staffing_layer(m, make_wards(3), {}, t=t).get_root().render()
    assert not _LAYER.findall(html)


def test_the_layer_carries_no_ward_text_so_nothing_can_be_injected():
    wards = wards_with({0: KITA}, w0=XSS + "{{ 7*7 }}")
    html = rendered(wards, {KITA: rollcall.Staffing(KITA, 1.0, 3, 3, "#1a9850")})
    layer = _LAYER.findall(html)[0]
    assert XSS not in layer and "{{" not in layer and "7*7" not in layer
    assert "textContent" in html and "innerHTML" not in html.split("staffing-label")[1][:400]


def test_no_personal_data_reaches_the_map(city):
    assert rollcall.import_staff(city.engine, city.admin, csv_of(STAFF), dry_run=False).applied
    rollcall.set_requirements(city.engine, city.admin, {(KITA, 4): 4})
    rc = start(city, submission_id="map")
    for number in ("K1", "K2"):
        answer(
            city.engine,
            token_for(city.engine, rc, number),
            number,
            attendance="arrived",
            place="自宅 大阪市北区1-2-3",
            comment="骨折",
        )
    staffing = rollcall.staffing_layer(city.engine, city.mayor, now=T0 + timedelta(hours=1))
    html = rendered(wards_with({0: KITA, 1: CHUO}), staffing)
    data = layer_of(html)
    assert [label["text"] for label in data["labels"]] == [
        "参集50%",
        "参集0%",
    ]  # 2 of the 4 required
    for number, (name, _unit, _tier, email, lineworks) in STAFF.items():
        for personal in (name, email, lineworks, f'"{number}"'):
            if personal:
                assert personal not in html
    assert "自宅" not in html and "骨折" not in html
    # A ward head's layer holds their own ward only.
    assert set(rollcall.staffing_layer(city.engine, city.kita_head)) == {KITA}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_toggle_and_tooltip_are_translated(lang):
    assert translate("map.staffing", lang) and "{" not in translate(
        "map.staffing.tooltip", lang, rate=1, arrived=1, required=1
    )
