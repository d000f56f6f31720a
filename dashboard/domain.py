"""The domain's vocabulary: roles, states, kinds and categories, shared by services, pages and maps.

Labels are translation keys (see ``dashboard/texts``), never display strings, so that the same value
reads 開設 in Japanese and "Open" in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    GOVERNOR = "governor"
    MAYOR = "mayor"
    CRISIS_ADMIN = "crisis_admin"
    WARD_HEAD = "ward_head"
    WARD_STAFF = "ward_staff"
    VIEWER = "viewer"


class Level(StrEnum):
    """Levels of the jurisdiction tree: prefecture → municipality (city, town, village) → ward.

    A department (部局: 建設局, 健康局, …) hangs below its city or prefecture beside the areas: it
    receives directives like a ward but has no area on the map."""

    PREFECTURE = "prefecture"
    MUNICIPALITY = "municipality"
    WARD = "ward"
    DEPARTMENT = "department"


class ShelterKind(StrEnum):
    DESIGNATED = "designated"  # 指定避難所
    WELFARE = "welfare"  # 福祉避難所
    EMERGENCY_SITE = "emergency_site"  # 指定緊急避難場所
    ADHOC = "adhoc"  # 臨時避難所


class ShelterState(StrEnum):
    PREPARING = "preparing"  # 開設準備中
    OPEN = "open"  # 開設
    FULL = "full"  # 満員
    CLOSED = "closed"  # 閉鎖


class Hazard(StrEnum):
    FLOOD = "flood"  # 洪水
    LANDSLIDE = "landslide"  # 崖崩れ・土石流・地滑り
    STORM_SURGE = "storm_surge"  # 高潮
    EARTHQUAKE = "earthquake"  # 地震
    TSUNAMI = "tsunami"  # 津波
    LARGE_FIRE = "large_fire"  # 大規模な火事
    INLAND_FLOOD = "inland_flood"  # 内水氾濫
    VOLCANO = "volcano"  # 火山現象


class Need(StrEnum):
    WATER = "water"
    FOOD = "food"
    BLANKETS = "blankets"
    MEDICAL = "medical"
    POWER = "power"
    TOILETS = "toilets"
    CARE = "care"  # people needing care (要配慮者)


class ReviewState(StrEnum):
    NEW = "new"
    CONFIRMED = "confirmed"
    RESOLVED = "resolved"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class DamageCategory:
    key: str
    color: str  # map colour (hex)
    icon: str  # a short glyph for legends and lists


# Damage categories, in the order forms and legends show them.
DAMAGE_CATEGORIES: dict[str, DamageCategory] = {
    c.key: c
    for c in (
        DamageCategory("building_collapse", "#8c2d04", "🏚"),
        DamageCategory("fire", "#e31a1c", "🔥"),
        DamageCategory("flooding", "#1f78b4", "🌊"),
        DamageCategory("landslide", "#a6761d", "⛰"),
        DamageCategory("road_blocked", "#6a3d9a", "🚧"),
        DamageCategory("lifelines", "#ff7f00", "⚡"),
        DamageCategory("trapped", "#d01c8b", "🆘"),
        DamageCategory("other", "#636363", "•"),
    )
}

# Casualty counts of a damage report, in the order forms and summaries show them.
CASUALTY_FIELDS = ("dead", "injured", "missing", "trapped")

# 住家被害 classes a damage report can carry (labels: texts "housing.<key>"), as the situation
# report form (第4号様式 その2) orders them: 全壊, 大規模半壊, 半壊, 一部破損, 床上浸水, 床下浸水.
HOUSING_CLASSES = (
    "total_collapse",
    "large_half",
    "half_collapse",
    "partial",
    "flood_above",
    "flood_below",
)

# The columns of a damage report as the command map draws it: the map's read model (services)
# produces them, the map (dashboard/maps) consumes them.
MAP_REPORT_COLUMNS = (
    "id",
    "lat",
    "lon",
    "category",
    "severity",
    "review_state",
    "description",
    "dead",
    "injured",
    "missing",
    "trapped",
    "reported_at",
    "ward_code",
)

# Severity 1 (minor) to 4 (critical); the one-line meanings are translation keys "severity.N".
SEVERITIES = (1, 2, 3, 4)

# Roles that see and command a whole jurisdiction rather than report for one ward.
COMMAND_ROLES = frozenset({Role.GOVERNOR, Role.MAYOR, Role.CRISIS_ADMIN})
# Roles that may write reports and shelter status.
REPORTING_ROLES = frozenset(
    {Role.GOVERNOR, Role.MAYOR, Role.CRISIS_ADMIN, Role.WARD_HEAD, Role.WARD_STAFF}
)


@dataclass(frozen=True)
class Actor:
    """The logged-in user as services see them (immutable, safe to keep in a UI session)."""

    user_id: int | None
    username: str
    display_name: str
    role: Role
    jurisdiction_code: str
    # Logged in with a one-time password: may do nothing but set a new one (services refuse).
    must_change_password: bool = False
    # How the act reached the dashboard when not through its pages (e.g. "lineworks"): the audit
    # log names it beside the person.
    via: str | None = None

    @property
    def is_command(self) -> bool:
        return self.role in COMMAND_ROLES


# The actor of CLI commands and of the demo seed: may do anything, is audited as "system".
SYSTEM = Actor(None, "system", "system", Role.GOVERNOR, "")
