"""A directive from the map (地図から指示): pre-filled from what the map shows, sent in one click.

The targets are the wards the user selected on the map or, with none selected, those the
directive page suggests (the one rule, ``directives.target_reasons``, on the map's cached
situations). The template follows the situation of those targets (``TEMPLATE_RULES``, first
match wins) and the priority their worst level. Sending goes through
``directives.send_directive``: once per submission, sender roles only, targets checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from dashboard.clock import utcnow
from dashboard.domain import Actor
from dashboard.errors import PermissionDenied
from dashboard.services.areas import area_tree, require_role
from dashboard.services.command_map.basis import load_basis
from dashboard.services.command_map.views import scope_situations
from dashboard.services.directives import (
    SENDER_ROLES,
    TEMPLATES,
    send_directive,
    target_reasons,
)
from dashboard.services.situation import SERIOUS_SEVERITY, WardSituation
from dashboard.settings import Settings, get_settings
from dashboard.storage.db import reading


def _serious_damage(s: WardSituation) -> bool:
    return bool(s.dead or s.trapped or any(sev >= SERIOUS_SEVERITY for sev in s.by_severity))


def _full_shelter(s: WardSituation) -> bool:
    return s.full_shelters > 0


def _silent(s: WardSituation) -> bool:
    return s.silent


# Which template a situation calls for, most urgent first: lives before shelter space before
# silence. The first rule that any target meets chooses the template.
TEMPLATE_RULES: tuple[tuple[str, Callable[[WardSituation], bool]], ...] = (
    ("dispatch", _serious_damage),  # serious damage → dispatch staff
    ("open_more_shelters", _full_shelter),  # a shelter full → open additional shelters
    ("report_damage", _silent),  # nothing heard → report now
)
# Template when no rule matches (wards selected by hand in a calm situation): report now.
DEFAULT_TEMPLATE = "report_damage"
# Priority from the worst situation level of the targets (lower levels: normal).
LEVEL_PRIORITY = {4: "urgent", 3: "high"}
DEFAULT_PRIORITY = "normal"


@dataclass(frozen=True)
class DirectiveDraft:
    """What the map's send action offers: targets (with the suggestion reasons each has), the
    template and priority chosen from their situation, and whether the user selected them."""

    ward_codes: tuple[str, ...]
    reasons: dict[str, tuple[str, ...]]
    template: str
    priority: str
    level: int
    selected: bool

    def title(self, lang: str) -> str:
        return TEMPLATES[self.template].title(lang)

    def body(self, lang: str) -> str:
        return TEMPLATES[self.template].body(lang)


def draft_directive(
    engine: Engine,
    actor: Actor,
    *,
    selected: Iterable[str] = (),
    now: datetime | None = None,
    settings: Settings | None = None,
) -> DirectiveDraft:
    """The directive the map's send action pre-fills. ``selected`` are areas clicked on the
    map: the actor's own targets (a mayor's wards, a governor's municipalities) or areas below
    them (a ward of a city the governor opened counts for its city)."""
    require_role(actor, SENDER_ROLES)
    settings = settings or get_settings()
    basis = load_basis(engine, actor)
    targets = basis.tree.children(actor.jurisdiction_code)
    everywhere = basis.situations(since=None, now=now or utcnow(), settings=settings)
    situations = [s for code, s in everywhere.items() if code in basis.scope]
    reasons = target_reasons(situations, basis.tree, targets)
    chosen: list[str] = []
    for code in selected:
        target = next((c for c in (code, *basis.tree.ancestors(code)) if c in targets), None)
        if target is None:
            raise PermissionDenied("directive.target_forbidden")
        chosen.append(target)
    codes = tuple(dict.fromkeys(chosen)) if chosen else tuple(reasons)

    def covered(s: WardSituation) -> bool:
        return any(c in codes for c in (s.code, *basis.tree.ancestors(s.code)))

    relevant = [s for s in situations if covered(s)]
    template = next(
        (key for key, applies in TEMPLATE_RULES if any(applies(s) for s in relevant)),
        DEFAULT_TEMPLATE,
    )
    level = max((s.level for s in relevant), default=0)
    return DirectiveDraft(
        ward_codes=codes,
        reasons={code: reasons.get(code, ()) for code in codes},
        template=template,
        priority=LEVEL_PRIORITY.get(level, DEFAULT_PRIORITY),
        level=level,
        selected=bool(chosen),
    )


def send_draft(
    engine: Engine,
    actor: Actor,
    draft: DirectiveDraft,
    *,
    submission_id: str,
    lang: str = "ja",
    confirmed: bool = False,
    now: datetime | None = None,
) -> int:
    """Send ``draft`` as it stands (the template's title and body in ``lang``); once per
    ``submission_id``, exactly as the directive page's send (see ``send_directive``)."""
    return send_directive(
        engine,
        actor,
        submission_id=submission_id,
        ward_codes=list(draft.ward_codes),
        template=draft.template,
        priority=draft.priority,
        lang=lang,
        confirmed=confirmed,
        now=now,
    )


def suggested_targets(
    engine: Engine, actor: Actor, now: datetime | None = None, *, settings: Settings | None = None
) -> dict[str, tuple[str, ...]]:
    """Targets to pre-select, each with its reasons: ``level`` (situation level 3 or 4),
    ``full_shelter`` (a shelter reported full) and ``silent`` (nothing heard in disaster mode).

    A ward's reasons count for the municipality above it when the governor sends.
    """
    require_role(actor, SENDER_ROLES)
    situations = scope_situations(engine, actor, now=now, settings=settings)
    with reading(engine) as session:
        tree = area_tree(session)
    return target_reasons(situations.values(), tree, tree.children(actor.jurisdiction_code))
