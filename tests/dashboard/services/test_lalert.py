"""Lアラート 避難所情報: the CSV (UTF-8 BOM and CP932) and the XML read back; 開設・閉鎖日時 is the
time of the last status change, so a master-data correction never re-sends a shelter as newly
opened; crowding mapped to 空き/混雑/定員一杯/不明; totals."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest

from dashboard.services import shelters
from dashboard.services.exports import (
    csv_bytes,
    lalert_table,
    lalert_xml,
    registry_table,
    render,
    shelter_states,
)
from dashboard.services.exports.lalert import NS
from dashboard.services.imports import import_shelters
from dashboard.storage.models import utcnow
from dashboard.timefmt import local

T0 = utcnow() - timedelta(hours=3)


def status(city, key, sid, state, evacuees, households=None, minutes=0):
    shelters.record_status(
        city.engine,
        city.admin,
        shelter_id=city.shelters[key],
        submission_id=sid,
        state=state,
        evacuees=evacuees,
        households=households,
        at=T0 + timedelta(minutes=minutes),
    )


@pytest.fixture
def opened(city):
    """北第1 (capacity 200) opens at T0, fills at T0+60; 北第2 opens and closes; 中央 never."""
    status(city, "kita1", "a", "open", 50, 20, 0)
    status(city, "kita1", "b", "open", 120, 45, 30)  # 60 %: やや混雑 → 混雑
    status(city, "kita1", "c", "full", 210, 80, 60)
    status(city, "kita2", "d", "open", 10, 4, 10)
    status(city, "kita2", "e", "closed", 0, 0, 90)
    return city


def by_name(city):
    return {s.name: s for s in shelter_states(city.engine, city.admin)}


def test_items_and_times_of_the_last_status_change(opened):
    found = by_name(opened)
    kita1 = found["北第1小学校"]
    assert (kita1.kind, kita1.sort, kita1.status) == ("指定避難所", "開設", "定員一杯")
    # Filling up is not a new opening: the time is still the opening's.
    assert kita1.changed_at == T0 and kita1.checked_at == T0 + timedelta(minutes=60)
    assert (kita1.evacuees, kita1.households, kita1.capacity) == (210, 80, 200)
    kita2 = found["北第2中学校"]
    assert (kita2.sort, kita2.changed_at, kita2.evacuees) == (
        "閉鎖",
        T0 + timedelta(minutes=90),
        None,
    )
    chuo = found["中央第1小学校"]
    assert (chuo.sort, chuo.changed_at, chuo.status) == ("未開設", None, None)


def test_a_master_correction_never_looks_like_a_new_opening(opened):
    before = by_name(opened)["北第1小学校"]
    table = registry_table(opened.engine, opened.admin, layout_key="gsi_shelter")
    name_at = table.header.index("施設・場所名")
    row = next(r for r in table.rows if r[name_at] == "北第1小学校")
    row[name_at] = "北第1小学校（体育館）"
    result = import_shelters(opened.engine, opened.admin, render(table, "csv")[0])
    assert result.updated == 1
    after = by_name(opened)["北第1小学校（体育館）"]
    assert after.changed_at == before.changed_at == T0
    assert after.checked_at == before.checked_at and after.sort == "開設"


def test_crowding_levels_map_to_lalerts_four():
    from dashboard.services.exports.lalert import CROWDING_LABELS

    assert CROWDING_LABELS == {
        "free": "空き",
        "busy": "混雑",
        "crowded": "混雑",
        "full": "定員一杯",
        "unknown": "不明",
    }


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_csv_reads_back_in_both_encodings(opened, encoding):
    data = csv_bytes(lalert_table(opened.engine, opened.admin), encoding=encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode(encoding), newline="")))
    kita1 = next(r for r in rows if r["名称"] == "北第1小学校")
    assert kita1["開設状況"] == "開設" and kita1["混雑"] == "定員一杯"
    assert kita1["開設・閉鎖日時"] == local(T0).strftime("%Y-%m-%d %H:%M")
    assert kita1["避難者数"] == "210" and kita1["うち自主避難者数"] == ""  # not recorded
    total = rows[-1]
    assert total["名称"] == "計" and total["開設状況"] == "開設 1"
    assert (total["避難者数"], total["避難世帯数"]) == ("210", "80")


def test_xml_reads_back_with_lalert_element_names(opened):
    root = ET.fromstring(lalert_xml(opened.engine, opened.admin, disaster_name="台風第10号"))
    sh = f"{{{NS['pcx_sh']}}}"
    assert root.tag == f"{sh}Shelter"
    assert root.find(f"{{{NS['pcx_eb']}}}Disaster/{{{NS['pcx_eb']}}}DisasterName").text == (
        "台風第10号"
    )
    assert root.find(f"{sh}TotalNumberOfShelter").text == "1"
    assert root.find(f"{sh}TotalNumber/{sh}HeadCount").text == "210"
    infos = root.findall(f"{sh}Informations/{sh}Information")
    assert len(infos) == 3
    names = [i.find(f"{sh}Location/{{{NS['commons']}}}areaName").text for i in infos]
    kita1 = infos[names.index("北第1小学校")]
    assert kita1.find(f"{sh}Sort").text == "開設" and kita1.find(f"{sh}Status").text == "定員一杯"
    assert kita1.find(f"{sh}DateTime").text == local(T0).isoformat(timespec="seconds")
    assert kita1.find(f"{sh}NumberOf/{sh}HeadCount").text == "210"
    assert kita1.find(f"{sh}Capacity").text == "200"
    chuo = infos[names.index("中央第1小学校")]
    # Not open: no time, no crowding, no counts (unknown is left out, never 0).
    assert chuo.find(f"{sh}Sort").text == "未開設"
    assert chuo.find(f"{sh}DateTime") is None and chuo.find(f"{sh}NumberOf") is None


def test_a_household_count_missing_makes_the_total_unknown(city):
    status(city, "kita1", "a", "open", 50, None, 0)
    table = lalert_table(city.engine, city.admin)
    assert table.rows[-1][12] == "不明"
    root = ET.fromstring(lalert_xml(city.engine, city.admin))
    assert root.find(f"{{{NS['pcx_sh']}}}TotalNumber/{{{NS['pcx_sh']}}}Households") is None


def test_every_file_type_of_the_table_builds(opened):
    import json

    from openpyxl import load_workbook

    table = lalert_table(opened.engine, opened.admin)
    features = json.loads(render(table, "geojson")[0])["features"]
    assert len(features) == 4 and features[-1]["geometry"] is None  # the 計 row has no point
    sheet = load_workbook(io.BytesIO(render(table, "xlsx")[0])).active
    assert sheet.max_row == 5 and sheet.cell(5, 1).value == "計"
