"""Review of damage reports by crisis management: confirm, resolve, mark as duplicate, reopen.

Concurrency: the report (and a duplicate's target chain) is locked before its state is read, so
two reviewers acting at once apply one after the other (on PostgreSQL ``SELECT … FOR UPDATE``;
SQLite's ``BEGIN IMMEDIATE`` already serialises writers) and two crossing "duplicate of" actions
cannot make a loop.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from dashboard.domain import Actor, ReviewState
from dashboard.errors import ServiceError, ValidationFailed
from dashboard.services.areas import require_command, require_in_scope
from dashboard.services.audit import AuditAction, record_audit
from dashboard.services.damage.queries import report_in_scope
from dashboard.storage.db import transaction
from dashboard.storage.models import DamageReport, utcnow


@dataclass(frozen=True)
class ReviewAction:
    """What a reviewer's button does to a report."""

    state: ReviewState
    needs_target: bool = False


# Review actions by name; the page shows one button each ("review.action.<name>").
REVIEW_ACTIONS: dict[str, ReviewAction] = {
    "confirm": ReviewAction(ReviewState.CONFIRMED),
    "resolve": ReviewAction(ReviewState.RESOLVED),
    "duplicate": ReviewAction(ReviewState.DUPLICATE, needs_target=True),
    "reopen": ReviewAction(ReviewState.NEW),
}


def review_report(
    engine: Engine,
    actor: Actor,
    report_id: int,
    *,
    action: str,
    duplicate_of: int | None = None,
) -> str:
    """Apply a review action (``REVIEW_ACTIONS``) as crisis management; returns the new state.

    A duplicate points at the original report (following a chain of duplicates to its start).
    """
    require_command(actor)
    spec = REVIEW_ACTIONS.get(action)
    if spec is None:
        raise ServiceError("review.action_invalid")
    if spec.needs_target and duplicate_of is None:
        raise ValidationFailed({"duplicate_of": ("review.duplicate_required", {})})
    with transaction(engine) as session:
        # Both rows in id order first, so two crossing "duplicate of" actions queue, not deadlock.
        ids = sorted({report_id, duplicate_of} - {None})
        session.execute(
            select(DamageReport.id)
            .where(DamageReport.id.in_(ids))
            .order_by(DamageReport.id)
            .with_for_update()
        ).all()
        report = report_in_scope(session, actor, report_id, lock=True)
        require_in_scope(session, actor, [report.ward_code or report.reporter_ward_code])
        target_id = None
        if spec.needs_target:
            target = report_in_scope(session, actor, duplicate_of, lock=True)
            seen = {report.id}
            while target.duplicate_of_id is not None and target.id not in seen:
                seen.add(target.id)
                target = report_in_scope(session, actor, target.duplicate_of_id, lock=True)
            if target.id in seen:
                raise ValidationFailed({"duplicate_of": ("review.duplicate_self", {})})
            target_id = target.id
        previous = report.review_state
        report.review_state = spec.state.value
        report.duplicate_of_id = target_id
        report.reviewed_by_id = actor.user_id
        report.reviewed_at = utcnow()
        record_audit(
            session,
            actor,
            AuditAction.DAMAGE_REPORT_REVIEWED,
            entity="damage_report",
            entity_id=report.id,
            exercise=report.exercise,
            detail={"action": action, "from": previous, "to": spec.state.value, "of": target_id},
        )
        return spec.state.value
