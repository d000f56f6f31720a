"""A damage report as typed: the draft, its limits, and turning form text into a checked draft."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from dashboard.domain import CASUALTY_FIELDS, DAMAGE_CATEGORIES, HOUSING_CLASSES, SEVERITIES
from dashboard.errors import ValidationFailed
from dashboard.services.inputs import (
    InputError,
    check_text,
    optional,
    parse_coordinates,
    parse_fields,
    parse_int,
)

# Casualty counts a report carries, in the order the form shows them.
COUNT_FIELDS = CASUALTY_FIELDS
# Situation-report detail of a report (optional; empty is "not given", never 0): injuries split
# into 重傷/軽傷 and the 住家被害 class's 棟/世帯/人.
DETAIL_FIELDS = (
    "injured_serious",
    "injured_minor",
    "housing_buildings",
    "housing_households",
    "housing_persons",
)
HOUSING_COUNT_FIELDS = DETAIL_FIELDS[2:]
# Largest count accepted in one field (a typo guard).
MAX_COUNT = 100_000
# Length limits of free text, in characters.
DESCRIPTION_MAX_LEN = 2000
LOCATION_TEXT_MAX_LEN = 300


@dataclass(frozen=True)
class ReportDraft:
    lat: float
    lon: float
    category: str
    severity: int
    dead: int = 0
    injured: int = 0
    missing: int = 0
    trapped: int = 0
    description: str | None = None
    location_text: str | None = None
    injured_serious: int | None = None
    injured_minor: int | None = None
    housing_class: str | None = None
    housing_buildings: int | None = None
    housing_households: int | None = None
    housing_persons: int | None = None


def draft_from_form(
    *,
    coordinates: str | None,
    category: str | None,
    severity: int | str | None,
    counts: Mapping[str, str | None],
    description: str | None = None,
    location_text: str | None = None,
    housing_class: str | None = None,
    detail: Mapping[str, str | None] | None = None,
) -> ReportDraft:
    """Build a draft from what was typed; every bad field is named in one ``ValidationFailed``.

    Counts accept full-width digits and an empty field as 0; coordinates as
    ``inputs.parse_coordinates`` reads them.
    """

    def count(text: str | None) -> int:
        return parse_int(text, minimum=0, maximum=MAX_COUNT) if text and text.strip() else 0

    raw = {"coordinates": coordinates, "description": description, "location": location_text}
    raw.update(counts)
    raw.update(detail or {})
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    try:
        values = parse_fields(
            raw,
            {
                "coordinates": parse_coordinates,
                **dict.fromkeys(COUNT_FIELDS, count),
                **dict.fromkeys(
                    DETAIL_FIELDS, optional(lambda s: parse_int(s, minimum=0, maximum=MAX_COUNT))
                ),
                "description": lambda s: check_text(s, max_len=DESCRIPTION_MAX_LEN),
                "location": lambda s: check_text(s, max_len=LOCATION_TEXT_MAX_LEN),
            },
        )
    except ValidationFailed as exc:
        problems.update(exc.fields)
        values = {}
    if category not in DAMAGE_CATEGORIES:
        problems["category"] = ("damage.category_invalid", {})
    if severity is None or str(severity) not in {str(s) for s in SEVERITIES}:
        problems["severity"] = ("damage.severity_invalid", {})
    if problems:
        raise ValidationFailed(problems)
    lat, lon = values["coordinates"]
    details = {name: values[name] for name in DETAIL_FIELDS}
    counts = {name: values[name] for name in COUNT_FIELDS}
    split = (details["injured_serious"] or 0) + (details["injured_minor"] or 0)
    if split and not counts["injured"]:
        counts["injured"] = split  # the split typed alone gives the total
    draft = ReportDraft(
        lat=lat,
        lon=lon,
        category=category,
        severity=int(severity),
        description=values["description"] or None,
        location_text=values["location"] or None,
        housing_class=housing_class or None,
        **counts,
        **details,
    )
    problems = _detail_problems(draft)
    if problems:
        raise ValidationFailed(problems)
    return draft


def _detail_problems(draft: ReportDraft) -> dict[str, tuple[str, dict[str, object]]]:
    """The situation-report detail must agree with itself and with the report's counts."""
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    for name in DETAIL_FIELDS:
        value = getattr(draft, name)
        if value is not None and not 0 <= value <= MAX_COUNT:
            problems[name] = (
                ("input.too_small", {"minimum": 0})
                if value < 0
                else ("input.too_large", {"maximum": MAX_COUNT})
            )
    split = (draft.injured_serious or 0) + (draft.injured_minor or 0)
    if split > draft.injured:
        problems["injured_serious"] = ("damage.injured_split_exceeds", {"injured": draft.injured})
    if draft.housing_class is not None and draft.housing_class not in HOUSING_CLASSES:
        problems["housing_class"] = ("damage.housing_class_invalid", {})
    given = [n for n in HOUSING_COUNT_FIELDS if getattr(draft, n) is not None]
    if given and draft.housing_class is None:
        problems["housing_class"] = ("damage.housing_class_required", {})
    return problems


def validate_draft(draft: ReportDraft) -> ReportDraft:
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    if not -90 <= draft.lat <= 90:
        problems["lat"] = ("input.lat_range", {"minimum": -90, "maximum": 90})
    if not -180 <= draft.lon <= 180:
        problems["lon"] = ("input.lon_range", {"minimum": -180, "maximum": 180})
    if draft.category not in DAMAGE_CATEGORIES:
        problems["category"] = ("damage.category_invalid", {})
    if draft.severity not in SEVERITIES:
        problems["severity"] = ("damage.severity_invalid", {})
    for field in COUNT_FIELDS:
        value = getattr(draft, field)
        if value < 0:
            problems[field] = ("input.too_small", {"minimum": 0})
        elif value > MAX_COUNT:
            problems[field] = ("input.too_large", {"maximum": MAX_COUNT})
    problems.update(_detail_problems(draft))
    texts = {}
    for field, max_len in (
        ("description", DESCRIPTION_MAX_LEN),
        ("location_text", LOCATION_TEXT_MAX_LEN),
    ):
        try:
            texts[field] = check_text(getattr(draft, field), max_len=max_len) or None
        except InputError as exc:
            problems["location" if field == "location_text" else field] = (exc.key, exc.params)
    if problems:
        raise ValidationFailed(problems)
    return ReportDraft(**{**draft_values(draft), **texts})


def draft_values(draft: ReportDraft) -> dict:
    return {f.name: getattr(draft, f.name) for f in fields(draft)}
