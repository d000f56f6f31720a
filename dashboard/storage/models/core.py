"""The dashboard's records: areas, users and logins, shelters, damage, directives, delivery,
disaster mode, drills and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dashboard.clock import utcnow
from dashboard.storage.models.base import Base


class Jurisdiction(Base):
    """A prefecture, a municipality (city, town, village) or a ward, keyed by its JIS code."""

    __tablename__ = "jurisdictions"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    name_ja: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    # Boundary as GeoJSON geometry text in EPSG:4326 (portable across SQLite and PostgreSQL).
    boundary_geojson: Mapped[str | None] = mapped_column(Text)
    # True for the generated demo boundaries, which the UI labels as schematic.
    boundary_schematic: Mapped[bool] = mapped_column(Boolean, default=False)
    center_lat: Mapped[float | None]
    center_lon: Mapped[float | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    parent: Mapped[Jurisdiction | None] = relationship(
        remote_side="Jurisdiction.code", back_populates="children"
    )
    children: Mapped[list[Jurisdiction]] = relationship(back_populates="parent")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(2), default="ja")
    email: Mapped[str | None] = mapped_column(String(254))
    # The user's LINE WORKS id (for direct messages), as the staff account import gives it.
    lineworks_user_id: Mapped[str | None] = mapped_column(String(100))
    # A one-time password (an imported account, or set by an administrator): the user may do
    # nothing but set their own (``accounts.change_own_password``); the services refuse the rest.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Unused since logins are throttled per name and client (``LoginThrottle``); no code reads or
    # writes them. Kept until a migration drops them.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    jurisdiction: Mapped[Jurisdiction] = relationship()


class LoginSession(Base):
    """A login that survives a page reload: the browser keeps a random token in a cookie, the
    database keeps only its hash. Logging out (or an expiry) ends it."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class Shelter(Base):
    """Master data of a shelter. Its live state is in ``ShelterStatus`` rows, never here."""

    __tablename__ = "shelters"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kana: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    lat: Mapped[float]
    lon: Mapped[float]
    ward_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    # None when unknown (the national registries have no capacity column): never "full" or "free".
    capacity: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    hazards: Mapped[list[str]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Registry import: the municipality's stable id (共通ID / ID), unique per municipality and kind,
    # the format it came from, and the registry's other columns (kept so an export round-trips).
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    registry_id: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(32))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    statuses: Mapped[list[ShelterStatus]] = relationship(back_populates="shelter")

    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_non_negative"),
        UniqueConstraint(
            "municipality_code", "kind", "registry_id", name="uq_shelters_registry_id"
        ),
    )


class ShelterStatus(Base):
    """One status report for a shelter (append-only)."""

    __tablename__ = "shelter_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)
    shelter_id: Mapped[int] = mapped_column(ForeignKey("shelters.id"))
    state: Mapped[str] = mapped_column(String(16))
    evacuees: Mapped[int] = mapped_column(Integer, default=0)
    households: Mapped[int | None] = mapped_column(Integer)
    # うち自主避難: evacuees who came without an evacuation order (part of ``evacuees``);
    # None when the shelter did not say.
    voluntary_evacuees: Mapped[int | None] = mapped_column(Integer)
    needs: Mapped[list[str]] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(Text)
    # True for a "no change" confirmation that repeats the previous values.
    confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)

    shelter: Mapped[Shelter] = relationship(back_populates="statuses")
    reported_by: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_shelter_statuses_shelter_time", "shelter_id", "exercise", "reported_at"),
        CheckConstraint("evacuees >= 0", name="evacuees_non_negative"),
    )


class DamageReport(Base):
    __tablename__ = "damage_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)
    lat: Mapped[float]
    lon: Mapped[float]
    # Derived from the point; None when the point lies outside every ward.
    ward_code: Mapped[str | None] = mapped_column(ForeignKey("jurisdictions.code"))
    # The ward the reporter belongs to; differs from ward_code for a confirmed out-of-ward report.
    reporter_ward_code: Mapped[str | None] = mapped_column(ForeignKey("jurisdictions.code"))
    outside_reporter_ward: Mapped[bool] = mapped_column(Boolean, default=False)
    location_text: Mapped[str | None] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(32))
    severity: Mapped[int] = mapped_column(Integer)
    dead: Mapped[int] = mapped_column(Integer, default=0)
    injured: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    trapped: Mapped[int] = mapped_column(Integer, default=0)
    # Situation-report detail (all optional; older reports have none): injuries split into
    # 重傷/軽傷, and the 住家被害 class with its 棟/世帯/人 counts. None is "not given", never 0.
    injured_serious: Mapped[int | None] = mapped_column(Integer)
    injured_minor: Mapped[int | None] = mapped_column(Integer)
    housing_class: Mapped[str | None] = mapped_column(String(24))
    housing_buildings: Mapped[int | None] = mapped_column(Integer)
    housing_households: Mapped[int | None] = mapped_column(Integer)
    housing_persons: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    review_state: Mapped[str] = mapped_column(String(16), default="new")
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("damage_reports.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)

    photos: Mapped[list[DamagePhoto]] = relationship(back_populates="report")
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])

    __table_args__ = (
        Index("ix_damage_reports_exercise_time", "exercise", "reported_at"),
        Index("ix_damage_reports_ward", "ward_code"),
        # The situation report's cache stamp reads MAX(reviewed_at) (sitreports.aggregates).
        Index("ix_damage_reports_reviewed_at", "reviewed_at"),
        CheckConstraint("severity BETWEEN 1 AND 4", name="severity_range"),
        CheckConstraint(
            "dead >= 0 AND injured >= 0 AND missing >= 0 AND trapped >= 0",
            name="casualties_non_negative",
        ),
    )


class DamagePhoto(Base):
    """A photo of a damage report, stored re-encoded without location metadata."""

    __tablename__ = "damage_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("damage_reports.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[DamageReport] = relationship(back_populates="photos")


class Directive(Base):
    """An instruction from the mayor or governor to a set of wards or municipalities."""

    __tablename__ = "directives"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)
    # "directive" for an ordinary instruction, "declaration" for the disaster-mode roll call.
    kind: Mapped[str] = mapped_column(String(16), default="directive")
    template: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    deadline: Mapped[datetime | None]
    scope_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)

    deliveries: Mapped[list[DirectiveDelivery]] = relationship(back_populates="directive")
    issued_by: Mapped[User | None] = relationship()


class DirectiveDelivery(Base):
    """One target ward (or municipality) of a directive, with the steps it has reached."""

    __tablename__ = "directive_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id"))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    delivered_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
    read_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answer_status: Mapped[str | None] = mapped_column(String(16))
    answer_text: Mapped[str | None] = mapped_column(Text)
    reminder_count: Mapped[int] = mapped_column(Integer, default=0)
    last_reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]

    directive: Mapped[Directive] = relationship(back_populates="deliveries")

    __table_args__ = (UniqueConstraint("directive_id", "jurisdiction_code"),)


class DisasterDeclaration(Base):
    """災害モード: declared for a scope (city or prefecture) at a level, until ended."""

    __tablename__ = "disaster_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
    scope_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    note: Mapped[str | None] = mapped_column(Text)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None]
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)


class Exercise(Base):
    """A drill (訓練): while one is running, everything created is marked as exercise data."""

    __tablename__ = "exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None]
    cleared_at: Mapped[datetime | None]


class ChannelTarget(Base):
    """Where a jurisdiction receives directives outside the dashboard (LINE WORKS, e-mail,
    webhook)."""

    __tablename__ = "channel_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # Non-secret addressing only (channel id, e-mail address, URL); secrets stay in settings.
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class OutboxMessage(Base):
    """A message waiting to go out through a channel; a worker sends it outside the click."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("directive_deliveries.id"))
    # A ward's channel target, or (roll-call) a person's own address of ``channel_kind``.
    channel_target_id: Mapped[int | None] = mapped_column(ForeignKey("channel_targets.id"))
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("rollcall_recipients.id"), index=True
    )
    channel_kind: Mapped[str | None] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(16), default="directive")  # or "reminder"
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)


class OutboxAttempt(Base):
    """Every attempt to send an outbox message, successful or not."""

    __tablename__ = "outbox_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """Append-only log of every write: who did what to which record, and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str | None] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginThrottle(Base):
    """Failed logins per throttle key (a user name at one client, or one client): each failure
    past the free ones makes the next try wait longer. No account is ever locked for everyone,
    and a login already open is never ended by somebody else's failures.

    ``key`` is a hash, so neither a typed user name nor an address is stored here in clear."""

    __tablename__ = "login_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime]
    retry_after: Mapped[datetime | None]
