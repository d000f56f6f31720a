"""A 第N報 issued before the catalogue followed 第4号様式's grid (snapshot version 1: 63 rows,
大規模半壊 a row of its own, no 小計/被害総額/災害救助法/消防 rows, no form, no 本部 entries) still
opens exactly as issued: on the page, as xlsx, PDF, HTML and CSV. Rows it did not have are
未確認, never 0; nothing is recomputed."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dashboard.services import sitreports
from dashboard.storage.db import transaction
from dashboard.storage.models import SituationReport, utcnow
from tests.dashboard.services.sitreport_factories import start_typhoon
from tests.factories import CHUO, CITY, KITA

# The row keys of snapshot version 1, in its order, with their source (as issued then).
OLD_ROWS = [
    *(
        (key, "reports")
        for key in (
            "dead",
            "missing",
            "injured_serious",
            "injured_minor",
            "injured_unclassified",
            *(
                f"{kind}_{unit}"
                for kind in (
                    "total_collapse",
                    "large_half",
                    "half_collapse",
                    "partial",
                    "flood_above",
                    "flood_below",
                )
                for unit in ("buildings", "households", "persons")
            ),
        )
    ),
    *(
        (key, "tally")
        for key in (
            "nonres_public",
            "nonres_other",
            "field_rice_lost",
            "field_rice_flooded",
            "field_dry_lost",
            "field_dry_flooded",
            "schools",
            "hospitals",
            "roads",
            "bridges",
            "rivers",
            "ports",
            "erosion_control",
            "sanitation",
            "cliff_failures",
            "railways",
            "ships",
            "water",
            "telephone",
            "electricity",
            "gas",
            "block_walls",
        )
    ),
    ("affected_households", "derived"),
    ("affected_persons", "derived"),
    *(
        (key, "tally")
        for key in (
            "fire_buildings",
            "fire_hazmat",
            "fire_other",
            "cost_public_schools",
            "cost_agri_facilities",
            "cost_public_works",
            "cost_other_public",
            "cost_agriculture",
            "cost_forestry",
            "cost_livestock",
            "cost_fishery",
            "cost_commerce",
            "cost_other",
        )
    ),
    ("shelters_open", "system"),
    ("evacuees", "system"),
    ("evacuee_households", "system"),
]
KITA_VALUES = {
    "dead": 1,
    "half_collapse_buildings": 3,
    "large_half_buildings": 2,
    "water": 1200,
    "evacuees": 120,
}


def old_snapshot(disaster_id: int, as_of) -> dict:
    """A version-1 snapshot of 大阪市's 第1報 (北区 confirmed, 中央区 not)."""
    kita = {k: [KITA_VALUES.get(k, 0), source] for k, source in OLD_ROWS}
    chuo = {k: [None, source] for k, source in OLD_ROWS}
    total = {k: [kita[k][0] or None, source, bool(kita[k][0])] for k, source in OLD_ROWS}
    return {
        "version": 1,
        "disaster": {"id": disaster_id, "name": "令和8年台風第10号", "kind": "typhoon"},
        "body": {"code": CITY, "name": "大阪市", "level": "municipality"},
        "number": 1,
        "as_of": as_of.isoformat(),
        "areas": [
            {
                "code": KITA,
                "name": "北区",
                "figures": kita,
                "status": "confirmed",
                "status_at": as_of.isoformat(),
                "status_by": "kita_head",
            },
            {
                "code": CHUO,
                "name": "中央区",
                "figures": chuo,
                "status": "none",
                "status_at": None,
                "status_by": None,
            },
        ],
        "total": total,
        "headquarters": "大阪市災害対策本部 設置",
        "remarks": {"evacuation_orders": "北区に避難指示"},
        "exercise": False,
    }


def store_old_report(city) -> tuple[int, int]:
    ty = start_typhoon(city)
    as_of = utcnow() - timedelta(hours=1)
    with transaction(city.engine) as s:
        row = SituationReport(
            submission_id="old-1",
            disaster_id=ty.disaster_id,
            body_code=CITY,
            number=1,
            as_of=as_of,
            figures=old_snapshot(ty.disaster_id, as_of),
            issued_by_name="mayor",
            issued_at=as_of,
        )
        s.add(row)
        s.flush()
        return ty.disaster_id, row.id


@pytest.fixture
def old(city):
    return store_old_report(city)


def test_an_old_report_opens_as_issued_with_new_rows_unconfirmed(city, old):
    _, report_id = old
    view = sitreports.get_report(city.engine, city.mayor, report_id)
    assert view.form == sitreports.DAMAGE and view.hq_entries == ()
    assert view.total["dead"] == [1, "reports", True]
    # Rows the old catalogue did not have: 未確認, never 0 (nor recomputed from today's data).
    for key in ("cost_subtotal", "cost_total", "relief_act_bodies", "fire_staff"):
        assert view.total[key][0] is None, key
    assert view.area(KITA).figures["cost_total"][0] is None
    lines = {line.key: line for line in sitreports.form_lines(view) if line.key}
    assert lines["fire_staff"].value is None and lines["cost_total"].value is None
    # 半壊 as issued then (大規模半壊 was a row of its own): shown as stored, never added twice.
    assert lines["half_collapse_buildings"].value == 3
    assert lines["large_half_buildings"].value == 2


def test_an_old_report_renders_as_xlsx_pdf_html_and_csv(city, old):
    _, report_id = old
    view = sitreports.get_report(city.engine, city.mayor, report_id)
    book = load_workbook(io.BytesIO(sitreports.report_xlsx(view)))
    assert book.sheetnames[0] == "その2"
    cells = [c.value for row in book["その2"].iter_rows() for c in row if c.value is not None]
    assert "被害総額" in cells and "未確認" in cells and 1200 in cells
    reader = PdfReader(io.BytesIO(sitreports.report_pdf(view)))
    assert 1 <= len(reader.pages) <= 2
    text = "".join(p.extract_text() for p in reader.pages)
    assert "被害状況即報" in text and "未確認" in text and "1,200" in text
    assert "北区に避難指示" in text
    assert "北区に避難指示" in sitreports.report_html(view)
    assert "人的被害,死者,人,1," in sitreports.report_csv(view).decode("utf-8-sig")


def test_the_next_draft_compares_with_an_old_report_without_error(city, old):
    disaster_id, _ = old
    draft = sitreports.draft_report(city.engine, city.mayor, disaster_id, body_code=CITY)
    assert draft.number == 2
    previous = sitreports.previous_report(city.engine, city.mayor, disaster_id, body_code=CITY)
    changed = sitreports.changed_figures(previous, draft)
    assert ("total", "cost_total") not in changed  # unknown then, unknown now
