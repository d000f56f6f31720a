"""うち自主避難 (voluntary evacuees) of a shelter's status: stored with the status (history
append-only), checked against the evacuees (full-width digits accepted), carried by "no change",
and read back from the Lアラート CSV/XML and the 第N報's 避難所の設置状況."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from dashboard.errors import ValidationFailed
from dashboard.i18n import translate
from dashboard.services import shelters, sitreports
from dashboard.services.exports import csv_bytes, lalert_table, lalert_xml
from dashboard.services.exports.lalert import NS
from dashboard.storage.db import reading
from dashboard.storage.models import ShelterStatus
from tests.dashboard.services.sitreport_factories import start_typhoon
from tests.factories import CITY

SH = f"{{{NS['pcx_sh']}}}"


def rows_of(engine, shelter_id):
    with reading(engine) as s:
        return list(
            s.scalars(
                select(ShelterStatus)
                .where(ShelterStatus.shelter_id == shelter_id)
                .order_by(ShelterStatus.id)
            )
        )


def report(city, shelter="kita1", sub="s1", **values):
    values = {"state": "open", "evacuees": 10, **values}
    return shelters.record_status(
        city.engine,
        city.kita_staff,
        shelter_id=city.shelters[shelter],
        submission_id=sub,
        **values,
    )


def message(error: ValidationFailed, field: str, lang: str = "ja") -> str:
    key, params = error.fields[field]
    return translate(key, lang, **params)


def test_voluntary_count_is_stored_and_history_stays_append_only(city):
    report(city, sub="a", evacuees=50, households=20, voluntary_evacuees=30)
    report(city, sub="b", evacuees=60, households=25)  # not said this time
    first, second = rows_of(city.engine, city.shelters["kita1"])
    assert (first.voluntary_evacuees, second.voluntary_evacuees) == (30, None)
    history = shelters.shelter_history(city.engine, city.kita_staff, city.shelters["kita1"])
    assert [h.voluntary_evacuees for h in history] == [30, None]
    view = shelters.get_shelter(city.engine, city.kita_staff, city.shelters["kita1"])
    assert view.voluntary_evacuees is None  # the latest report did not say: unknown, not 0


def test_voluntary_above_evacuees_or_negative_is_refused_and_nothing_written(city):
    with pytest.raises(ValidationFailed) as caught:
        report(city, evacuees=10, voluntary_evacuees=11)
    assert message(caught.value, "voluntary_evacuees") == (
        "うち自主避難は避難者数（10人）以下にしてください。"
    )
    assert message(caught.value, "voluntary_evacuees", "en") == (
        "Voluntary evacuees cannot exceed the evacuees (10)."
    )
    with pytest.raises(ValidationFailed) as caught:
        report(city, evacuees=10, voluntary_evacuees=-1)
    assert "voluntary_evacuees" in caught.value.fields
    assert rows_of(city.engine, city.shelters["kita1"]) == []


def test_status_form_takes_full_width_voluntary_and_names_every_bad_field(city):
    kita1 = city.shelters["kita1"]

    def submit(sub, **form):
        return shelters.submit_status_form(
            city.engine,
            city.kita_staff,
            shelter_id=kita1,
            submission_id=sub,
            form={"state": "open", "evacuees": "１２０", **form},
            opened_status_id=None,
        )

    submit("fw", voluntary_evacuees="３０", households="")
    [row] = rows_of(city.engine, kita1)
    assert (row.evacuees, row.voluntary_evacuees, row.households) == (120, 30, None)
    with pytest.raises(ValidationFailed) as caught:
        submit("bad1", voluntary_evacuees="たくさん", households="1.5")
    assert set(caught.value.fields) == {"voluntary_evacuees", "households"}
    assert message(caught.value, "voluntary_evacuees") == "数値で入力してください"
    with pytest.raises(ValidationFailed) as caught:
        submit("bad2", voluntary_evacuees="１２１", households="200")
    assert set(caught.value.fields) == {"voluntary_evacuees", "households"}
    assert [r.id for r in rows_of(city.engine, kita1)] == [row.id]
    # The form opens with what was stored; empty when the latest report did not say.
    view = shelters.get_shelter(city.engine, city.kita_staff, kita1)
    assert shelters.status_form(view)["voluntary_evacuees"] == "30"


def test_no_change_repeats_the_voluntary_count(city):
    report(city, sub="a", evacuees=50, voluntary_evacuees=12)
    shelters.confirm_no_change(city.engine, city.kita_staff, submission_id="nc")
    rows = rows_of(city.engine, city.shelters["kita1"])
    assert [(r.confirmation, r.voluntary_evacuees) for r in rows] == [(False, 12), (True, 12)]


@pytest.fixture
def two_open(city):
    report(city, "kita1", "a", evacuees=120, households=50, voluntary_evacuees=30)
    report(city, "kita2", "b", evacuees=40, households=15, voluntary_evacuees=5)
    return city


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_lalert_csv_carries_the_voluntary_counts_and_their_total(two_open, encoding):
    data = csv_bytes(lalert_table(two_open.engine, two_open.admin), encoding=encoding)
    rows = list(csv.DictReader(io.StringIO(data.decode(encoding), newline="")))
    by_name = {r["名称"]: r for r in rows}
    assert by_name["北第1小学校"]["うち自主避難者数"] == "30"
    assert by_name["北第2中学校"]["うち自主避難者数"] == "5"
    assert by_name["中央第1小学校"]["うち自主避難者数"] == ""  # not open
    assert by_name["北第1小学校"]["うち自主避難世帯数"] == ""  # never recorded
    total = rows[-1]
    assert (total["避難者数"], total["うち自主避難者数"], total["避難世帯数"]) == (
        "160",
        "35",
        "65",
    )


def test_lalert_xml_has_head_count_voluntary_per_shelter_and_in_the_total(two_open):
    root = ET.fromstring(lalert_xml(two_open.engine, two_open.admin))
    assert root.find(f"{SH}TotalNumber/{SH}HeadCountVoluntary").text == "35"
    infos = root.findall(f"{SH}Informations/{SH}Information")
    names = [i.find(f"{SH}Location/{{{NS['commons']}}}areaName").text for i in infos]
    kita1 = infos[names.index("北第1小学校")]
    number = kita1.find(f"{SH}NumberOf")
    assert [child.tag.removeprefix(SH) for child in number] == [
        "HeadCount",
        "HeadCountVoluntary",
        "Households",
    ]
    assert number.find(f"{SH}HeadCountVoluntary").text == "30"


def test_an_open_shelter_without_the_count_makes_the_total_unknown(two_open):
    report(two_open, "kita2", "c", evacuees=45, households=16)  # voluntary not said
    table = lalert_table(two_open.engine, two_open.admin)
    voluntary = table.header.index("うち自主避難者数")
    assert table.rows[-1][voluntary] == "不明"
    root = ET.fromstring(lalert_xml(two_open.engine, two_open.admin))
    assert root.find(f"{SH}TotalNumber/{SH}HeadCountVoluntary") is None
    names = [
        i.find(f"{SH}Location/{{{NS['commons']}}}areaName").text
        for i in root.findall(f"{SH}Informations/{SH}Information")
    ]
    kita2 = root.findall(f"{SH}Informations/{SH}Information")[names.index("北第2中学校")]
    assert kita2.find(f"{SH}NumberOf/{SH}HeadCountVoluntary") is None  # omitted, never 0


def test_the_report_shows_voluntary_evacuees_under_shelters(city):
    ty = start_typhoon(city)
    for key, sub, evacuees, voluntary, minute in (
        ("kita1", "a", 120, 30, 10),
        ("chuo1", "b", 80, 8, 12),
    ):
        shelters.record_status(
            city.engine,
            city.admin,
            shelter_id=city.shelters[key],
            submission_id=sub,
            state="open",
            evacuees=evacuees,
            households=evacuees // 2,
            voluntary_evacuees=voluntary,
            at=ty.at(minute),
        )
    view = sitreports.draft_report(city.engine, city.mayor, ty.disaster_id, body_code=CITY)
    assert view.total["evacuees_voluntary"] == [38, "system", False]
    lines = {line.item: line for line in sitreports.form_lines(view) if line.key}
    shown = lines["避難所の設置状況（うち自主避難）"]
    assert (shown.value, shown.unit) == (38, "人")
    sheet = load_workbook(io.BytesIO(sitreports.report_xlsx(view)))["その2"]
    texts = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    at = texts.index("避難所の設置状況（うち自主避難）")
    assert 38 in texts[at : at + 3]


def test_an_open_shelter_without_the_count_makes_the_report_figure_unconfirmed(city):
    ty = start_typhoon(city)
    shelters.record_status(
        city.engine,
        city.admin,
        shelter_id=city.shelters["kita1"],
        submission_id="a",
        state="open",
        evacuees=120,
        at=ty.at(10),
    )
    view = sitreports.draft_report(city.engine, city.mayor, ty.disaster_id, body_code=CITY)
    # 北区 does not know; the other wards have no open shelter: a partial sum of 0.
    assert view.total["evacuees_voluntary"] == [0, "system", True]
    lines = {line.item: line for line in sitreports.form_lines(view) if line.key}
    assert lines["避難所の設置状況（うち自主避難）"].value is None  # printed 未確認
