"""How the situation maps draw things: colours, shapes and sizes, and the legend that explains them.

Every variant is a registry entry (a dict of small frozen objects) so a new level, availability,
shelter kind or damage category is one line here, and the legend follows from the same entries.
Labels are translation keys; colours are hex strings that reach the browser as data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dashboard.domain import DAMAGE_CATEGORIES, SEVERITIES, ReviewState, ShelterKind

# Share of capacity from which an open shelter counts as nearly full.
NEARLY_FULL_RATIO = 0.8
# Dot radius of a damage report by severity, in screen pixels.
SEVERITY_RADII: dict[int, float] = {1: 4.0, 2: 5.5, 3: 7.0, 4: 9.0}
# Area fill opacity: opaque enough to read the level, translucent enough to see tiles beneath.
FILL_OPACITY_WITH_TILES = 0.55
FILL_OPACITY_WITHOUT_TILES = 0.85


@dataclass(frozen=True)
class LevelStyle:
    """The fill of an area at one situation level."""

    level: int
    color: str
    label_key: str


# Situation levels 0 (no reports) to 4 (critical): yellow, orange, red, purple follow the
# escalation colours Japanese warnings use, so officials read them without the legend.
LEVEL_STYLES: dict[int, LevelStyle] = {
    s.level: s
    for s in (
        LevelStyle(0, "#f4f4f2", "map.level.0"),
        LevelStyle(1, "#ffe066", "map.level.1"),
        LevelStyle(2, "#ff9f1c", "map.level.2"),
        LevelStyle(3, "#e8252b", "map.level.3"),
        LevelStyle(4, "#8b1a89", "map.level.4"),
    )
}
LEVEL_COLORS: dict[int, str] = {level: s.color for level, s in LEVEL_STYLES.items()}
MAX_LEVEL = max(LEVEL_STYLES)


@dataclass(frozen=True)
class SilentStyle:
    """How a silent area (no report for 30 min in disaster mode) is marked over its level colour."""

    hatch: str  # colour of the diagonal hatch lines drawn over the level fill
    border: str
    dash: str  # SVG/canvas dash pattern of the border
    label_key: str


SILENT_STYLE = SilentStyle(
    hatch="rgba(0,0,0,0.6)", border="#111111", dash="6 4", label_key="map.silent"
)


@dataclass(frozen=True)
class Availability:
    """A shelter's availability as the map colours it."""

    key: str
    color: str
    label_key: str


AVAILABILITIES: dict[str, Availability] = {
    a.key: a
    for a in (
        Availability("open", "#2e9d4a", "map.availability.open"),
        # Open, but its capacity is unknown (a registry without capacities): never "room".
        Availability("open_no_capacity", "#7a9e86", "map.availability.open_no_capacity"),
        Availability("nearly_full", "#f0a202", "map.availability.nearly_full"),
        Availability("full", "#d7263d", "map.availability.full"),
        Availability("preparing", "#3a7bd5", "map.availability.preparing"),
        Availability("closed", "#6c757d", "map.availability.closed"),
        Availability("unknown", "#ffffff", "map.availability.unknown"),
    )
}
# Reported shelter state -> availability; "open" is refined by occupancy (see NEARLY_FULL_RATIO),
# and a shelter that never reported (state None) is "unknown".
STATE_AVAILABILITY: dict[str, str] = {
    "open": "open",
    "full": "full",
    "preparing": "preparing",
    "closed": "closed",
}


@dataclass(frozen=True)
class ShelterSymbol:
    """The symbol shape of a shelter kind; ``mark_key`` puts a short glyph inside it."""

    kind: str
    shape: str  # "circle", "square", "diamond" or "ring" (CSS classes dm-shape-*)
    label_key: str
    mark_key: str | None = None


SHELTER_SYMBOLS: dict[str, ShelterSymbol] = {
    s.kind: s
    for s in (
        ShelterSymbol(ShelterKind.DESIGNATED.value, "circle", "shelter_kind.designated"),
        ShelterSymbol(
            ShelterKind.WELFARE.value, "square", "shelter_kind.welfare", "map.shelter.welfare_mark"
        ),
        ShelterSymbol(ShelterKind.EMERGENCY_SITE.value, "diamond", "shelter_kind.emergency_site"),
        ShelterSymbol(ShelterKind.ADHOC.value, "ring", "shelter_kind.adhoc"),
    )
}
DEFAULT_SHELTER_KIND = ShelterKind.DESIGNATED.value


@dataclass(frozen=True)
class ReportStyle:
    """The dot colour of a damage category."""

    key: str
    color: str
    label_key: str


# Damage categories in the domain's order; an unknown category is drawn as "other".
REPORT_STYLES: dict[str, ReportStyle] = {
    key: ReportStyle(key, c.color, f"category.{key}") for key, c in DAMAGE_CATEGORIES.items()
}
FALLBACK_CATEGORY = "other"
# Review states with a label in the shared vocabulary; other states are shown as they come.
REVIEW_LABEL_KEYS: dict[str, str] = {s.value: f"review.{s.value}" for s in ReviewState}
SEVERITY_LABEL_KEYS: dict[int, str] = {s: f"severity.{s}" for s in SEVERITIES}


def build_style_config(t: Callable[[str], str]) -> dict[str, object]:
    """Colours, shapes and their translated labels, as the browser code and legend read them."""
    return {
        "levels": [{"color": s.color, "label": t(s.label_key)} for s in LEVEL_STYLES.values()],
        "silent": {
            "hatch": SILENT_STYLE.hatch,
            "border": SILENT_STYLE.border,
            "dash": SILENT_STYLE.dash,
            "label": t(SILENT_STYLE.label_key),
        },
        "availability": {
            a.key: {"color": a.color, "label": t(a.label_key)} for a in AVAILABILITIES.values()
        },
        "kinds": {
            s.kind: {
                "shape": s.shape,
                "label": t(s.label_key),
                "mark": t(s.mark_key) if s.mark_key else "",
            }
            for s in SHELTER_SYMBOLS.values()
        },
        "categories": [
            {"key": s.key, "color": s.color, "label": t(s.label_key)}
            for s in REPORT_STYLES.values()
        ],
        "severities": {str(s): t(key) for s, key in SEVERITY_LABEL_KEYS.items()},
        "radii": {str(s): r for s, r in SEVERITY_RADII.items()},
    }
