"""Shelter registry import: formats, encodings, drift, problems, re-import and the audit."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from dashboard.domain import SYSTEM
from dashboard.errors import PermissionDenied, ServiceError
from dashboard.services import shelters
from dashboard.services.imports import LAYOUTS, import_shelters
from dashboard.storage.db import reading
from dashboard.storage.models import AuditEntry, Shelter, ShelterStatus
from tests.factories import CHUO, CHUO_POINT, KITA, KITA_POINT

GSI_SHELTER = LAYOUTS["gsi_shelter"].columns
GSI_EMERGENCY = LAYOUTS["gsi_emergency"].columns
DIGITAL_SHELTER = LAYOUTS["digital_shelter"].columns
DIGITAL_EMERGENCY = LAYOUTS["digital_emergency"].columns


def _point(i: int) -> tuple[float, float]:
    """Points spread a little around the two wards' centres (inside the schematic wards)."""
    lat, lon = KITA_POINT if i % 2 == 0 else CHUO_POINT
    return round(lat + (i % 5) * 0.0004, 6), round(lon + (i % 3) * 0.0004, 6)


def gsi_shelter_rows(n: int = 4) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        lat, lon = _point(i)
        rows.append(
            {
                "NO": str(i + 1),
                "共通ID": f"27100-{i:04d}",
                "都道府県名及び市町村名": "大阪府大阪市" + ("北区" if i % 2 == 0 else "中央区"),
                "施設・場所名": f"第{i + 1}小学校",
                "住所": f"大阪市北区{i + 1}丁目",
                "指定緊急避難場所との住所同一": "1",
                "その他市町村長が必要と認める事項": "",
                "受入対象者": "",
                "緯度": str(lat),
                "経度": str(lon),
                "備考": "体育館" if i == 0 else "",
            }
        )
    return rows


def emergency_rows(n: int = 3) -> list[dict[str, str]]:
    rows = []
    for row in gsi_shelter_rows(n):
        del row["指定緊急避難場所との住所同一"], row["その他市町村長が必要と認める事項"]
        del row["受入対象者"]
        row.update({"洪水": "1", "崖崩れ、土石流及び地滑り": "", "高潮": "", "地震": "○"})
        row.update({"津波": "〇", "大規模な火事": "◯", "内水氾濫": "TRUE", "火山現象": "0"})
        row["指定避難所との住所同一"] = ""
        rows.append(row)
    return rows


def to_csv(rows: list[dict[str, str]], columns, *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def stored(engine) -> dict[str, Shelter]:
    with reading(engine) as s:
        return {
            sh.registry_id: sh
            for sh in s.scalars(select(Shelter).where(Shelter.registry_id.is_not(None)))
        }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_gsi_shelter_file_imports_in_each_encoding(city, encoding):
    data = to_csv(gsi_shelter_rows(), GSI_SHELTER, encoding=encoding)
    result = import_shelters(city.engine, city.admin, data, filename="hinanjo.csv")
    assert result.format == "gsi_shelter"
    assert result.encoding.startswith(
        {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "cp932": "CP932"}[encoding]
    )
    assert (result.created, result.errors, result.written) == (4, [], True)
    found = stored(city.engine)
    assert found["27100-0000"].name == "第1小学校"
    assert found["27100-0000"].ward_code == KITA and found["27100-0001"].ward_code == CHUO
    # The GSI 指定避難所 file has no capacity: it stays unknown, not 0.
    assert found["27100-0000"].capacity is None
    assert found["27100-0000"].kind == "designated"
    assert found["27100-0000"].attributes["備考"] == "体育館"


def test_emergency_site_flags_in_every_spelling(city):
    data = to_csv(emergency_rows(), GSI_EMERGENCY, encoding="cp932")
    result = import_shelters(city.engine, city.admin, data)
    assert result.format == "gsi_emergency" and result.created == 3
    site = stored(city.engine)["27100-0000"]
    assert site.kind == "emergency_site"
    assert site.hazards == ["flood", "earthquake", "tsunami", "large_fire", "inland_flood"]


def digital_rows() -> list[dict[str, str]]:
    rows = []
    for i, capacity in enumerate(["810人（2平方メートルあたり1人）", "１，２００", "", "多数"]):
        lat, lon = _point(i)
        rows.append(
            {
                **dict.fromkeys(DIGITAL_SHELTER, ""),
                "全国地方公共団体コード": "271004",
                "ID": f"{i + 1:06d}",
                "名称": f"市民センター{i + 1}",
                "名称_カナ": f"シミンセンター{i + 1}",
                "所在地_連結表記": "大阪府大阪市北区",
                "緯度": str(lat).translate(str.maketrans("0123456789.", "０１２３４５６７８９．")),
                "経度": str(lon),
                "地方公共団体名": "大阪府大阪市",
                "災害種別_地震": "1",
                "指定緊急避難場所との重複": "1",
                "想定収容人数": capacity,
            }
        )
    return rows


def digital_emergency_rows() -> list[dict[str, str]]:
    rows = []
    for row in digital_rows():
        del row["指定緊急避難場所との重複"]
        rows.append({**row, "指定避難所との重複": "", "災害種別_津波": "○"})
    return rows


def test_digital_agency_emergency_sites(city):
    data = to_csv(digital_emergency_rows(), DIGITAL_EMERGENCY, encoding="utf-8-sig")
    result = import_shelters(city.engine, city.admin, data)
    assert (result.format, result.created) == ("digital_emergency", 4)
    assert stored(city.engine)["000001"].hazards == ["earthquake", "tsunami"]
    assert stored(city.engine)["000001"].kind == "emergency_site"


def test_digital_agency_dataset_with_free_text_capacity(city):
    result = import_shelters(city.engine, city.admin, to_csv(digital_rows(), DIGITAL_SHELTER))
    assert result.format == "digital_shelter" and result.area_code == "27100"
    found = stored(city.engine)
    assert [found[f"00000{i}"].capacity for i in range(1, 5)] == [810, 1200, None, None]
    assert found["000001"].kana == "シミンセンター1"
    assert found["000001"].hazards == ["earthquake"]
    # An unreadable capacity is imported as unknown, with a warning naming the row.
    assert [(p.row, p.level, p.key) for p in result.problems] == [
        (5, "warning", "import.problem.capacity_text")
    ]


def test_drifted_header_is_still_recognised(city):
    rows = gsi_shelter_rows(2)
    drifted = {
        "施設・場所名": " 施設･場所名",
        "共通ID": "共通ＩＤ",
        "緯度": "緯 度",
        "指定緊急避難場所との住所同一": "指定緊急避難場所との住所同ー",
    }
    header = [drifted.get(c, c) for c in GSI_SHELTER]
    data = to_csv([{drifted.get(k, k): v for k, v in r.items()} for r in rows], header)
    result = import_shelters(city.engine, city.admin, data)
    assert (result.format, result.created, result.errors) == ("gsi_shelter", 2, [])


def test_geojson_with_the_same_properties(city):
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [float(r.pop("経度")), float(r.pop("緯度"))],
            },
            "properties": r,
        }
        for r in emergency_rows(2)
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    result = import_shelters(city.engine, city.admin, data, filename="sites.geojson")
    assert (result.format, result.created, result.errors) == ("gsi_emergency", 2, [])
    assert stored(city.engine)["27100-0001"].ward_code == CHUO


def test_generic_csv_with_a_column_mapping(city):
    lat, lon = KITA_POINT
    data = f"番号,施設,北緯,東経,定員\nA1,公民館,{lat},{lon},150\n".encode()
    mapping = {"番号": "id", "施設": "name", "北緯": "lat", "東経": "lon", "定員": "capacity"}
    result = import_shelters(city.engine, city.admin, data, mapping=mapping)
    assert (result.format, result.created) == ("generic", 1)
    assert stored(city.engine)["A1"].capacity == 150


def test_every_problem_is_reported_with_its_row_and_good_rows_still_import(city):
    rows = gsi_shelter_rows(8)
    rows[1]["施設・場所名"] = ""  # row 3
    rows[2]["緯度"] = ""  # row 4
    rows[3]["緯度"], rows[3]["経度"] = rows[3]["経度"], rows[3]["緯度"]  # row 5: swapped
    rows[4]["緯度"], rows[4]["経度"] = "35.68", "139.76"  # row 6: Tokyo, outside the city
    rows[5]["共通ID"] = rows[0]["共通ID"]  # row 7: duplicate of row 2
    rows[6]["緯度"] = "abc"  # row 8
    result = import_shelters(city.engine, city.admin, to_csv(rows, GSI_SHELTER))
    assert [(p.row, p.level, p.key.rsplit(".", 1)[1]) for p in result.problems] == [
        (3, "error", "empty_name"),
        (4, "error", "no_coordinates"),
        (5, "warning", "swapped"),
        (6, "error", "outside"),
        (7, "error", "duplicate_id"),
        (8, "error", "no_coordinates"),
    ]
    assert [number for number, _ in result.rejected] == [3, 4, 6, 7, 8]
    assert result.created == 3  # rows 2, 5 (fixed) and 9
    assert stored(city.engine)["27100-0003"].lat == pytest.approx(_point(3)[0])


def test_a_code_of_another_municipality_is_refused(city):
    rows = digital_rows()[:2]
    rows[1]["全国地方公共団体コード"] = "131016"  # 千代田区
    result = import_shelters(city.engine, city.admin, to_csv(rows, DIGITAL_SHELTER), area="27100")
    assert [(p.row, p.key) for p in result.errors] == [(3, "import.problem.other_municipality")]


def test_strict_and_dry_run_write_nothing(city):
    rows = gsi_shelter_rows(3)
    rows[2]["施設・場所名"] = ""
    data = to_csv(rows, GSI_SHELTER)
    strict = import_shelters(city.engine, city.admin, data, strict=True)
    assert (strict.written, strict.created, len(strict.errors)) == (False, 2, 1)
    dry = import_shelters(city.engine, city.admin, to_csv(rows[:2], GSI_SHELTER), dry_run=True)
    assert (dry.written, dry.created) == (False, 2)
    assert stored(city.engine) == {}
    with reading(city.engine) as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "shelters.imported")
            )
            == 0
        )


def test_reimport_updates_master_keeps_history_and_deactivates_only_on_confirmation(city):
    rows = gsi_shelter_rows(3)
    import_shelters(city.engine, city.admin, to_csv(rows, GSI_SHELTER))
    first = stored(city.engine)["27100-0000"]
    shelters.record_status(
        city.engine,
        city.kita_staff,
        shelter_id=first.id,
        state="open",
        evacuees=40,
        submission_id="s1",
    )
    rows[0]["施設・場所名"] = "第1小学校（新校舎）"
    again = to_csv(rows[:2], GSI_SHELTER)
    result = import_shelters(city.engine, city.admin, again)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert result.missing == [("27100-0002", "第3小学校")] and result.deactivated == 0
    assert stored(city.engine)["27100-0002"].active
    confirmed = import_shelters(city.engine, city.admin, again, deactivate_missing=True)
    assert confirmed.deactivated == 1 and not stored(city.engine)["27100-0002"].active
    after = stored(city.engine)["27100-0000"]
    assert after.id == first.id and after.name == "第1小学校（新校舎）"
    with reading(city.engine) as s:
        history = s.scalars(select(ShelterStatus).where(ShelterStatus.shelter_id == first.id))
        assert [(h.state, h.evacuees) for h in history] == [("open", 40)]
        audit = s.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "shelters.imported")
            .order_by(AuditEntry.id)
        ).all()
    assert [a.detail["created"] for a in audit] == [3, 0, 0]
    assert audit[-1].detail["deactivated"] == 1 and audit[1].detail["updated"] == 1


def test_a_failed_write_changes_nothing(city, monkeypatch):
    from dashboard.services.imports import writing

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writing, "record_audit", broken)
    with pytest.raises(RuntimeError):
        import_shelters(city.engine, city.admin, to_csv(gsi_shelter_rows(), GSI_SHELTER))
    assert stored(city.engine) == {}


def test_ward_users_cannot_import_and_unknown_files_are_refused(city):
    data = to_csv(gsi_shelter_rows(), GSI_SHELTER)
    with pytest.raises(PermissionDenied):
        import_shelters(city.engine, city.kita_staff, data)
    with pytest.raises(ServiceError) as refused:
        import_shelters(city.engine, SYSTEM, b"a,b\n1,2\n")
    assert refused.value.key == "import.format_unknown"
    with pytest.raises(ServiceError) as refused:
        import_shelters(city.engine, SYSTEM, b"\x81\xff\xfe,\x80")
    assert refused.value.key == "import.bad_encoding"


def test_a_ward_file_never_lists_other_wards_as_missing(city):
    rows = gsi_shelter_rows(4)
    import_shelters(city.engine, city.admin, to_csv(rows, GSI_SHELTER))
    kita_only = [r for r in rows if r["都道府県名及び市町村名"].endswith("北区")][:1]
    result = import_shelters(
        city.engine,
        city.admin,
        to_csv(kita_only, GSI_SHELTER),
        area=KITA,
        deactivate_missing=True,
    )
    assert result.missing == [("27100-0002", "第3小学校")]  # 北区's other one, not 中央区's
    assert stored(city.engine)["27100-0001"].active
