"""What the user narrowed the map to: time window, categories, severities, review states, one
ward and a shelter search; and the functions that apply it to the cached frames."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from dashboard.domain import ReviewState
from dashboard.services.situation import INACTIVE_REVIEW_STATES

# Time windows of the filter: key -> how far back reports count (None: all of them).
TIME_WINDOWS: dict[str, timedelta | None] = {
    "1h": timedelta(hours=1),
    "3h": timedelta(hours=3),
    "6h": timedelta(hours=6),
    "24h": timedelta(hours=24),
    "all": None,
}
DEFAULT_WINDOW = "all"
# Review states shown unless the user asks for more: reports that still describe a live problem.
DEFAULT_REVIEW_STATES = tuple(s.value for s in ReviewState if s.value not in INACTIVE_REVIEW_STATES)


@dataclass(frozen=True)
class MapFilters:
    """What the user narrowed the map to. Empty category or severity tuples mean all of them."""

    window: str = DEFAULT_WINDOW
    categories: tuple[str, ...] = ()
    severities: tuple[int, ...] = ()
    review_states: tuple[str, ...] = DEFAULT_REVIEW_STATES
    ward_code: str | None = None
    shelter_search: str = ""

    def since(self, now: datetime) -> datetime | None:
        """Start of the time window, to the minute (so refreshes within a minute agree)."""
        window = TIME_WINDOWS.get(self.window)
        if window is None:
            return None
        return (now - window).replace(second=0, microsecond=0)


def normalize_text(text: str | None) -> str:
    """For matching what a user typed: full-width to half-width, case-folded, trimmed."""
    return unicodedata.normalize("NFKC", text or "").casefold().strip()


def filter_reports(
    reports: pd.DataFrame, filters: MapFilters, *, codes: frozenset[str], now: datetime
) -> pd.DataFrame:
    """Reports in ``codes`` (where they are, or the reporter's ward) that pass the filters."""
    mask = reports["ward_code"].isin(codes) | reports["reporter_ward_code"].isin(codes)
    since = filters.since(now)
    if since is not None:
        mask &= reports["reported_at"] >= pd.Timestamp(since)
    if filters.categories:
        mask &= reports["category"].isin(filters.categories)
    if filters.severities:
        mask &= reports["severity"].isin(filters.severities)
    if filters.review_states:
        mask &= reports["review_state"].isin(filters.review_states)
    if filters.ward_code:
        mask &= reports["ward_code"] == filters.ward_code
    return reports.loc[mask].reset_index(drop=True)


def search_shelters(shelters: pd.DataFrame, text: str | None) -> pd.DataFrame:
    """Shelters whose name or reading contains ``text`` (full/half width and case ignored)."""
    needle = normalize_text(text)
    if not needle:
        return shelters
    names = shelters["name"].fillna("").map(normalize_text)
    kana = shelters["kana"].fillna("").map(normalize_text)
    found = names.str.contains(needle, regex=False) | kana.str.contains(needle, regex=False)
    return shelters.loc[found].reset_index(drop=True)
