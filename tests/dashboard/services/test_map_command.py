"""Command from the map and the replay: the pre-filled directive (targets, template, priority),
sending it once and only as a command role, the map following its acknowledgements, and the map
as of a past moment computed from the appended history."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select

from dashboard.errors import PermissionDenied
from dashboard.services import command_map, directives
from dashboard.settings import Settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import (
    DamageReport,
    Directive,
    DirectiveDelivery,
    DisasterDeclaration,
    ShelterStatus,
    utcnow,
)
from tests.dashboard.services.test_command_map import add_report
from tests.factories import CHUO, CHUO_POINT, CITY, KITA

SETTINGS = Settings(silent_after_minutes=30)
TENNOJI = "27109"


def add_status(engine, shelter_id, state, *, evacuees=0, minutes_ago=10):
    """A shelter status row, its time under the test's control."""
    with transaction(engine) as s:
        s.add(
            ShelterStatus(
                submission_id=uuid.uuid4().hex,
                shelter_id=shelter_id,
                state=state,
                evacuees=evacuees,
                reported_at=utcnow() - timedelta(minutes=minutes_ago),
            )
        )


def draft(city, actor=None, **kwargs):
    return command_map.draft_directive(
        city.engine, actor or city.mayor, settings=SETTINGS, **kwargs
    )


def view(city, actor=None, **kwargs):
    return command_map.command_view(city.engine, actor or city.mayor, settings=SETTINGS, **kwargs)


def test_without_a_selection_the_draft_targets_the_suggested_wards(city):
    add_report(city.engine, severity=4, trapped=2)  # 北区: lives at risk, level 4
    add_status(city.engine, city.shelters["chuo1"], "full", evacuees=300)  # 中央区: full

    d = draft(city)
    suggested = command_map.suggested_targets(city.engine, city.mayor, settings=SETTINGS)
    assert d.ward_codes == tuple(suggested) == (KITA, CHUO)
    assert d.reasons == {KITA: ("level",), CHUO: ("level", "full_shelter")}
    assert not d.selected
    # Serious damage comes first: dispatch, at the priority of the worst level (4: urgent).
    assert (d.template, d.priority, d.level) == ("dispatch", "urgent", 4)
    assert d.title("ja") == "被害現場へ職員を派遣してください"


@pytest.mark.parametrize(
    ("situation", "template", "priority"),
    [
        ("full_shelter", "open_more_shelters", "high"),
        ("silent", "report_damage", "normal"),
        ("calm", "report_damage", "normal"),
    ],
)
def test_the_template_follows_the_situation_of_the_selected_wards(
    city, situation, template, priority
):
    if situation == "full_shelter":
        add_status(city.engine, city.shelters["chuo1"], "full", evacuees=300)
    elif situation == "silent":
        with transaction(city.engine) as s:
            s.add(
                DisasterDeclaration(
                    level=3, scope_code=CITY, declared_at=utcnow() - timedelta(hours=1)
                )
            )
    add_report(city.engine, severity=4, trapped=1)  # 北区 is not selected: it does not count
    d = draft(city, selected=[CHUO])
    assert d.ward_codes == (CHUO,) and d.selected
    assert (d.template, d.priority) == (template, priority)
    if situation == "silent":
        assert d.reasons == {CHUO: ("silent",)}


def test_the_governor_drafts_to_municipalities_a_ward_counts_for_its_city(city):
    add_report(city.engine, severity=3)
    d = draft(city, city.governor, selected=[KITA, CHUO])
    assert d.ward_codes == (CITY,) and d.reasons == {CITY: ("level",)}
    assert d.template == "dispatch"
    assert draft(city, city.governor).ward_codes == (CITY,)  # suggested: a ward at level 3


def test_only_command_roles_draft_and_send_and_only_to_their_own_targets(city):
    add_report(city.engine, severity=4)
    for name in ("kita_head", "kita_staff", "viewer"):
        actor = getattr(city, name)
        with pytest.raises(PermissionDenied):
            draft(city, actor)
        with pytest.raises(PermissionDenied):
            command_map.send_draft(city.engine, actor, draft(city), submission_id=uuid.uuid4().hex)
    with pytest.raises(PermissionDenied):  # the prefecture is not one of the mayor's targets
        draft(city, selected=["27000"])
    with reading(city.engine) as s:
        assert s.scalar(select(func.count(Directive.id))) == 0


def count_directives(engine) -> tuple[int, int]:
    with reading(engine) as s:
        return (
            s.scalar(select(func.count(Directive.id))),
            s.scalar(select(func.count(DirectiveDelivery.id))),
        )


def test_sending_from_the_map_is_once_per_click_and_the_map_follows_the_acknowledgements(city):
    d = draft(city, selected=[KITA, CHUO])
    submission = uuid.uuid4().hex
    first = command_map.send_draft(city.engine, city.mayor, d, submission_id=submission)
    again = command_map.send_draft(city.engine, city.mayor, d, submission_id=submission)
    assert first == again and count_directives(city.engine) == (1, 2)
    # Another click with the same title to the same wards a moment later asks first.
    with pytest.raises(directives.DuplicateDirective):
        command_map.send_draft(city.engine, city.mayor, d, submission_id=uuid.uuid4().hex)

    areas = view(city).areas.set_index("code")
    assert areas.loc[KITA, "ack"] == areas.loc[CHUO, "ack"] == command_map.ACK_WAITING
    assert pd.isna(areas.loc[TENNOJI, "ack"])  # not addressed
    v = view(city)
    assert v.tracked.id == first and v.tracked.waiting == [KITA, CHUO]
    assert v.tracked.title == "被害状況を報告してください"

    (item,) = directives.list_inbox(city.engine, city.kita_head)
    directives.acknowledge(city.engine, city.kita_head, item.delivery_id)
    v = view(city)
    assert v.areas.set_index("code").loc[KITA, "ack"] == command_map.ACK_DONE
    assert v.tracked.done == [KITA] and v.tracked.waiting == [CHUO]
    # The governor's directive to the city shows on all its wards.
    gov = draft(city, city.governor, selected=[CITY])
    command_map.send_draft(city.engine, city.governor, gov, submission_id=uuid.uuid4().hex)
    assert set(view(city).areas["ack"]) == {command_map.ACK_WAITING}


def test_replay_as_of_a_past_moment_shows_the_earlier_numbers(city):
    engine = city.engine
    now = utcnow()
    add_report(engine, severity=2, minutes_ago=120)
    add_report(engine, severity=4, trapped=1, minutes_ago=30)  # after the replayed moment
    add_report(engine, ward=CHUO, point=CHUO_POINT, severity=1, minutes_ago=90)
    add_status(engine, city.shelters["kita1"], "open", evacuees=50, minutes_ago=100)
    add_status(engine, city.shelters["kita1"], "full", evacuees=200, minutes_ago=20)
    with transaction(engine) as s:
        s.add(
            DisasterDeclaration(level=3, scope_code=CITY, declared_at=now - timedelta(minutes=50))
        )
    d = draft(city, selected=[KITA])
    sent_at = now - timedelta(minutes=70)
    directive_id = command_map.send_draft(
        engine, city.mayor, d, submission_id=uuid.uuid4().hex, now=sent_at
    )
    (item,) = directives.list_inbox(engine, city.kita_head)
    directives.acknowledge(
        engine, city.kita_head, item.delivery_id, now=now - timedelta(minutes=40)
    )

    live = view(city, now=now)
    then = view(city, now=now, as_of=now - timedelta(minutes=60))
    kita_now, kita_then = (v.areas.set_index("code").loc[KITA] for v in (live, then))
    assert (kita_now["reports"], kita_now["level"]) == (2, 4)
    assert (kita_then["reports"], kita_then["level"]) == (1, 2)  # the later report not counted
    assert (live.figures.reports, then.figures.reports) == (3, 2)
    assert len(live.reports) == 3 and len(then.reports) == 2
    # The shelter as it was: open with 50, not full with 200.
    shelter = then.shelters.set_index("id").loc[city.shelters["kita1"]]
    assert (shelter["state"], shelter["evacuees"]) == ("open", 50)
    assert (then.figures.shelters_open, then.figures.shelters_full) == (1, 0)
    assert (live.figures.shelters_open, live.figures.shelters_full) == (0, 1)
    assert (then.figures.evacuees, live.figures.evacuees) == (50, 200)
    # Disaster mode was declared later; the directive was waiting for 了解 then, done now.
    assert not then.figures.disaster and live.figures.disaster
    assert then.tracked.id == live.tracked.id == directive_id
    assert (kita_then["ack"], kita_now["ack"]) == (command_map.ACK_WAITING, command_map.ACK_DONE)
    assert view(city, as_of=now - timedelta(minutes=80)).tracked is None  # not sent yet
    # The side panel as it was.
    detail = command_map.ward_detail(
        engine, city.mayor, KITA, settings=SETTINGS, as_of=now - timedelta(minutes=60)
    )
    assert detail.situation.reports == 1 and len(detail.pending_directives) == 1
    assert (
        command_map.ward_detail(engine, city.mayor, KITA, settings=SETTINGS).pending_directives
        == []
    )


def test_replay_undoes_a_review_made_after_the_moment(city):
    engine = city.engine
    now = utcnow()
    report = add_report(engine, severity=3, minutes_ago=60, review_state="resolved")
    with transaction(engine) as s:
        s.get(DamageReport, report).reviewed_at = now - timedelta(minutes=10)
    assert view(city, now=now).areas.set_index("code").loc[KITA, "reports"] == 0
    then = view(city, now=now, as_of=now - timedelta(minutes=30))
    assert then.areas.set_index("code").loc[KITA, "reports"] == 1


def test_the_replay_span_runs_from_the_first_event_to_now(city):
    now = utcnow()
    add_report(city.engine, minutes_ago=300)
    span = command_map.replay_span(city.engine, city.mayor, now=now)
    assert span.end == now.replace(second=0, microsecond=0)
    assert span.start == (now - timedelta(minutes=300)).replace(second=0, microsecond=0)
    moments = span.moments()
    assert moments[0] == span.start and moments[-1] == span.end
    assert span.step == timedelta(minutes=5) and len(moments) == 61
