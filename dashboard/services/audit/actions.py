"""Every action the audit log records, in one place and one naming style: ``<entity>.<past tense>``.

``record_audit`` accepts only these, so a new write cannot invent an action name the admin's log
page and the chronology do not know. Entries written before this registry keep the names they were
written with (the log is append-only; it is never rewritten).
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    # accounts and logins
    USER_CREATED = "user.created"
    USER_PASSWORD_SET = "user.password_set"
    USER_LOGGED_IN = "user.logged_in"
    USER_LOGIN_FAILED = "user.login_failed"
    USER_LOCKED = "user.locked"  # no longer written (logins are throttled); kept for old logs
    USER_LOGIN_THROTTLED = "user.login_throttled"
    USER_UPDATED = "user.updated"
    USER_LOGGED_OUT = "user.logged_out"
    # areas and setup
    BOUNDARIES_IMPORTED = "boundaries.imported"
    DEMO_SEEDED = "demo.seeded"
    SHELTERS_IMPORTED = "shelters.imported"
    USERS_IMPORTED = "users.imported"
    # ward reporting
    SHELTER_STATUS_RECORDED = "shelter_status.recorded"
    SHELTERS_CONFIRMED_UNCHANGED = "shelters.confirmed_unchanged"
    ADHOC_SHELTER_REGISTERED = "adhoc_shelter.registered"
    DAMAGE_REPORT_SUBMITTED = "damage_report.submitted"
    DAMAGE_REPORT_REVIEWED = "damage_report.reviewed"
    # directives
    DIRECTIVE_SENT = "directive.sent"
    DIRECTIVE_READ = "directive.read"
    DIRECTIVE_ACKNOWLEDGED = "directive.acknowledged"
    DIRECTIVE_ANSWERED = "directive.answered"
    DIRECTIVE_RESENT = "directive.resent"
    DIRECTIVE_ESCALATED = "directive.escalated"
    DIRECTIVE_HANDED_OVER = "directive.handed_over"  # stand-in: the next deputy holds it
    # disaster mode and drills
    DISASTER_DECLARED = "disaster.declared"
    DISASTER_ENDED = "disaster.ended"
    DECLARATION_SENT = "declaration.sent"
    DRILL_STARTED = "drill.started"
    DRILL_ENDED = "drill.ended"
    DRILL_CLEARED = "drill.cleared"
    # disasters and numbered situation reports (第N報)
    DISASTER_RECORDED = "disaster.recorded"
    DISASTER_CLOSED = "disaster.closed"
    REPORT_TIMES_SET = "report_times.set"
    WARD_TALLY_ENTERED = "ward_tally.entered"
    WARD_FIGURES_CONFIRMED = "ward_figures.confirmed"
    SITUATION_REPORT_ISSUED = "situation_report.issued"
    # staff roll-call
    STAFF_IMPORTED = "staff.imported"
    STAFF_ACTIVATED = "staff.activated"
    STAFF_DEACTIVATED = "staff.deactivated"
    ROLLCALL_STARTED = "rollcall.started"
    ROLLCALL_ENDED = "rollcall.ended"
    INTENSITY_ENTERED = "intensity.entered"
    # the HQ roster (departments, HQ members, heads and deputies)
    DEPARTMENT_ADDED = "department.added"
    HQ_UNIT_UPDATED = "hq_unit.updated"
    HQ_HOLDERS_SET = "hq_holders.set"
    HQ_ROSTER_IMPORTED = "hq_roster.imported"
    STAFF_ADDED = "staff.added"
    STAFF_EDITED = "staff.edited"
    STAFF_MOVED = "staff.moved"
    STAFFING_REQUIREMENTS_SET = "staffing_requirement.set"
    JMA_REPORT_READ = "jma_report.read"
    JMA_TELEGRAM_TEST = "jma_telegram.test"  # 試験: logged, nothing else
    JMA_TELEGRAM_IGNORED = "jma_telegram.ignored"  # 訓練 while the install takes no drills
    JMA_EVENT_OPENED = "jma_event.opened"
    JMA_EVENT_UPDATED = "jma_event.updated"
    JMA_EVENT_WITHDRAWN = "jma_event.withdrawn"  # 取消
    JMA_EVENT_ACKNOWLEDGED = "jma_event.acknowledged"
    JMA_FEED_FAILING = "jma_feed.failing"
    JMA_FEED_RECOVERED = "jma_feed.recovered"
    # delivery channels
    CHANNEL_TARGET_ADDED = "channel_target.added"
    CHANNEL_TARGET_ENABLED = "channel_target.enabled"
    CHANNEL_TARGET_DISABLED = "channel_target.disabled"
