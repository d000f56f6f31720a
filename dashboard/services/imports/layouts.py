"""The registry layouts a city publishes its shelters in, and how a header is matched to one.

Each layout is one entry in ``LAYOUTS``: its columns in publication order (an export writes them in
that order), which column holds which field, and the columns that tell it apart from the others.
The header of a real file drifts from the standard (spaces, full-width letters, a typo, 災害種別_
prefixes dropped), so columns are compared after ``normalise_header`` and, failing that, by
similarity.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dashboard.domain import Hazard, ShelterKind

# How similar a drifted header must be to a standard column to count as it (difflib ratio).
FUZZY_CUTOFF = 0.8
# Hazards in the order the registries list them, with their column words.
HAZARD_WORDS: dict[Hazard, str] = {
    Hazard.FLOOD: "洪水",
    Hazard.LANDSLIDE: "崖崩れ、土石流及び地滑り",
    Hazard.STORM_SURGE: "高潮",
    Hazard.EARTHQUAKE: "地震",
    Hazard.TSUNAMI: "津波",
    Hazard.LARGE_FIRE: "大規模な火事",
    Hazard.INLAND_FLOOD: "内水氾濫",
    Hazard.VOLCANO: "火山現象",
}
# Fields a layout may map a column to; the others are kept verbatim in ``Shelter.attributes``.
FIELDS = (
    "id",
    "name",
    "kana",
    "address",
    "lat",
    "lon",
    "capacity",
    "municipality_code",
    "municipality_name",
    "kind",
    "row_no",
)
# Status columns an export may append after a layout's columns; an import ignores them.
STATUS_COLUMNS = ("開設状況", "避難者数", "世帯数", "報告日時")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise_header(text: str) -> str:
    """Compare headers ignoring width, case, spaces, punctuation ("施設･場所名 " = 施設・場所名)."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", str(text)).lower())


@dataclass(frozen=True)
class Layout:
    key: str
    kind: str
    columns: tuple[str, ...]
    # field -> column
    fields: Mapping[str, str]
    # hazard -> column
    hazards: Mapping[str, str] = field(default_factory=dict)
    # Columns that only this layout has; all must be present for it to be detected.
    signature: tuple[str, ...] = ()
    # Extra spellings of a column seen in real files: column -> alternatives.
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


_GSI_COMMON = ("NO", "共通ID", "都道府県名及び市町村名", "施設・場所名", "住所")
_GSI_FIELDS = {
    "row_no": "NO",
    "id": "共通ID",
    "municipality_name": "都道府県名及び市町村名",
    "name": "施設・場所名",
    "address": "住所",
    "lat": "緯度",
    "lon": "経度",
}
_GSI_ALIASES = {"共通ID": ("ID", "共通番号"), "施設・場所名": ("施設名", "施設・場所名称")}
_DIGITAL_HEAD = (
    "全国地方公共団体コード",
    "ID",
    "名称",
    "名称_カナ",
    "名称_英字",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "緯度",
    "経度",
    "標高",
    "電話番号",
    "内線番号",
    "連絡先メールアドレス",
    "連絡先FormURL",
    "連絡先備考(その他、SNSなど)",
    "郵便番号",
    "市区町村コード",
    "地方公共団体名",
)
_DIGITAL_HAZARDS = {h.value: f"災害種別_{w}" for h, w in HAZARD_WORDS.items()}
_DIGITAL_TAIL = ("想定収容人数", "対象となる町会・自治会", "URL", "画像", "画像_ライセンス", "備考")
_DIGITAL_FIELDS = {
    "municipality_code": "全国地方公共団体コード",
    "id": "ID",
    "name": "名称",
    "kana": "名称_カナ",
    "address": "所在地_連結表記",
    "lat": "緯度",
    "lon": "経度",
    "municipality_name": "地方公共団体名",
    "capacity": "想定収容人数",
}
_DIGITAL_ALIASES = {
    "全国地方公共団体コード": ("団体コード", "地方公共団体コード"),
    "名称_カナ": ("名称カナ", "名称_かな", "ふりがな"),
    "所在地_連結表記": ("住所", "所在地"),
    "想定収容人数": ("収容人数", "収容可能人数"),
}

LAYOUTS: dict[str, Layout] = {
    layout.key: layout
    for layout in (
        Layout(
            "gsi_shelter",
            ShelterKind.DESIGNATED,
            (
                *_GSI_COMMON,
                "指定緊急避難場所との住所同一",
                "その他市町村長が必要と認める事項",
                "受入対象者",
                "緯度",
                "経度",
                "備考",
            ),
            _GSI_FIELDS,
            signature=("共通ID", "施設・場所名", "受入対象者"),
            aliases=_GSI_ALIASES,
        ),
        Layout(
            "gsi_emergency",
            ShelterKind.EMERGENCY_SITE,
            (
                *_GSI_COMMON,
                *HAZARD_WORDS.values(),
                "指定避難所との住所同一",
                "緯度",
                "経度",
                "備考",
            ),
            _GSI_FIELDS,
            hazards={h.value: w for h, w in HAZARD_WORDS.items()},
            signature=("共通ID", "施設・場所名", "指定避難所との住所同一"),
            aliases=_GSI_ALIASES,
        ),
        Layout(
            "digital_emergency",
            ShelterKind.EMERGENCY_SITE,
            (*_DIGITAL_HEAD, *_DIGITAL_HAZARDS.values(), "指定避難所との重複", *_DIGITAL_TAIL),
            _DIGITAL_FIELDS,
            hazards=_DIGITAL_HAZARDS,
            signature=("ID", "名称", "指定避難所との重複"),
            aliases=_DIGITAL_ALIASES,
        ),
        Layout(
            "digital_shelter",
            ShelterKind.DESIGNATED,
            (
                *_DIGITAL_HEAD,
                *_DIGITAL_HAZARDS.values(),
                "指定緊急避難場所との重複",
                *_DIGITAL_TAIL,
            ),
            _DIGITAL_FIELDS,
            hazards=_DIGITAL_HAZARDS,
            signature=("ID", "名称", "指定緊急避難場所との重複"),
            aliases=_DIGITAL_ALIASES,
        ),
    )
}
# The layout of a file with a column mapping (``--map 名称=name,…``).
GENERIC = "generic"
FORMATS = (*LAYOUTS, GENERIC)


def match_columns(
    header: Sequence[str], columns: Sequence[str], aliases: Mapping[str, tuple[str, ...]] = {}
) -> dict[str, int]:
    """Standard column -> index in ``header``: exact after normalising, then an alias, then the
    most similar remaining header (at least ``FUZZY_CUTOFF``)."""
    normal = [normalise_header(h) for h in header]
    found: dict[str, int] = {}
    taken: set[int] = set()
    for column in columns:
        for spelling in (column, *aliases.get(column, ())):
            key = normalise_header(spelling)
            if key in normal and normal.index(key) not in taken:
                found[column] = normal.index(key)
                taken.add(found[column])
                break
    for column in columns:
        if column in found:
            continue
        free = {normal[i]: i for i in range(len(normal)) if i not in taken and normal[i]}
        close = difflib.get_close_matches(normalise_header(column), free, n=1, cutoff=FUZZY_CUTOFF)
        if close:
            found[column] = free[close[0]]
            taken.add(found[column])
    return found


def detect_layout(header: Sequence[str]) -> Layout | None:
    """The layout whose signature the header carries; of several, the one with the most columns
    spelt exactly, then the most columns found at all."""
    exact = {normalise_header(h) for h in header}
    best: tuple[tuple[int, int], Layout] | None = None
    for layout in LAYOUTS.values():
        found = match_columns(header, layout.columns, layout.aliases)
        if all(column in found for column in layout.signature):
            score = (sum(normalise_header(c) in exact for c in layout.columns), len(found))
            if best is None or score > best[0]:
                best = (score, layout)
    return best[1] if best else None


def generic_layout(header: Sequence[str], mapping: Mapping[str, str]) -> Layout:
    """A layout from a column mapping: header column -> field (or ``hazard:<name>``)."""
    fields = {f: c for c, f in mapping.items() if f in FIELDS}
    hazards = {f.removeprefix("hazard:"): c for c, f in mapping.items() if f.startswith("hazard:")}
    return Layout(GENERIC, ShelterKind.DESIGNATED, tuple(header), fields, hazards)


def parse_mapping(text: str | None) -> dict[str, str]:
    """``"名称=name,緯度=lat"`` -> ``{"名称": "name", "緯度": "lat"}``; unknown fields raise."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        column, _, name = part.partition("=")
        name = name.strip()
        hazard = name.removeprefix("hazard:")
        if name not in FIELDS and hazard not in {h.value for h in Hazard}:
            raise ValueError(name)
        mapping[column.strip()] = name
    return mapping
