"""What the command and overview maps put in the page: layers, counts, escaping, silent wards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from dashboard.maps import build_command_map, build_overview_map, payload
from dashboard.maps.command_map import LIBRARY_JS
from dashboard.maps.legend import REPORT_STYLES
from dashboard.maps.payload import CATEGORY_SHIFT, SEVERITY_MASK, decode_ints, encode_ints
from dashboard.maps.texts import TEXTS, make_translate
from tests.dashboard.maps.factories import (
    NOW,
    XSS,
    extract_payload,
    make_reports,
    make_shelters,
    make_wards,
)

OSAKA_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "osaka"
t_ja = make_translate("ja")


def render(m) -> str:
    return m.get_root().render()


def test_map_has_one_polygon_per_ward_with_its_name_and_level() -> None:
    wards = make_wards(24)
    html = render(build_command_map(wards, make_shelters(), make_reports(), t=t_ja, now=NOW))
    features = extract_payload(html)["areas"]["features"]

    assert len(features) == 24
    assert {f["geometry"]["type"] for f in features} == {"Polygon"}
    assert [f["properties"]["name"] for f in features] == list(wards["name"])
    assert [f["properties"]["level"] for f in features] == list(wards["level"])
    assert features[3]["properties"]["code"] == "27105"
    assert features[3]["properties"]["last"] == 21  # minutes since its last report


def test_shelters_and_reports_are_embedded_once_with_their_counts() -> None:
    reports = make_reports(250)
    html = render(build_command_map(make_wards(), make_shelters(12), reports, t=t_ja, now=NOW))
    data = extract_payload(html)

    assert data["shelters"]["n"] == 12
    assert len(data["shelters"]["name"]) == 12
    assert data["reports"]["n"] == 250
    assert sum(data["reports"]["cc"]) == 250
    # The packed columns decode back to the reports' ids and 5-decimal coordinates.
    by_id = reports.sort_values("id")
    assert decode_ints(data["reports"]["id"]).tolist() == by_id["id"].tolist()
    lat = decode_ints(data["reports"]["la"]) / 1e5
    assert np.allclose(lat, by_id["lat"].round(5), atol=1e-9)
    packed = decode_ints(data["reports"]["k"])
    assert (packed & SEVERITY_MASK).tolist() == by_id["severity"].tolist()
    categories = list(REPORT_STYLES)
    decoded = [categories[c] for c in (packed >> CATEGORY_SHIFT)]
    assert decoded == by_id["category"].tolist()


def test_layer_counts_per_category_match_the_reports() -> None:
    reports = make_reports(300)
    html = render(build_command_map(make_wards(), None, reports, t=t_ja, now=NOW))
    data = extract_payload(html)

    expected = reports["category"].value_counts()
    for key, count in zip(REPORT_STYLES, data["reports"]["cc"], strict=True):
        assert count == expected.get(key, 0)
    assert "shelters" not in data


def test_user_text_never_reaches_the_page_unescaped() -> None:
    wards = make_wards()
    wards.loc[2, "name"] = XSS
    shelters = make_shelters()
    shelters.loc[0, "name"] = XSS
    reports = make_reports(20)
    reports["description"] = XSS
    reports["review_state"] = XSS
    html = render(build_command_map(wards, shelters, reports, t=t_ja, now=NOW))

    assert XSS not in html
    assert "<img" not in html
    data = extract_payload(html)
    # The browser gets the exact text back and shows it with textContent.
    assert data["areas"]["features"][2]["properties"]["name"] == XSS
    assert data["shelters"]["name"][0] == XSS
    assert set(data["reports"]["dv"]) == {XSS}
    assert data["reports"]["rl"] == [XSS]


def test_template_syntax_in_user_text_is_shown_literally() -> None:
    reports = make_reports(3)
    reports["description"] = "{{ 7*7 }} {% if true %}x{% endif %} {# note #}"
    html = render(build_command_map(make_wards(), None, reports, t=t_ja, now=NOW))

    assert "{{ 7*7 }}" not in html
    assert set(extract_payload(html)["reports"]["dv"]) == {
        "{{ 7*7 }} {% if true %}x{% endif %} {# note #}"
    }


def test_translated_labels_are_escaped_too() -> None:
    def t_markup(key: str) -> str:
        return f"<b>{key}</b>"

    html = render(
        build_command_map(make_wards(), make_shelters(), make_reports(), t=t_markup, now=NOW)
    )

    assert "<b>" not in html
    assert extract_payload(html)["texts"]["map.layer.wards"] == "<b>map.layer.wards</b>"


def test_browser_code_sets_text_without_markup_parsing() -> None:
    # innerHTML on user text would run the payload; the drawing code must not use it at all.
    assert "innerHTML" not in LIBRARY_JS
    assert "insertAdjacentHTML" not in LIBRARY_JS


def test_silent_wards_are_marked_and_named_in_the_legend() -> None:
    html = render(build_command_map(make_wards(silent=(4, 9)), None, None, t=t_ja, now=NOW))
    data = extract_payload(html)

    silent = [
        f["properties"]["code"] for f in data["areas"]["features"] if f["properties"]["silent"]
    ]
    assert silent == ["27106", "27111"]
    assert data["style"]["silent"]["label"] == "30分以上報告なし"
    assert data["style"]["silent"]["dash"]  # drawn with a dashed border and a hatch


def test_the_legend_names_the_configured_silence_interval() -> None:
    m = build_command_map(
        make_wards(silent=(1,)),
        None,
        None,
        t=make_translate("en"),
        now=NOW,
        silent_after_minutes=45,
    )
    data = extract_payload(render(m))
    assert data["style"]["silent"]["label"] == "Silent: no report for 45+ min"
    assert data["texts"]["map.silent.note"].startswith("No report from this area for over 45")


def test_shelter_availability_follows_state_and_occupancy() -> None:
    shelters = make_shelters(6)
    shelters["state"] = ["open", "open", "full", "preparing", "closed", None]
    shelters["capacity"] = [100, 100, 100, 100, 100, 100]
    shelters["evacuees"] = [10, 85, 100, 0, 0, None]
    shelters["kind"] = ["designated", "welfare", "designated", "adhoc", "emergency_site", "welfare"]
    html = render(build_command_map(make_wards(), shelters, None, t=t_ja, now=NOW))
    data = extract_payload(html)["shelters"]

    assert data["av"] == ["open", "nearly_full", "full", "preparing", "closed", "unknown"]
    assert data["kind"][1] == "welfare"
    assert data["age"] == [5] * 6


def test_english_labels_come_from_the_english_texts() -> None:
    html = render(
        build_command_map(make_wards(), None, make_reports(), t=make_translate("en"), now=NOW)
    )
    data = extract_payload(html)

    assert data["areasLabel"] == "Ward status"
    assert data["style"]["categories"][1]["label"] == "Fire"


def test_every_text_the_map_uses_is_translated_in_both_languages() -> None:
    for lang in ("ja", "en"):
        t = make_translate(lang)
        html = render(
            build_command_map(make_wards(), make_shelters(), make_reports(), t=t, now=NOW)
        )
        data = extract_payload(html)
        labels = list(data["texts"].values())
        labels += [c["label"] for c in data["style"]["categories"]]
        labels += [k["label"] for k in data["style"]["kinds"].values()]
        labels += [a["label"] for a in data["style"]["availability"].values()]
        labels += list(data["style"]["severities"].values()) + data["reports"]["rl"]
        untranslated = [x for x in labels if x.startswith(("map.", "category.", "review."))]
        assert untranslated == [], lang
    assert all(key.startswith("map.") for key in TEXTS)


def test_ages_count_from_now_to_the_minute() -> None:
    reports = make_reports(2)
    reports["reported_at"] = [NOW - timedelta(minutes=90), NOW - timedelta(seconds=20)]
    html = render(build_command_map(make_wards(), None, reports, t=t_ja, now=NOW))

    assert decode_ints(extract_payload(html)["reports"]["a"]).tolist() == [90, 0]


def test_clock_times_are_shown_in_japan_time_even_from_a_utc_now() -> None:
    utc_now = NOW.astimezone(UTC)
    html = render(build_command_map(make_wards(), None, make_reports(2), t=t_ja, now=utc_now))

    assert extract_payload(html)["tzo"] == 9 * 60


def test_descriptions_are_bounded_and_the_most_severe_kept(monkeypatch) -> None:
    monkeypatch.setattr(payload, "DESCRIPTION_BUDGET_BYTES", 4_000)
    reports = make_reports(400)
    reports["description"] = "長い説明" * 100
    html = render(build_command_map(make_wards(), None, reports, t=t_ja, now=NOW))
    data = extract_payload(html)["reports"]

    kept = data["dk"]
    assert 0 < len(kept) < 400
    assert all(len(text) == payload.DESCRIPTION_MAX_CHARS for text in data["dv"])
    severity = decode_ints(data["k"]) & SEVERITY_MASK
    assert set(severity[kept].tolist()) == {4}
    # Reports whose text was left out are still flagged, so the popup points to the list.
    assert (decode_ints(data["k"]) & payload.DESCRIPTION_FLAG).all()


def test_casualties_are_carried_for_the_reports_that_have_them() -> None:
    reports = make_reports(50)
    reports.loc[reports.index[7], ["dead", "injured", "missing", "trapped"]] = [1, 2, 3, 4]
    html = render(build_command_map(make_wards(), None, reports, t=t_ja, now=NOW))
    hurt = extract_payload(html)["reports"]["x"]

    assert hurt["n"] == 1
    assert decode_ints(hurt["k"]).tolist() == [7]
    assert [decode_ints(hurt[c]).tolist() for c in "dimt"] == [[1], [2], [3], [4]]


def test_unknown_category_and_missing_ward_still_draw() -> None:
    reports = make_reports(3)
    reports["category"] = ["volcano", "fire", None]
    reports["ward_code"] = [None, "99999", "27102"]
    html = render(build_command_map(make_wards(), None, reports, t=t_ja, now=NOW))
    data = extract_payload(html)["reports"]

    categories = list(REPORT_STYLES)
    assert [categories[c] for c in decode_ints(data["k"]) >> CATEGORY_SHIFT] == [
        "other",
        "fire",
        "other",
    ]
    names = data["wl"]
    assert [names[i] if i < len(names) else None for i in decode_ints(data["w"])] == [
        None,
        "99999",
        "第0区",
    ]


def test_string_ids_are_kept_as_given() -> None:
    reports = make_reports(3)
    reports["id"] = ["r-b", "r-a", "r-c"]
    html = render(build_command_map(make_wards(), None, reports, t=t_ja, now=NOW))

    assert extract_payload(html)["reports"]["ids"] == ["r-b", "r-a", "r-c"]


def test_view_fits_the_wards_unless_a_centre_is_given() -> None:
    fitted = extract_payload(render(build_command_map(make_wards(), None, None, t=t_ja, now=NOW)))
    assert fitted["fit"] == [[34.6, 135.4], [34.72, 135.58]]
    assert fitted["fixedView"] is False

    m = build_command_map(make_wards(), None, None, t=t_ja, now=NOW, center=(34.7, 135.5), zoom=14)
    assert m.location == [34.7, 135.5]
    assert m.options["zoom"] == 14
    assert extract_payload(render(m))["fixedView"] is True


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"now": datetime(2025, 1, 17, 5, 46)}, "timezone-aware"),
        ({"tiles": "google"}, "unknown tiles"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(change: dict, message: str) -> None:
    kwargs = {"t": t_ja, "now": NOW, **change}
    with pytest.raises(ValueError, match=message):
        build_command_map(make_wards(), None, None, **kwargs)


def test_missing_columns_are_named() -> None:
    reports = make_reports(2).drop(columns=["severity", "ward_code"])
    with pytest.raises(ValueError, match="severity, ward_code"):
        build_command_map(make_wards(), None, reports, t=t_ja, now=NOW)


def test_wards_in_another_crs_are_converted() -> None:
    wards = make_wards().to_crs(6669)
    html = render(build_command_map(wards, None, None, t=t_ja, now=NOW))
    ring = extract_payload(html)["areas"]["features"][0]["geometry"]["coordinates"][0]

    assert min(x for x, _ in ring) == pytest.approx(135.40, abs=1e-5)


def test_packed_integers_round_trip() -> None:
    values = np.array([5, 3, 70_000, 0])
    assert decode_ints(encode_ints(values)).tolist() == values.tolist()
    assert encode_ints(values)["t"] == "u32"
    assert encode_ints(np.array([10, 11, 300]))["t"] == "u16"
    ids = np.array([100, 101, 103, 110])
    assert encode_ints(ids, delta=True)["t"] == "u8"
    assert decode_ints(encode_ints(ids, delta=True)).tolist() == ids.tolist()
    huge = np.array([0, 2**40])
    assert decode_ints(encode_ints(huge)).tolist() == huge.tolist()
    assert decode_ints(encode_ints(np.array([], dtype=np.int64))).tolist() == []


def test_overview_map_colours_municipalities_by_level() -> None:
    areas = make_wards(10, silent=(1,))
    html = render(build_overview_map(areas, t=t_ja, now=NOW))
    data = extract_payload(html)

    assert len(data["areas"]["features"]) == 10
    assert data["areasLabel"] == "市区町村の状況"
    assert "reports" not in data and "shelters" not in data
    assert data["areas"]["features"][1]["properties"]["silent"] is True


@pytest.mark.skipif(
    not (OSAKA_DATA / "osaka-pref-municipalities.geojson").exists(),
    reason="shared Osaka boundary data (../shared/data/osaka) is not present",
)
def test_overview_of_the_real_osaka_prefecture_has_72_municipalities() -> None:
    raw = gpd.read_file(OSAKA_DATA / "osaka-pref-municipalities.geojson")
    areas = gpd.GeoDataFrame(
        {
            "code": raw["N03_007"],
            "name": raw["N03_004"].fillna(raw["N03_003"]),
            "level": np.arange(len(raw)) % 5,
            "silent": False,
        },
        geometry=raw.geometry,
        crs=raw.crs,
    )
    areas.attrs["attribution"] = "出典：国土数値情報（行政区域データ）（国土交通省）を加工して作成"
    data = extract_payload(render(build_overview_map(areas, t=t_ja, now=NOW)))

    assert len(data["areas"]["features"]) == 72
    assert data["attribution"].startswith("出典：国土数値情報")
    assert pd.Series([f["properties"]["code"] for f in data["areas"]["features"]]).is_unique
