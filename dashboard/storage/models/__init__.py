"""SQLAlchemy 2 typed models: the whole schema of the dashboard.

History is appended, not overwritten: shelter status, delivery events and the audit log are new
rows;
the current state is a query. Every timestamp is timezone-aware and stored in UTC. Rows created
during a drill carry ``exercise=True`` so that drills never mix with real data.
"""

from dashboard.clock import utcnow
from dashboard.storage.models.base import NAMING_CONVENTION, Base, UTCDateTime
from dashboard.storage.models.chatbot import BotConversation, BotInboundEvent, BotOutgoingReply
from dashboard.storage.models.core import (
    AuditEntry,
    ChannelTarget,
    DamagePhoto,
    DamageReport,
    Directive,
    DirectiveDelivery,
    DisasterDeclaration,
    Exercise,
    Jurisdiction,
    LoginSession,
    LoginThrottle,
    OutboxAttempt,
    OutboxMessage,
    Shelter,
    ShelterStatus,
    User,
)
from dashboard.storage.models.hq import DeliveryHandover, HqUnit, UnitHolder
from dashboard.storage.models.jma import JmaEvent, JmaFeedHealth
from dashboard.storage.models.rollcall import (
    RollCall,
    RollCallAnswer,
    RollCallRecipient,
    StaffMember,
)
from dashboard.storage.models.sitreports import (
    Disaster,
    SituationReport,
    WardConfirmation,
    WardTally,
)
from dashboard.storage.models.staffing import StaffChange, StaffingRequirement

__all__ = [
    "BotConversation",
    "BotInboundEvent",
    "BotOutgoingReply",
    "JmaEvent",
    "JmaFeedHealth",
    "utcnow",
    "UTCDateTime",
    "Base",
    "NAMING_CONVENTION",
    "Jurisdiction",
    "User",
    "LoginSession",
    "Shelter",
    "ShelterStatus",
    "DamageReport",
    "DamagePhoto",
    "Directive",
    "DirectiveDelivery",
    "DisasterDeclaration",
    "Exercise",
    "ChannelTarget",
    "OutboxMessage",
    "OutboxAttempt",
    "AuditEntry",
    "LoginThrottle",
    "StaffMember",
    "RollCall",
    "RollCallRecipient",
    "RollCallAnswer",
    "HqUnit",
    "UnitHolder",
    "DeliveryHandover",
    "StaffingRequirement",
    "StaffChange",
    "Disaster",
    "WardTally",
    "WardConfirmation",
    "SituationReport",
]
