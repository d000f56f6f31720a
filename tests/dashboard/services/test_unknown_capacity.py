"""A shelter imported without a capacity: open with evacuees, it never reads as free or full."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from dashboard.maps.payload import classify_availability
from dashboard.services import command_map, shelters
from dashboard.services.imports import import_shelters
from dashboard.services.situation import ward_situations
from dashboard.settings import Settings
from dashboard.storage.models import utcnow
from dashboard.ui.situation_map import figure_cells
from tests.dashboard.services.test_imports import GSI_SHELTER, gsi_shelter_rows, to_csv
from tests.factories import KITA

SETTINGS = Settings(silent_after_minutes=30)


def test_unknown_capacity_gives_no_occupancy_no_hint_and_its_own_map_colour(city):
    import_shelters(city.engine, city.admin, to_csv(gsi_shelter_rows(1), GSI_SHELTER))
    view = next(v for v in shelters.list_shelters(city.engine, city.admin) if v.name == "第1小学校")
    assert view.capacity is None
    assert shelters.capacity_hints(capacity=None, evacuees=900, state="open") == []
    shelters.record_status(
        city.engine,
        city.kita_staff,
        shelter_id=view.id,
        submission_id="u",
        state="open",
        evacuees=900,
    )
    now = utcnow()
    kita = ward_situations(city.engine, city.mayor, now=now, settings=SETTINGS)[KITA]
    assert kita.capacity_unknown == 1 and kita.occupancy is None
    figures = command_map.command_view(city.engine, city.mayor, now=now, settings=SETTINGS).figures
    assert figures.capacity_unknown == 1 and figures.occupancy is None
    cells = figure_cells(figures, now=now + timedelta(minutes=1), silent_after_minutes=30)
    assert cells[1].note_key == "situation.figure.capacity_unknown_note"
    frame = pd.DataFrame(
        {"state": ["open", "open", "open"], "capacity": [None, 100, 100], "evacuees": [900, 10, 95]}
    )
    assert list(classify_availability(frame)) == ["open_no_capacity", "open", "nearly_full"]
