"""A registry survives its own export: the demo city's shelters exported in every layout and file
type and imported back change nothing (a layout without a capacity column leaves capacities as
they are), and the preview names per field what a real change would touch."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from dashboard.domain import SYSTEM, Role
from dashboard.services import demo
from dashboard.services.exports import registry_table, render
from dashboard.services.imports import LAYOUTS, import_shelters
from dashboard.storage.db import reading
from dashboard.storage.models import Shelter
from tests.factories import CITY

FILE_TYPES = ("csv", "xlsx", "geojson")
# The city's crisis office exports its registry and imports it back (the demo prefecture holds
# several municipalities, so the city is the import's target by the actor's jurisdiction).
CITY_OFFICE = dataclasses.replace(SYSTEM, role=Role.CRISIS_ADMIN, jurisdiction_code=CITY)


def registry(engine) -> dict[int, tuple]:
    """Every shelter's master data as a user would check it after an import."""
    with reading(engine) as s:
        return {
            sh.id: (
                sh.name,
                sh.kana,
                sh.address,
                sh.lat,
                sh.lon,
                sh.ward_code,
                sh.capacity,
                sorted(sh.hazards),
                sh.active,
                sh.kind,
            )
            for sh in s.scalars(select(Shelter))
        }


@pytest.fixture
def demo_engine(engine):
    demo.seed_demo(engine)
    return engine


def test_every_export_layout_re_imports_into_the_demo_registry_unchanged(demo_engine):
    before = registry(demo_engine)
    total_capacity = sum(v[6] or 0 for v in before.values())
    for layout in LAYOUTS:
        table = registry_table(demo_engine, CITY_OFFICE, layout_key=layout)
        assert table.rows, layout
        for file_type in FILE_TYPES:
            data, _, name = render(table, file_type)
            preview = import_shelters(demo_engine, CITY_OFFICE, data, filename=name, dry_run=True)
            assert (preview.format, preview.errors) == (layout, [])
            assert (preview.created, preview.updated, preview.changes) == (0, 0, {}), (
                layout,
                file_type,
                preview.changes,
            )
            result = import_shelters(demo_engine, CITY_OFFICE, data, filename=name)
            assert (result.created, result.updated) == (0, 0)
            assert result.unchanged == len(table.rows)
            assert registry(demo_engine) == before, (layout, file_type)
    # The reported loss: 293,800 places → 139,570 after a GSI round trip.
    assert sum(v[6] or 0 for v in registry(demo_engine).values()) == total_capacity


def test_a_gsi_file_changes_what_it_carries_and_the_preview_says_so(demo_engine):
    table = registry_table(demo_engine, CITY_OFFICE, layout_key="gsi_shelter")
    import_shelters(demo_engine, CITY_OFFICE, render(table, "csv")[0], filename="a.csv")
    before = registry(demo_engine)
    name_at = table.header.index("施設・場所名")
    note_at = table.header.index("備考")
    table.rows[0][name_at] = "新しい名前の小学校"
    table.rows[1][note_at] = "体育館のみ"
    data = render(table, "csv")[0]
    preview = import_shelters(demo_engine, CITY_OFFICE, data, filename="a.csv", dry_run=True)
    assert preview.changes == {"name": 1, "attr:備考": 1}
    assert preview.updated == 2 and preview.unchanged == len(table.rows) - 2
    assert registry(demo_engine) == before  # a preview writes nothing
    import_shelters(demo_engine, CITY_OFFICE, data, filename="a.csv")
    after = registry(demo_engine)
    changed = {i for i in before if before[i] != after[i]}
    assert len(changed) == 1
    (shelter_id,) = changed
    assert after[shelter_id][0] == "新しい名前の小学校"
    # Capacity and kana are not columns of the GSI layout: they stay as they were.
    assert after[shelter_id][1:] == before[shelter_id][1:]
    with reading(demo_engine) as s:
        notes = [sh.attributes.get("備考") for sh in s.scalars(select(Shelter))]
    assert notes.count("体育館のみ") == 1


def test_a_capacity_change_in_a_digital_file_is_previewed_per_column(demo_engine):
    table = registry_table(demo_engine, CITY_OFFICE, layout_key="digital_shelter")
    at = table.header.index("想定収容人数")
    table.rows[0][at] = 12345
    data = render(table, "xlsx")[0]
    preview = import_shelters(demo_engine, CITY_OFFICE, data, filename="a.xlsx", dry_run=True)
    assert preview.changes == {"capacity": 1}
    import_shelters(demo_engine, CITY_OFFICE, data, filename="a.xlsx")
    capacities = [v[6] for v in registry(demo_engine).values()]
    assert capacities.count(12345) == 1
