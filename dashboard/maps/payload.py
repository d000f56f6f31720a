"""The compact data a situation map embeds once and draws in the browser.

Per-point cost is what limits a map of 100,000 damage reports, so reports travel as columns of
small integers packed into typed arrays (base64): coordinates as 1e-5 degree offsets, category,
severity and a "has description" flag in one byte, ages in minutes, ids as deltas. Only a bounded
share of descriptions is embedded (most severe and most recent first); the rest stay in the
report list. All JSON is made safe to sit inside a <script> element: ``<``, ``>`` and ``&`` are
escaped as ``\\u003c`` etc., so user text can never close the script or open a tag.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Callable, Collection, Iterable
from datetime import datetime

import numpy as np
import pandas as pd
import shapely

from dashboard.domain import CASUALTY_FIELDS, MAP_REPORT_COLUMNS
from dashboard.maps.legend import (
    AVAILABILITIES,
    DEFAULT_SHELTER_KIND,
    FALLBACK_CATEGORY,
    MAX_LEVEL,
    NEARLY_FULL_RATIO,
    REPORT_STYLES,
    REVIEW_LABEL_KEYS,
    SHELTER_SYMBOLS,
    STATE_AVAILABILITY,
)

# Coordinates are rounded to 5 decimals (about 1 m), the precision of a reported location.
COORD_DECIMALS = 5
COORD_SCALE = 10**COORD_DECIMALS
# Longest description embedded, in characters; the report list shows the full text.
DESCRIPTION_MAX_CHARS = 80
# Bytes of description text one map embeds at most, so the page stays small at any report count.
DESCRIPTION_BUDGET_BYTES = 1_000_000
# Bits of the packed per-report byte: severity (1..4) | has-description << 3 | category << 4.
SEVERITY_MASK = 0b111
DESCRIPTION_FLAG = 0b1000
CATEGORY_SHIFT = 4

WARD_COLUMNS = ("code", "name", "level", "silent")
# Optional per-area summary columns, as they appear in the area's properties in the browser.
WARD_SUMMARY_COLUMNS = {
    "open_shelters": "shelters",
    "evacuees": "evacuees",
    "capacity": "capacity",
    "reports": "reports",
    "casualties": "casualties",
}
SHELTER_COLUMNS = (
    "id",
    "name",
    "kind",
    "lat",
    "lon",
    "capacity",
    "state",
    "evacuees",
    "updated_at",
)
REPORT_COLUMNS = MAP_REPORT_COLUMNS
# States of an area for the directive the map follows (waiting for 了解, acknowledged).
ACK_STATES = ("waiting", "done")

# Characters that could end a <script> element or start markup, as JSON escapes.
_SCRIPT_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)
# A brace opening a Jinja tag ({{ {% {#); these occur only inside JSON strings.
_TEMPLATE_OPENER = re.compile(r"\{(?=[{%#])")
_EPOCH = pd.Timestamp(0, tz="UTC")


def dump_json(value: object) -> str:
    """Compact JSON that is also a safe JavaScript literal inside a <script> element, and inert
    as a Jinja template."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in _SCRIPT_ESCAPES:
        text = text.replace(raw, escaped)
    # folium re-reads rendered scripts as Jinja templates on some paths: user text must never
    # look like a template tag.
    return _TEMPLATE_OPENER.sub(r"\\u007b", text)


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """ValueError naming the missing columns, so a service author sees the contract at once."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {', '.join(missing)}")


def minute_of(now: datetime) -> int:
    """Minutes since the epoch of a tz-aware ``now`` (the map's clock, to the minute)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return math.floor(now.timestamp() / 60)


def compute_ages(times: pd.Series, now_minute: int) -> np.ndarray:
    """Whole minutes from each tz-aware time to ``now_minute`` (NaN where the time is missing)."""
    stamps = pd.to_datetime(times, utc=True)
    seconds = (stamps - _EPOCH).dt.total_seconds().to_numpy(dtype=float)
    return np.maximum(now_minute - np.floor(seconds / 60.0), 0.0)


def compute_minutes_until(times: pd.Series, now_minute: int) -> np.ndarray:
    """Whole minutes from ``now_minute`` to the minute of each tz-aware time, at least 1 (NaN
    where the time is missing). Both are whole minutes, so a deadline is never shown later
    than it is (a countdown may read one minute short, never one minute long)."""
    stamps = pd.to_datetime(times, utc=True)
    seconds = (stamps - _EPOCH).dt.total_seconds().to_numpy(dtype=float)
    return np.maximum(np.floor(seconds / 60.0) - now_minute, 1.0)


def encode_ints(values: np.ndarray, *, delta: bool = False) -> dict[str, object]:
    """Pack non-negative offsets of ``values`` into the smallest unsigned typed array (base64).

    ``{"t": "u8"|"u16"|"u32", "o": offset, "b": base64}``; with ``delta`` the array holds
    differences from the previous value (``"d": 1``; values must be sorted). Ranges beyond 32 bits
    fall back to a plain list (``"v"``).
    """
    ints = np.asarray(values, dtype=np.int64)
    if ints.size == 0:
        return {"t": "u8", "o": 0, "b": ""}
    offset = int(ints[0] if delta else ints.min())
    packed = np.diff(ints, prepend=ints[0]) if delta else ints - offset
    column: dict[str, object] = {"o": offset}
    if delta:
        column["d"] = 1
    top = int(packed.max())
    for code, dtype in (("u8", "<u1"), ("u16", "<u2"), ("u32", "<u4")):
        if top < 2 ** (8 * np.dtype(dtype).itemsize):
            column["t"] = code
            column["b"] = base64.b64encode(packed.astype(dtype).tobytes()).decode("ascii")
            return column
    column.pop("d", None)
    column["o"] = 0
    column["v"] = ints.tolist()
    return column


def decode_ints(column: dict[str, object]) -> np.ndarray:
    """The values :func:`encode_ints` packed (the browser does the same in JavaScript)."""
    if "v" in column:
        return np.asarray(column["v"], dtype=np.int64)
    dtype = {"u8": "<u1", "u16": "<u2", "u32": "<u4"}[str(column["t"])]
    packed = np.frombuffer(base64.b64decode(str(column["b"])), dtype=dtype).astype(np.int64)
    if column.get("d"):
        return np.cumsum(packed) + int(column["o"])
    return packed + int(column["o"])


def _optional_ints(series: pd.Series) -> list[int | None]:
    numbers = pd.to_numeric(series, errors="coerce")
    return [None if pd.isna(v) else int(v) for v in numbers]


def _plain(value: object) -> object:
    """A JSON-ready scalar: numpy numbers as Python numbers, NaN/NaT/None as None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def encode_areas(
    areas: pd.DataFrame, *, now_minute: int, layer: str, selected: Collection[str] = ()
) -> tuple[str, list | None]:
    """Areas (wards or municipalities) as GeoJSON text, and their [[south, west], [north, east]].

    Properties keep readable names (code, name, level, silent, ...) because streamlit-folium hands
    a clicked feature back to the app. ``sel`` marks the areas in ``selected``; ``ack`` (from an
    optional column) is the followed directive's state, "waiting" or "done"; ``late`` (from an
    optional column) the number of the 第N報 a municipality is late with; ``first`` (from an
    optional ``first_due`` column) the whole minutes from ``now_minute`` until the municipality's
    第1報 is due (the browser keeps counting down).
    """
    require_columns(areas, (*WARD_COLUMNS, "geometry"), "areas")
    if getattr(areas, "crs", None) is not None and areas.crs.to_epsg() != 4326:
        areas = areas.to_crs(4326)
    geometries = np.asarray(areas.geometry.values, dtype=object)
    present = ~shapely.is_missing(geometries) & ~shapely.is_empty(geometries)
    geometries = shapely.transform(geometries[present], lambda xy: np.round(xy, COORD_DECIMALS))
    rows = areas.loc[present]
    levels = pd.to_numeric(rows["level"], errors="coerce").fillna(0).clip(0, MAX_LEVEL)
    silent = rows["silent"].fillna(False).astype(bool)
    ages = (
        compute_ages(rows["last_report_at"], now_minute)
        if "last_report_at" in rows.columns
        else np.full(len(rows), np.nan)
    )
    summaries = {
        key: _optional_ints(rows[column])
        for column, key in WARD_SUMMARY_COLUMNS.items()
        if column in rows.columns
    }
    codes = rows["code"].astype(str).tolist()
    names = rows["name"].astype(str).tolist()
    acks = [_plain(v) for v in rows["ack"]] if "ack" in rows.columns else [None] * len(rows)
    lates = _optional_ints(rows["late"]) if "late" in rows.columns else [None] * len(rows)
    dues = (
        compute_minutes_until(rows["first_due"], now_minute)
        if "first_due" in rows.columns
        else np.full(len(rows), np.nan)
    )
    chosen = {str(code) for code in selected}
    features = []
    for i, geometry_json in enumerate(shapely.to_geojson(geometries)):
        properties: dict[str, object] = {
            "layer": layer,
            "code": codes[i],
            "name": names[i],
            "level": int(levels.iloc[i]),
            "silent": bool(silent.iloc[i]),
        }
        for key, values in summaries.items():
            properties[key] = values[i]
        if acks[i] in ACK_STATES:
            properties["ack"] = acks[i]
        if lates[i]:
            properties["late"] = lates[i]  # the 第N報 the municipality is late with
        elif not np.isnan(dues[i]):
            properties["first"] = int(dues[i])  # minutes until its 第1報 is due
        if codes[i] in chosen:
            properties["sel"] = True
        if "last_report_at" in rows.columns:
            properties["last"] = None if np.isnan(ages[i]) else int(ages[i])
        features.append(
            '{"type":"Feature","geometry":'
            + geometry_json
            + ',"properties":'
            + dump_json(properties)
            + "}"
        )
    bounds = None
    if len(geometries):
        west, south, east, north = shapely.total_bounds(geometries).tolist()
        bounds = [[south, west], [north, east]]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}", bounds


def classify_availability(shelters: pd.DataFrame) -> np.ndarray:
    """Each shelter's availability key (see legend.AVAILABILITIES) from its state and occupancy."""
    states = shelters["state"].astype(object).where(shelters["state"].notna(), None)
    keys = states.map(lambda s: STATE_AVAILABILITY.get(s, "unknown") if s else "unknown")
    capacity = pd.to_numeric(shelters["capacity"], errors="coerce").to_numpy(dtype=float)
    evacuees = pd.to_numeric(shelters["evacuees"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(capacity > 0, evacuees / capacity, np.nan)
    is_open = keys.to_numpy() == "open"
    nearly_full = is_open & (ratio >= NEARLY_FULL_RATIO)
    keys = np.where(is_open & np.isnan(capacity), "open_no_capacity", keys.to_numpy())
    return np.where(nearly_full, "nearly_full", keys).astype(object)


def encode_shelters(shelters: pd.DataFrame, *, now_minute: int) -> dict[str, object]:
    """Shelters as JSON columns (a few hundred rows: plain lists are small enough)."""
    require_columns(shelters, SHELTER_COLUMNS, "shelters")
    located = shelters["lat"].notna() & shelters["lon"].notna()
    rows = shelters.loc[located]
    ages = compute_ages(rows["updated_at"], now_minute)
    kinds = rows["kind"].map(lambda k: k if k in SHELTER_SYMBOLS else DEFAULT_SHELTER_KIND)
    availability = classify_availability(rows)
    return {
        "n": len(rows),
        "id": [_plain(v) for v in rows["id"]],
        "name": rows["name"].fillna("").astype(str).tolist(),
        "kind": kinds.tolist(),
        "av": [a if a in AVAILABILITIES else "unknown" for a in availability],
        "lat": np.round(rows["lat"].to_numpy(dtype=float), COORD_DECIMALS).tolist(),
        "lon": np.round(rows["lon"].to_numpy(dtype=float), COORD_DECIMALS).tolist(),
        "cap": _optional_ints(rows["capacity"]),
        "ev": _optional_ints(rows["evacuees"]),
        "age": [None if np.isnan(a) else int(a) for a in ages],
    }


def _select_descriptions(
    texts: np.ndarray, has_text: np.ndarray, severity: np.ndarray, ages: np.ndarray
) -> tuple[list[int], list[str]]:
    """Indices and truncated texts of the descriptions that fit the byte budget, most severe and
    most recent first."""
    present = np.flatnonzero(has_text)
    if present.size == 0:
        return [], []
    priority = present[np.lexsort((ages[present], -severity[present]))]
    keys: list[int] = []
    values: list[str] = []
    used = 0
    for index in priority.tolist():
        text = texts[index]
        if len(text) > DESCRIPTION_MAX_CHARS:
            text = text[: DESCRIPTION_MAX_CHARS - 1] + "…"
        cost = len(text.encode("utf-8")) + 12  # quotes, comma and the index
        if used + cost > DESCRIPTION_BUDGET_BYTES:
            break
        used += cost
        keys.append(index)
        values.append(text)
    return keys, values


def encode_reports(
    reports: pd.DataFrame,
    *,
    now_minute: int,
    ward_names: dict[str, str],
    t: Callable[[str], str],
) -> dict[str, object]:
    """Damage reports as packed columns (see the module docstring), sorted by id."""
    require_columns(reports, REPORT_COLUMNS, "reports")
    rows = reports.loc[reports["lat"].notna() & reports["lon"].notna()]
    ids = rows["id"].to_numpy()
    integer_ids = pd.api.types.is_integer_dtype(rows["id"].dtype)
    order = np.argsort(ids, kind="stable") if integer_ids else np.arange(len(rows))

    lat = np.round(rows["lat"].to_numpy(dtype=float) * COORD_SCALE).astype(np.int64)[order]
    lon = np.round(rows["lon"].to_numpy(dtype=float) * COORD_SCALE).astype(np.int64)[order]
    categories = list(REPORT_STYLES)
    category = pd.Index(categories).get_indexer(rows["category"].astype(object)).astype(np.int64)
    category = np.where(category < 0, categories.index(FALLBACK_CATEGORY), category)[order]
    severity = (
        pd.to_numeric(rows["severity"], errors="coerce").fillna(1).clip(1, 4).to_numpy(np.int64)
    )[order]
    text = rows["description"].astype(object).where(rows["description"].notna(), "")
    descriptions = text.astype(str).str.strip().to_numpy(dtype=object)[order]
    has_text = descriptions != ""
    ages = compute_ages(rows["reported_at"], now_minute)[order]
    ages = np.nan_to_num(ages, nan=0.0).astype(np.int64)
    packed = (category << CATEGORY_SHIFT) | (has_text * DESCRIPTION_FLAG) | severity

    review_codes, review_states = pd.factorize(rows["review_state"].astype(object), sort=False)
    review_labels = [
        t(REVIEW_LABEL_KEYS[s]) if s in REVIEW_LABEL_KEYS else str(s) for s in review_states
    ]
    review = np.where(review_codes < 0, len(review_labels), review_codes)[order]

    ward_code = rows["ward_code"]
    ward_code = ward_code.where(ward_code.isna(), ward_code.astype(str))
    ward_codes, ward_values = pd.factorize(ward_code, sort=False)
    ward_labels = [ward_names.get(str(code), str(code)) for code in ward_values]
    ward = np.where(ward_codes < 0, len(ward_labels), ward_codes)[order]

    casualties = (
        rows[list(CASUALTY_FIELDS)].apply(pd.to_numeric, errors="coerce").fillna(0)
    ).to_numpy(np.int64)[order]
    hurt = np.flatnonzero(casualties.any(axis=1))
    text_keys, text_values = _select_descriptions(descriptions, has_text, severity, ages)

    encoded: dict[str, object] = {
        "n": len(rows),
        "la": encode_ints(lat),
        "lo": encode_ints(lon),
        "k": encode_ints(packed),
        "r": encode_ints(review),
        "rl": review_labels,
        "w": encode_ints(ward),
        "wl": ward_labels,
        "a": encode_ints(ages),
        "x": {
            "n": len(hurt),
            "k": encode_ints(hurt, delta=True),
            **{c[0]: encode_ints(casualties[hurt, j]) for j, c in enumerate(CASUALTY_FIELDS)},
        },
        "dk": text_keys,
        "dv": text_values,
        "cc": np.bincount(category, minlength=len(categories)).tolist(),
    }
    if integer_ids:
        encoded["id"] = encode_ints(ids[order], delta=True)
    else:
        encoded["ids"] = [_plain(v) for v in ids[order]]
    return encoded
