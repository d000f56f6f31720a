from collections import Counter

import pytest
from sqlalchemy import select

from dashboard.errors import ServiceError
from dashboard.services import areas, demo
from dashboard.storage.db import reading
from dashboard.storage.models import Jurisdiction, User


def test_import_real_osaka_boundaries(engine, osaka_geojson):
    counts = areas.import_boundaries(engine, osaka_geojson)
    # 72 areas in the file: 31 wards (大阪市 24, 堺市 7) and 41 other municipalities,
    # plus the two designated cities and the prefecture built above them.
    assert counts == Counter(prefecture=1, municipality=43, ward=31)
    with reading(engine) as s:
        kita = s.get(Jurisdiction, "27127")
        assert (kita.name_ja, kita.parent_code, kita.level) == ("北区", "27100", "ward")
        assert s.get(Jurisdiction, "27100").parent_code == "27000"
        assert not kita.boundary_schematic
        # City Hall is in 北区, Osaka Castle in 中央区.
        assert areas.ward_at(s, 34.6937, 135.5022) == "27127"
        assert areas.ward_at(s, 34.6873, 135.5262) == "27128"
        assert areas.ward_at(s, 34.60, 135.20) is None  # Osaka Bay


def test_import_replaces_schematic_boundaries_and_keeps_users(engine, osaka_geojson):
    demo.seed_demo(engine)
    with reading(engine) as s:
        before = s.get(Jurisdiction, "27127").boundary_geojson
        users_before = s.scalars(select(User.username)).all()
    areas.import_boundaries(engine, osaka_geojson)
    with reading(engine) as s:
        kita = s.get(Jurisdiction, "27127")
        assert kita.boundary_geojson != before and not kita.boundary_schematic
        assert kita.name_en == "Kita"  # the English name from the demo is kept
        assert s.scalars(select(User.username)).all() == users_before


def test_bad_boundary_file_changes_nothing(engine, tmp_path):
    demo.seed_demo(engine)
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"name": "x"}, "geometry": {"type": "Point", '
        '"coordinates": [135.5, 34.7]}}]}',
        encoding="utf-8",
    )
    with reading(engine) as s:
        before = {j.code: j.boundary_geojson for j in s.scalars(select(Jurisdiction))}
    with pytest.raises(ServiceError, match="Cannot read the boundary file"):
        areas.import_boundaries(engine, bad)
    with reading(engine) as s:
        assert {j.code: j.boundary_geojson for j in s.scalars(select(Jurisdiction))} == before
