"""The HQ as it is: departments beside the wards, heads and deputies in order, directives to both,
and the stand-in (代行) after a silent head or a roll-call answer — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dashboard.errors import PermissionDenied, ValidationFailed
from dashboard.services import (
    areas,
    chronology,
    command_map,
    damage,
    delivery,
    directives,
    hq,
    modes,
    rollcall,
    shelters,
)
from dashboard.services.damage import ReportDraft
from dashboard.services.rollcall.links import make_answer_token
from dashboard.settings import Settings
from dashboard.storage.db import reading, transaction
from dashboard.storage.models import (
    AuditEntry,
    OutboxMessage,
    RollCallRecipient,
    StaffMember,
    utcnow,
)
from tests.factories import CHUO, CITY, KITA, KITA_POINT, make_user

SECRET = "hq-test-secret-0123456789"
SETTINGS = Settings(
    secret_key=SECRET,
    base_url="http://dashboard.test",
    escalation_minutes={"urgent": 5, "high": 15, "normal": 30},
    standin_minutes={"urgent": 10},
)
T0 = utcnow().replace(microsecond=0)


@pytest.fixture(autouse=True)
def _no_stray_workers():
    delivery.stop_all_workers()


def _user(engine, username, role, area, email=None):
    from dashboard.services.accounts import actor_for

    with transaction(engine) as s:
        user = make_user(s, username, role, area)
        user.email = email
        return actor_for(user)


@pytest.fixture
def hq_city(city):
    """北区 and a 建設局 each with a head and a deputy; 建設局 an HQ member for road clearing."""
    from dashboard.domain import Role

    engine = city.engine
    city.actors["dept"] = hq.create_department(
        engine,
        city.admin,
        name_ja="建設局",
        name_en="Construction Bureau",
        unit_kind="construction",
    )
    dept = city.actors["dept"]
    city.actors["dept_head"] = _user(engine, "kensetsu-head", Role.WARD_HEAD, dept, "h@x.jp")
    city.actors["dept_deputy"] = _user(engine, "kensetsu-dep", Role.WARD_HEAD, dept, "d@x.jp")
    city.actors["dept_deputy2"] = _user(engine, "kensetsu-dep2", Role.WARD_HEAD, dept)
    city.actors["dept_staff"] = _user(engine, "kensetsu-staff", Role.WARD_STAFF, dept)
    city.actors["kita_deputy"] = _user(engine, "kita-deputy", Role.WARD_HEAD, KITA)
    hq.set_holders(
        engine,
        city.admin,
        dept,
        [
            (city.dept_head.user_id, "E-HEAD"),
            (city.dept_deputy.user_id, "E-DEP1"),
            (city.dept_deputy2.user_id, None),
        ],
        now=T0 - timedelta(days=1),
    )
    hq.set_unit(engine, city.admin, KITA, hq_member=True, unit_kind="ward")
    hq.set_holders(
        engine,
        city.admin,
        KITA,
        [(city.kita_head.user_id, None), (city.kita_deputy.user_id, None)],
        now=T0 - timedelta(days=1),
    )
    return city


def send(city, codes, sub="d1", **kwargs):
    kwargs.setdefault("title", "道路を確認してください")
    kwargs.setdefault("priority", "urgent")
    return directives.send_directive(
        city.engine, city.mayor, submission_id=sub, ward_codes=codes, now=T0, **kwargs
    )


def delivery_of(city, directive_id, code) -> int:
    board = directives.directive_board(city.engine, city.mayor, directive_id)
    return next(r.delivery_id for r in board.rows if r.ward_code == code)


def row_of(city, directive_id, code):
    board = directives.directive_board(city.engine, city.mayor, directive_id)
    return next(r for r in board.rows if r.ward_code == code)


# --- Departments beside the wards ------------------------------------------------------------


def test_a_department_is_a_target_but_never_a_ward_on_the_map_or_in_the_situation(hq_city):
    city, dept = hq_city, hq_city.dept
    codes = [code for code, *_ in directives.list_targets(city.engine, city.mayor)]
    assert dept in codes and KITA in codes and codes.index(dept) > codes.index(KITA)
    with reading(city.engine) as s:
        tree = areas.area_tree(s)
    assert dept not in tree.children(CITY) and dept in tree.departments(CITY)
    assert dept not in tree.leaves() and len(tree.leaves()) == 24
    assert dept not in {code for code, _ in command_map.ward_choices(city.engine, city.mayor)}
    groups = directives.target_groups(city.engine, city.mayor)
    assert groups.departments == (dept,) and dept not in groups.areas
    assert groups.by_template["clear_roads"] == (dept,)
    assert directives.template_targets(city.engine, city.mayor, "open_shelters") == []


def test_a_department_user_sees_the_citys_map_read_only_and_cannot_write_ward_data(hq_city):
    city = hq_city
    for who in (city.dept_head, city.dept_staff):
        choices = command_map.ward_choices(city.engine, who)
        assert len(choices) == 24  # the city's wards, read-only
        with pytest.raises(PermissionDenied) as refused:
            shelters.record_status(
                city.engine, who, shelter_id=city.shelters["kita1"],
                submission_id=f"s-{who.username}", state="open", evacuees=5,
            )  # fmt: skip
        assert refused.value.key == "hq.department_read_only"
        draft = ReportDraft(lat=KITA_POINT[0], lon=KITA_POINT[1], category="fire", severity=2)
        with pytest.raises(PermissionDenied) as refused:
            damage.submit_report(
                city.engine, who, draft, submission_id=f"r-{who.username}", confirm_outside=True
            )
        assert refused.value.key == "hq.department_read_only"
        with pytest.raises(PermissionDenied):
            shelters.confirm_no_change(
                city.engine, who, submission_id=f"c-{who.username}", ward_code=KITA
            )
        with pytest.raises(PermissionDenied):
            shelters.register_adhoc_shelter(
                city.engine, who, submission_id=f"a-{who.username}", name="臨時", lat=KITA_POINT[0],
                lon=KITA_POINT[1], capacity=10, evacuees=0,
            )  # fmt: skip
    assert damage.list_reports(city.engine, city.mayor) == []
    assert shelters.list_shelters(city.engine, city.mayor, ward_code=KITA)[0].state is None


# --- Directives to wards and departments -----------------------------------------------------


def test_one_directive_to_wards_and_a_department_and_each_unit_sees_only_its_own(hq_city):
    city, dept = hq_city, hq_city.dept
    directive_id = send(city, [KITA, dept, CHUO])
    again = send(city, [KITA, dept, CHUO])  # the same click again: the same directive
    assert again == directive_id
    board = directives.directive_board(city.engine, city.mayor, directive_id)
    assert sorted(r.ward_code for r in board.rows) == sorted([KITA, dept, CHUO])
    dept_inbox = directives.list_inbox(city.engine, city.dept_head)
    assert [i.directive_id for i in dept_inbox] == [directive_id]
    assert directives.inbox_summary(city.engine, city.dept_deputy).unacknowledged == 1
    assert directives.inbox_summary(city.engine, city.dept_staff).unread == 1
    kita_item = directives.list_inbox(city.engine, city.kita_head)[0]
    with pytest.raises(PermissionDenied):
        directives.acknowledge(city.engine, city.dept_head, kita_item.delivery_id)
    with pytest.raises(PermissionDenied):
        directives.acknowledge(city.engine, city.dept_staff, dept_inbox[0].delivery_id)
    # A department user cannot send, nor a ward address a department.
    with pytest.raises(PermissionDenied):
        directives.send_directive(
            city.engine, city.dept_head, submission_id="x", ward_codes=[KITA], title="t"
        )


def test_all_hq_members_in_one_click(hq_city):
    city, dept = hq_city, hq_city.dept
    directive_id = send(city, [], hq_members=True)
    board = directives.directive_board(city.engine, city.mayor, directive_id)
    assert sorted(r.ward_code for r in board.rows) == sorted([KITA, dept])
    hq.set_unit(city.engine, city.admin, dept, hq_member=False, unit_kind="construction")
    second = send(city, [CHUO], sub="d2", title="別件", hq_members=True)
    board = directives.directive_board(city.engine, city.mayor, second)
    assert sorted(r.ward_code for r in board.rows) == sorted([KITA, CHUO])


def test_a_directive_to_a_unit_with_holders_messages_the_head_personally(hq_city):
    city, dept = hq_city, hq_city.dept
    directive_id = send(city, [dept])
    with reading(city.engine) as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "standin")).all()
        assert [(r.channel_kind, r.recipient_id) for r in rows] == [("email", None)]
        ready, unusable = _built(s, rows)
    assert not unusable
    [(_, target, message)] = ready
    assert target == {"to": ["h@x.jp"]} and message.directive_id == directive_id


class Recorder:
    """A channel that records what it was asked to send."""

    def __init__(self):
        self.sent = []

    def validate_target(self, target):
        return []

    def send(self, message, target, credentials, *, timeout):
        from dashboard.channels import SendResult

        self.sent.append((message, target))
        return SendResult.delivered("ok")


def test_the_worker_messages_the_head_then_after_the_stand_in_the_deputy(hq_city):
    from dashboard.worker import PERIODIC_JOBS

    city, dept = hq_city, hq_city.dept
    send(city, [dept])
    mail = Recorder()

    def cycle(at):
        for job in PERIODIC_JOBS:
            job(city.engine, now=at, settings=SETTINGS)
        delivery.run_outbox_once(
            city.engine, now=at, channels={"email": mail}, credentials={}, settings=SETTINGS
        )

    cycle(T0)
    assert [t["to"] for _, t in mail.sent] == [["h@x.jp"]]
    cycle(T0 + timedelta(minutes=10))  # the head stayed silent: deputy 1 holds it now
    assert [t["to"] for _, t in mail.sent][1:] == [["d@x.jp"]]
    message = mail.sent[-1][0]
    assert message.title.startswith("【代行者1として対応願います】")
    assert "/ack?token=" in message.ack_url


def _built(session, rows):
    from dashboard.services.delivery.personal import build_personal

    return build_personal(session, [r.id for r in rows], settings=SETTINGS, now=T0)


# --- Stand-in ------------------------------------------------------------------------------


def test_a_silent_head_hands_over_to_deputy_1_then_deputy_2_and_the_board_shows_it(hq_city):
    city, dept = hq_city, hq_city.dept
    directive_id = send(city, [dept])  # urgent: stand-in after 10 minutes
    assert hq.hand_over_overdue(city.engine, now=T0 + timedelta(minutes=9), settings=SETTINGS) == 0
    row = row_of(city, directive_id, dept)
    assert (row.holder_rank, row.handovers) == (0, ())
    later = T0 + timedelta(minutes=10)
    assert hq.hand_over_overdue(city.engine, now=later, settings=SETTINGS) == 1
    assert hq.hand_over_overdue(city.engine, now=later, settings=SETTINGS) == 0  # once
    row = row_of(city, directive_id, dept)
    assert row.holder_rank == 1 and row.handovers == ((1, "timeout", later),)
    # The personal message now goes to deputy 1, the current holder.
    with reading(city.engine) as s:
        ids = list(s.scalars(select(OutboxMessage.id).where(OutboxMessage.purpose == "standin")))
        ready, _ = _built(s, [s.get(OutboxMessage, i) for i in ids])
    assert {tuple(target["to"]) for _, target, _ in ready} == {("d@x.jp",)}
    assert ready[-1][2].title.startswith("【代行者1として")
    # Ten more silent minutes: deputy 2.
    assert hq.hand_over_overdue(city.engine, now=later + timedelta(minutes=10), settings=SETTINGS)
    assert row_of(city, directive_id, dept).holder_rank == 2
    # And the chronology and the audit log have each step.
    events = chronology.list_events(city.engine, city.mayor, kinds=["handover"])
    assert [e.text for e in events][0].startswith("代行者1へ代行（未了解のため）")
    with reading(city.engine) as s:
        steps = s.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "directive.handed_over")
        ).all()
    assert [(d["rank"], d["reason"]) for d in steps] == [(1, "timeout"), (2, "timeout")]


def test_the_board_shows_who_acknowledged_and_after_how_many_minutes(hq_city):
    city, dept = hq_city, hq_city.dept
    directive_id = send(city, [dept, KITA])
    hq.hand_over_overdue(city.engine, now=T0 + timedelta(minutes=10), settings=SETTINGS)
    dept_item = directives.list_inbox(city.engine, city.dept_deputy)[0]
    directives.acknowledge(
        city.engine, city.dept_deputy, dept_item.delivery_id, now=T0 + timedelta(minutes=12)
    )
    kita_item = directives.list_inbox(city.engine, city.kita_head)[0]
    directives.acknowledge(
        city.engine, city.kita_head, kita_item.delivery_id, now=T0 + timedelta(minutes=3)
    )
    dept_row, kita_row = row_of(city, directive_id, dept), row_of(city, directive_id, KITA)
    assert (dept_row.acknowledged_rank, dept_row.acknowledged_by) == (1, "kensetsu-dep")
    assert dept_row.minutes_to_ack == pytest.approx(12)
    assert (kita_row.acknowledged_rank, kita_row.minutes_to_ack) == (0, pytest.approx(3))
    # Acknowledged: nothing passes on any more.
    assert hq.hand_over_overdue(city.engine, now=T0 + timedelta(hours=1), settings=SETTINGS) == 0


def _staff_and_rollcall(city, numbers):
    lines = ["employee_number,name,unit_code,tier,email"]
    lines += [f"{n},職員 {n},{city.dept},1,{n.lower()}@x.jp" for n in numbers]
    report = rollcall.import_staff(
        city.engine, city.admin, ("\n".join(lines) + "\n").encode(), dry_run=False
    )
    assert report.applied
    return rollcall.start_rollcall(
        city.engine, city.admin, submission_id="rc", scope_code=CITY, now=T0 - timedelta(minutes=5)
    )


def _answer(city, rollcall_id, number, safety, attendance, sub):
    with reading(city.engine) as s:
        recipient_id, staff_id = s.execute(
            select(RollCallRecipient.id, RollCallRecipient.staff_id)
            .join(StaffMember, StaffMember.id == RollCallRecipient.staff_id)
            .where(
                RollCallRecipient.rollcall_id == rollcall_id, StaffMember.employee_number == number
            )
        ).one()
    token = make_answer_token(recipient_id, staff_id, secret=SECRET, now=T0)
    rollcall.submit_answer(
        city.engine, token, submission_id=sub, safety=safety, attendance=attendance,
        settings=SETTINGS, now=T0,
    )  # fmt: skip


def test_a_head_who_answered_the_rollcall_as_injured_hands_over_at_once(hq_city):
    city, dept = hq_city, hq_city.dept
    rollcall_id = _staff_and_rollcall(city, ["E-HEAD", "E-DEP1"])
    _answer(city, rollcall_id, "E-HEAD", "injured_serious", "cannot", "a1")
    _answer(city, rollcall_id, "E-DEP1", "safe", "can_come", "a2")
    directive_id = send(city, [dept])
    assert hq.hand_over_overdue(city.engine, now=T0 + timedelta(minutes=1), settings=SETTINGS)
    row = row_of(city, directive_id, dept)
    assert row.holder_rank == 1 and row.handovers[0][:2] == (1, "rollcall")


def test_a_deputy_who_cannot_come_either_passes_it_straight_to_the_next(hq_city):
    city, dept = hq_city, hq_city.dept
    rollcall_id = _staff_and_rollcall(city, ["E-HEAD", "E-DEP1"])
    _answer(city, rollcall_id, "E-HEAD", "injured_minor", "can_come", "a1")
    _answer(city, rollcall_id, "E-DEP1", "safe", "cannot", "a2")
    directive_id = send(city, [dept])
    assert hq.hand_over_overdue(city.engine, now=T0 + timedelta(minutes=1), settings=SETTINGS) == 2
    row = row_of(city, directive_id, dept)
    assert [step[:2] for step in row.handovers] == [(1, "rollcall"), (2, "rollcall")]


def test_a_safe_answer_or_an_ended_rollcall_keeps_the_head(hq_city):
    city, dept = hq_city, hq_city.dept
    rollcall_id = _staff_and_rollcall(city, ["E-HEAD"])
    _answer(city, rollcall_id, "E-HEAD", "injured_serious", "cannot", "a1")
    _answer(city, rollcall_id, "E-HEAD", "safe", "arrived", "a2")  # the latest answer counts
    send(city, [dept])
    assert hq.hand_over_overdue(city.engine, now=T0 + timedelta(minutes=1), settings=SETTINGS) == 0


def test_drills_stand_in_apart_from_real_directives(hq_city):
    city, dept = hq_city, hq_city.dept
    real = send(city, [dept])
    modes.start_drill(city.engine, city.mayor, name="HQ訓練", now=T0)
    drill = send(city, [dept], sub="drill", title="訓練：道路を確認")
    # During the drill only the drill directive is handled, and only it is on the board's list.
    assert hq.hand_over_overdue(city.engine, now=T0 + timedelta(minutes=10), settings=SETTINGS) == 1
    assert [d.id for d in directives.list_directives(city.engine, city.mayor)] == [drill]
    assert [i.directive_id for i in directives.list_inbox(city.engine, city.dept_deputy)] == [drill]
    modes.end_drill(city.engine, city.mayor, now=T0 + timedelta(minutes=11))
    assert row_of(city, real, dept).handovers == ()
    assert hq.hand_over_overdue(city.engine, now=T0 + timedelta(minutes=11), settings=SETTINGS) == 1
    assert row_of(city, real, dept).holder_rank == 1
    events = chronology.list_events(city.engine, city.mayor, kinds=["handover"])
    assert len(events) == 1  # the real one only
    cleared = modes.clear_drill_data(city.engine, city.mayor)
    assert cleared.get("delivery_handovers") == 1
    assert row_of(city, real, dept).holder_rank == 1


# --- The roster ----------------------------------------------------------------------------


def test_a_reorganisation_keeps_the_old_holders_as_history(hq_city):
    city, dept = hq_city, hq_city.dept
    now = T0 + timedelta(days=1)
    changed = hq.set_holders(
        city.engine,
        city.admin,
        dept,
        [(city.dept_deputy.user_id, "E-DEP1"), (city.dept_head.user_id, "E-HEAD")],
        now=now,
    )
    assert changed
    assert not hq.set_holders(
        city.engine,
        city.admin,
        dept,
        [(city.dept_deputy.user_id, "E-DEP1"), (city.dept_head.user_id, "E-HEAD")],
        now=now,
    )
    [unit] = [u for u in hq.list_roster(city.engine, city.admin) if u.code == dept]
    assert [(h.rank, h.username) for h in unit.holders] == [
        (0, "kensetsu-dep"),
        (1, "kensetsu-head"),
    ]
    history = hq.holder_history(city.engine, city.admin, dept)
    assert len(history) == 5 and sum(h.valid_to is not None for h in history) == 3
    # Who acknowledged is judged by the roster at that moment.
    with reading(city.engine) as s:
        assert hq.holder_rank_at(s, dept, city.dept_head.user_id, T0) == 0
        assert hq.holder_rank_at(s, dept, city.dept_head.user_id, now) == 1


def test_holders_must_be_head_accounts_of_the_unit_and_only_command_roles_keep_the_roster(hq_city):
    city, dept = hq_city, hq_city.dept
    with pytest.raises(ValidationFailed):
        hq.set_holders(city.engine, city.admin, dept, [(city.kita_head.user_id, None)])
    with pytest.raises(ValidationFailed):
        hq.set_holders(city.engine, city.admin, dept, [(city.dept_staff.user_id, None)])
    with pytest.raises(ValidationFailed):
        hq.set_holders(city.engine, city.admin, dept, [(city.dept_head.user_id, None)] * 2)
    for who in (city.dept_head, city.kita_head, city.viewer):
        with pytest.raises(PermissionDenied):
            hq.set_holders(city.engine, who, dept, [(city.dept_head.user_id, None)])
        with pytest.raises(PermissionDenied):
            hq.list_roster(city.engine, who)


def test_roster_csv_dry_run_lists_problems_by_row_and_writes_nothing(hq_city):
    city, dept = hq_city, hq_city.dept
    text = (
        "部局コード,部局名,代行順位,ユーザー名,職員番号,本部員,種別\n"
        f"{dept},,本部員,kensetsu-dep,,○,建設・道路\n"
        f"{dept},,1,nobody,,,\n"
        f"{dept},,代行9,kensetsu-head,,,\n"
        "99999,,0,kita-head,,,\n"
        ",水道局,,,,1,水道\n"
    )
    report = hq.import_roster(city.engine, city.admin, text.encode("cp932"), dry_run=True)
    assert not report.applied
    assert sorted((p.line, p.key) for p in report.problems) == [
        (3, "hq.import.user_unknown"),
        (4, "hq.import.rank"),
        (5, "hq.import.unit_unknown"),
    ]
    [unit] = [u for u in hq.list_roster(city.engine, city.admin) if u.code == dept]
    assert unit.holders[0].username == "kensetsu-head"


def test_roster_csv_import_adds_a_department_and_replaces_holders(hq_city):
    city, dept = hq_city, hq_city.dept
    text = (
        "\ufeffunit_code,unit_name,rank,username,employee_number,hq_member,unit_kind\n"
        f"{dept},,0,kensetsu-dep,E-DEP1,1,construction\n"
        f"{dept},,1,kensetsu-head,E-HEAD,,\n"
        ",水道局,,,,1,water\n"
    )
    dry = hq.import_roster(city.engine, city.admin, text.encode(), dry_run=True)
    assert dry.problems == [] and dry.new_departments == ["水道局"] and not dry.applied
    report = hq.import_roster(city.engine, city.admin, text.encode(), dry_run=False)
    assert report.applied and report.holders == 1
    roster = {u.name_ja: u for u in hq.list_roster(city.engine, city.admin)}
    assert roster["水道局"].unit_kind == "water" and roster["水道局"].level == "department"
    assert [h.username for h in roster["建設局"].holders] == ["kensetsu-dep", "kensetsu-head"]
    assert directives.target_groups(city.engine, city.mayor).by_template["secure_water"] == (
        roster["水道局"].code,
    )


def test_parse_rank_reads_the_usual_spellings():
    assert [
        hq.parse_rank(x) for x in ("0", "本部員", "部局長", "1", "代行1", "第２代行者", "9")
    ] == [
        0,
        0,
        0,
        1,
        1,
        2,
        None,
    ]
