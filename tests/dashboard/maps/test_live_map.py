"""The live map: the part streamlit-folium mounts stays the same when the data changes (so the
browser keeps the map, its view and popups), and the data travels in the feature group that is
drawn into the mounted map; selected areas and the followed directive's state are in the data."""

from __future__ import annotations

import json
import re

import pytest
from streamlit_folium import _get_feature_group_string, _get_map_string, generate_js_hash

from dashboard.maps import build_command_map, live_map
from dashboard.maps.texts import make_translate
from tests.dashboard.maps.factories import NOW, XSS, make_reports, make_shelters, make_wards

DRAW = re.compile(r"DisasterMap\.draw\(map_div, (.+)\);")
t = make_translate("ja")


def as_streamlit_folium_sends(reports, **kwargs) -> tuple[str, str]:
    """(hash of the mounted map's script, the feature group's script), as ``st_folium`` makes
    them."""
    live = live_map(
        build_command_map(make_wards(), make_shelters(), reports, t=t, now=NOW, **kwargs)
    )
    live.map.render()
    script = _get_map_string(live.map)
    return generate_js_hash(script, "command_map"), _get_feature_group_string(live.data, live.map)


def test_new_data_keeps_the_mounted_map_and_travels_in_the_feature_group():
    mounted, data = as_streamlit_folium_sends(make_reports(100))
    mounted_again, new_data = as_streamlit_folium_sends(make_reports(101, seed=5))
    assert mounted == mounted_again  # the browser keeps the map
    assert data != new_data
    (payload,) = DRAW.findall(new_data)
    assert json.loads(payload)["reports"]["n"] == 101


def test_selected_and_acknowledging_areas_are_in_the_data():
    wards = make_wards()
    wards["ack"] = None
    wards.loc[0, "ack"] = "waiting"
    wards.loc[1, "ack"] = "done"
    wards.loc[2, "ack"] = XSS  # never passed on
    wards.loc[3, "name"] = XSS
    m = build_command_map(
        wards, None, None, t=t, now=NOW, selected=[wards.loc[1, "code"]], replay=True
    )
    live = live_map(m)
    live.map.render()
    (payload,) = DRAW.findall(_get_feature_group_string(live.data, live.map))
    data = json.loads(payload)
    props = [f["properties"] for f in data["areas"]["features"]]
    assert [p.get("ack") for p in props[:4]] == ["waiting", "done", None, None]
    assert [p.get("sel") for p in props[:3]] == [None, True, None]
    assert data["replay"] is True
    assert XSS not in payload  # the name is there, escaped for the script element


def test_only_a_situation_map_splits():
    m = build_command_map(make_wards(), None, None, t=t, now=NOW)
    live_map(m)
    with pytest.raises(ValueError):
        live_map(m)  # its data is gone already
