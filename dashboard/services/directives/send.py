"""Sending directives: the common templates, the wards an actor may address and those to suggest,
and storing a directive with its deliveries and outbox rows in one transaction.

Targets are the areas directly below the sender's home (a mayor's wards, a governor's
municipalities) and the departments (部局) of the city or prefecture; ``hq_members`` adds every
unit whose head sits in the HQ (本部員), and a template may be meant for a kind of unit
(road clearing → construction), whose units ``template_targets`` names.

A directive is stored once per ``submission_id`` (a double click or a retry returns the first).
Two *different* clicks sending the same title to the same wards within ``DUPLICATE_WINDOW`` are
more likely a mistake than two instructions: the second raises ``DuplicateDirective`` unless the
sender confirms it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.channels.base import PRIORITIES
from dashboard.domain import COMMAND_ROLES, SYSTEM, Actor
from dashboard.errors import PermissionDenied, ServiceError, ValidationFailed
from dashboard.i18n import translate
from dashboard.services.areas import AreaTree, area_tree, require_role
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.delivery import enqueue_messages
from dashboard.services.hq import enqueue_holder_messages, hq_member_codes, kind_codes
from dashboard.services.inputs import strip_text
from dashboard.services.modes import exercise_now
from dashboard.services.situation import WardSituation
from dashboard.storage.db import reading, store_once
from dashboard.storage.models import Directive, DirectiveDelivery, utcnow

# Who may send directives: the governor, the mayor and the crisis-management office.
SENDER_ROLES = COMMAND_ROLES
# Situation level from which a ward is suggested as a target (the two highest levels, 3 and 4).
TARGET_MIN_LEVEL = 3
# Why a ward is suggested, in the order the reasons are listed.
TARGET_REASONS = ("level", "full_shelter", "silent")
# Longest title and body accepted (a directive is read on a phone).
TITLE_MAX = 200
BODY_MAX = 4000
# Same title to the same wards within this window from another click: ask before sending again.
DUPLICATE_WINDOW = timedelta(minutes=1)


class DuplicateDirective(ServiceError):
    """The same title went to the same wards moments ago (from another click); send again only
    when the sender confirms."""

    def __init__(self, directive_id: int, issued_at: datetime) -> None:
        super().__init__("directive.duplicate_warning")
        self.directive_id = directive_id
        self.issued_at = issued_at


@dataclass(frozen=True)
class DirectiveTemplate:
    """A common instruction; its title and body are the texts ``template.<key>.title|body``."""

    key: str
    priority: str
    # The kind of unit it is meant for (see ``hq.UNIT_KINDS``); None: any.
    unit_kind: str | None = None

    def title(self, lang: str) -> str:
        return translate(f"template.{self.key}.title", lang)

    def body(self, lang: str) -> str:
        return translate(f"template.{self.key}.body", lang)


# The common instructions, in the order the send form offers them.
TEMPLATES: dict[str, DirectiveTemplate] = {
    t.key: t
    for t in (
        DirectiveTemplate("open_shelters", "urgent"),  # 避難所開設
        DirectiveTemplate("report_damage", "high"),  # 被害状況の報告
        DirectiveTemplate("mobilise_staff", "urgent"),  # 職員参集
        DirectiveTemplate("prepare_evacuation", "high"),  # 避難指示の準備
        DirectiveTemplate("clear_roads", "high", "construction"),  # 道路啓開
        DirectiveTemplate("shelter_health", "high", "health"),  # 避難所の健康管理
        DirectiveTemplate("secure_water", "high", "water"),  # 応急給水
        DirectiveTemplate("open_more_shelters", "urgent"),  # 追加の避難所開設 (a shelter is full)
        DirectiveTemplate("dispatch", "urgent"),  # 職員の派遣 (serious damage)
    )
}


def target_codes(session: Session, actor: Actor) -> list[str]:
    """Jurisdictions the actor may address: those directly below the actor's home (a mayor's
    wards, a governor's municipalities), then the home's departments."""
    tree = area_tree(session)
    return [*tree.children(actor.jurisdiction_code), *tree.departments(actor.jurisdiction_code)]


def list_targets(engine: Engine, actor: Actor) -> list[tuple[str, str, str | None]]:
    """(code, name_ja, name_en) of every jurisdiction the actor may send to: areas, then
    departments."""
    require_role(actor, SENDER_ROLES)
    with reading(engine) as session:
        tree = area_tree(session)
        return [(code, *tree.names[code]) for code in target_codes(session, actor)]


@dataclass(frozen=True)
class TargetGroups:
    """The send form's one-click groups: areas, departments, HQ members, units per template."""

    areas: tuple[str, ...]
    departments: tuple[str, ...]
    hq_members: tuple[str, ...]
    by_template: dict[str, tuple[str, ...]]


def target_groups(engine: Engine, actor: Actor) -> TargetGroups:
    require_role(actor, SENDER_ROLES)
    with reading(engine) as session:
        tree = area_tree(session)
        codes = target_codes(session, actor)
        return TargetGroups(
            tree.children(actor.jurisdiction_code),
            tree.departments(actor.jurisdiction_code),
            tuple(hq_member_codes(session, codes)),
            {
                key: tuple(kind_codes(session, codes, t.unit_kind))
                for key, t in TEMPLATES.items()
                if t.unit_kind
            },
        )


def template_targets(engine: Engine, actor: Actor, template: str) -> list[str]:
    """The units the template is meant for among the actor's targets (none for a general one)."""
    return list(target_groups(engine, actor).by_template.get(template, ()))


def target_reasons(
    situations: Iterable[WardSituation], tree: AreaTree, targets: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    """The suggestion rule of :func:`suggested_targets` on situations already read (the map reads
    them from its cache): each of ``targets`` with the reasons of the wards at or below it."""
    targets = set(targets)
    reasons: dict[str, set[str]] = {}
    for situation in situations:
        code = situation.code
        target = next((c for c in (code, *tree.ancestors(code)) if c in targets), None)
        if target is None:
            continue
        found = reasons.setdefault(target, set())
        if situation.level >= TARGET_MIN_LEVEL:
            found.add("level")
        if situation.full_shelters > 0:
            found.add("full_shelter")
        if situation.silent:
            found.add("silent")
    return {
        code: tuple(r for r in TARGET_REASONS if r in found)
        for code, found in sorted(reasons.items())
        if found
    }


def _validate(
    *, ward_codes: list[str], title: str, body: str, priority: str, deadline: datetime | None
) -> None:
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    if not ward_codes:
        problems["ward_codes"] = ("directive.no_targets", {})
    if not title.strip():
        problems["title"] = ("directive.title_required", {})
    elif len(title) > TITLE_MAX:
        problems["title"] = ("directive.too_long", {"maximum": TITLE_MAX})
    if len(body) > BODY_MAX:
        problems["body"] = ("directive.too_long", {"maximum": BODY_MAX})
    if priority not in PRIORITIES:
        problems["priority"] = ("directive.priority_invalid", {})
    if deadline is not None and deadline.utcoffset() is None:
        problems["deadline"] = ("directive.deadline_invalid", {})
    if problems:
        raise ValidationFailed(problems)


def create_directive(
    session: Session,
    actor: Actor,
    *,
    submission_id: str,
    ward_codes: list[str],
    title: str,
    body: str,
    priority: str,
    deadline: datetime | None,
    template: str | None,
    kind: str,
    scope_code: str,
    now: datetime,
) -> Directive:
    """Add a directive, its deliveries and their outbox rows to the caller's transaction."""
    exercise = exercise_now(session)
    directive = Directive(
        submission_id=submission_id,
        kind=kind,
        template=template,
        title=strip_text(title),
        body=strip_text(body),
        priority=priority,
        deadline=deadline,
        scope_code=scope_code,
        issued_by_id=actor.user_id,
        issued_at=now,
        exercise=exercise,
    )
    session.add(directive)
    session.flush()
    deliveries = [
        DirectiveDelivery(directive_id=directive.id, jurisdiction_code=code)
        for code in sorted(set(ward_codes))
    ]
    session.add_all(deliveries)
    session.flush()
    queued = enqueue_messages(session, deliveries, purpose="directive", exercise=exercise, now=now)
    # A unit with a head and deputies: its head is also messaged personally.
    queued += enqueue_holder_messages(session, deliveries, exercise=exercise, now=now)
    record_audit(
        session,
        actor,
        AuditAction(f"{kind}.sent"),
        entity="directive",
        entity_id=directive.id,
        detail={"title": directive.title, "wards": len(deliveries), "outbox": queued},
        exercise=exercise,
        at=now,
    )
    return directive


def send_directive(
    engine: Engine,
    actor: Actor,
    *,
    submission_id: str,
    ward_codes: list[str],
    template: str | None = None,
    title: str | None = None,
    body: str | None = None,
    priority: str | None = None,
    deadline: datetime | None = None,
    lang: str = "ja",
    confirmed: bool = False,
    now: datetime | None = None,
    hq_members: bool = False,
) -> int:
    """Send a directive to ``ward_codes``; returns its id. Once per ``submission_id``: a double
    click or a retry returns the first directive and sends nothing more.

    ``ward_codes`` may mix wards and departments; ``hq_members`` adds every unit below the
    sender whose head is an HQ member (本部員).

    Title, body and priority default to the template's. Raises ``DuplicateDirective`` when
    another submission sent the same title to the same wards within ``DUPLICATE_WINDOW``, unless
    ``confirmed``.
    """
    require_role(actor, SENDER_ROLES)
    now = now or utcnow()
    chosen = TEMPLATES.get(template) if template else None
    if template and chosen is None:
        raise ValidationFailed({"template": ("directive.template_invalid", {})})
    title = strip_text(title if title is not None else (chosen.title(lang) if chosen else ""))
    body = strip_text(body if body is not None else (chosen.body(lang) if chosen else ""))
    priority = priority or (chosen.priority if chosen else "normal")
    if hq_members:
        with reading(engine) as session:
            ward_codes = [*ward_codes, *hq_member_codes(session, target_codes(session, actor))]
    ward_codes = list(dict.fromkeys(ward_codes))
    _validate(ward_codes=ward_codes, title=title, body=body, priority=priority, deadline=deadline)

    def find(session: Session) -> int | None:
        return session.scalar(select(Directive.id).where(Directive.submission_id == submission_id))

    def write(session: Session) -> int:
        allowed = set(target_codes(session, actor)) if actor is not SYSTEM else None
        if allowed is not None and not set(ward_codes) <= allowed:
            raise PermissionDenied("directive.target_forbidden")
        if not confirmed:
            _refuse_duplicate(session, actor, title=title, ward_codes=ward_codes, now=now)
        directive = create_directive(
            session,
            actor,
            submission_id=submission_id,
            ward_codes=ward_codes,
            title=title,
            body=body,
            priority=priority,
            deadline=deadline,
            template=template,
            kind="directive",
            scope_code=actor.jurisdiction_code,
            now=now,
        )
        return directive.id

    return store_once(engine, find, write)


def _refuse_duplicate(
    session: Session, actor: Actor, *, title: str, ward_codes: list[str], now: datetime
) -> None:
    """Raise ``DuplicateDirective`` if this scope sent ``title`` to exactly these wards lately
    (in the same mode: a drill repeating a real directive is no duplicate)."""
    recent = session.scalars(
        select(Directive).where(
            Directive.kind == "directive",
            Directive.exercise == exercise_now(session),
            Directive.scope_code == actor.jurisdiction_code,
            Directive.title == title,
            Directive.issued_at >= now - DUPLICATE_WINDOW,
        )
    ).all()
    wanted = set(ward_codes)
    for directive in recent:
        if {d.jurisdiction_code for d in directive.deliveries} == wanted:
            raise DuplicateDirective(directive.id, directive.issued_at)
