"""The rows of 第4号様式 (火災・災害等即報要領): その2 被害状況即報, whose figures the
report carries, and the items of その1 災害概況即報 that the same figures fill.
One catalogue, as data.

Each row names its unit as the form prints it and where its figure comes from:

- ``reports``: summed from the individual damage reports of the ward (duplicates never counted);
- ``tally``: entered by the ward head (rows that are not point reports, e.g. 水道 戸数);
- ``system``: what the dashboard knows (open shelters and their evacuees);
- ``derived``: computed from other rows (り災世帯数 / り災者数 from the 住家被害 rows).

A ward head's tally for a ``reports`` or ``derived`` row replaces the computed figure (a count
that came by phone), it is never added to it: nothing is counted twice. Emptying that tally gives
the computed figure back; an empty tally of a ``tally`` row is 未確認.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.domain import HOUSING_CLASSES as HOUSING_CLASS_KEYS
from dashboard.services.sitreports.snapshot import DAMAGE, SUMMARY

REPORTS, TALLY, SYSTEM, DERIVED = "reports", "tally", "system", "derived"


@dataclass(frozen=True)
class Row:
    key: str
    section: str  # 区分 as the form prints it
    label: str  # 項目 (Japanese, as on the form)
    unit: str
    source: str
    label_en: str = ""
    # Also an item of その1 (災害概況即報).
    in_summary: bool = False
    # A うち row: part of the row with this key, printed under it, never added to a total.
    part_of: str | None = None


# 住家被害 classes of the form, in its order: label, English. 大規模半壊 and 中規模半壊 are not
# rows of the form but うち counts of 半壊 (災害報告取扱要領: both are 半壊).
FORM_HOUSING = (
    ("total_collapse", "全壊", "Totally destroyed"),
    ("half_collapse", "半壊", "Half destroyed"),
    ("partial", "一部破損", "Partially damaged"),
    ("flood_above", "床上浸水", "Flooded above floor"),
    ("flood_below", "床下浸水", "Flooded below floor"),
)
# The うち counts under 半壊: key, label, source (大規模半壊 comes with damage reports, 中規模半壊
# only as a ward's tally: a report's class list has no 中規模半壊).
HALF_PARTS = (("large_half", "うち大規模半壊", REPORTS), ("medium_half", "うち中規模半壊", TALLY))
# Report classes counted in a form class: a 大規模半壊 report is a 半壊 (counted once there,
# and again only as the うち count).
COUNTED_IN = {"large_half": "half_collapse"}
_HOUSING_LABELS = {key: (label, en) for key, label, en in FORM_HOUSING} | {
    "large_half": ("大規模半壊", "Large-scale half destroyed")
}
HOUSING_CLASSES = tuple((key, *_HOUSING_LABELS[key]) for key in HOUSING_CLASS_KEYS)
# 住家被害 counts a report can carry: column suffix, unit.
HOUSING_UNITS = (("buildings", "棟"), ("households", "世帯"), ("persons", "人"))
# Form classes whose households and persons make り災世帯 / り災者 (全壊・半壊・床上浸水; 半壊
# already holds 大規模半壊).
AFFECTED_CLASSES = ("total_collapse", "half_collapse", "flood_above")


def _housing_rows() -> list[Row]:
    rows = []
    for key, label, en in FORM_HOUSING:
        for suffix, unit in HOUSING_UNITS:
            rows.append(
                Row(f"{key}_{suffix}", "住家被害", label, unit, REPORTS, f"{en} ({suffix})", True)
            )
        if key == "half_collapse":
            for part, part_label, source in HALF_PARTS:
                rows += [
                    Row(
                        f"{part}_{suffix}",
                        "住家被害",
                        part_label,
                        unit,
                        source,
                        f"of which {part.replace('_', ' ')} ({suffix})",
                        part_of=f"half_collapse_{suffix}",
                    )
                    for suffix, unit in HOUSING_UNITS
                ]
    return rows


_OTHER = (
    ("field_rice_lost", "田 流失・埋没", "ha", "Paddy washed away / buried"),
    ("field_rice_flooded", "田 冠水", "ha", "Paddy flooded"),
    ("field_dry_lost", "畑 流失・埋没", "ha", "Field washed away / buried"),
    ("field_dry_flooded", "畑 冠水", "ha", "Field flooded"),
    ("schools", "文教施設", "箇所", "Schools"),
    ("hospitals", "病院", "箇所", "Hospitals"),
    ("roads", "道路", "箇所", "Roads"),
    ("bridges", "橋りょう", "箇所", "Bridges"),
    ("rivers", "河川", "箇所", "Rivers"),
    ("ports", "港湾", "箇所", "Ports"),
    ("erosion_control", "砂防", "箇所", "Erosion control"),
    ("sanitation", "清掃施設", "箇所", "Sanitation facilities"),
    ("cliff_failures", "崖くずれ", "箇所", "Cliff failures"),
    ("railways", "鉄道不通", "箇所", "Railways cut"),
    ("ships", "被害船舶", "隻", "Ships damaged"),
    ("water", "水道", "戸", "Water supply cut"),
    ("telephone", "電話", "回線", "Telephone lines"),
    ("electricity", "電気", "戸", "Electricity cut"),
    ("gas", "ガス", "戸", "Gas cut"),
    ("block_walls", "ブロック塀等", "箇所", "Block walls etc."),
)

# 被害額 (千円): the public facilities, their 小計, then the rest; 被害総額 sums all.
PUBLIC_COSTS = (
    ("cost_public_schools", "公立文教施設", "Public schools"),
    ("cost_agri_facilities", "農林水産業施設", "Agriculture, forestry, fishery facilities"),
    ("cost_public_works", "公共土木施設", "Public works"),
    ("cost_other_public", "その他の公共施設", "Other public facilities"),
)
OTHER_COSTS = (
    ("cost_agriculture", "農業被害", "Agriculture"),
    ("cost_forestry", "林業被害", "Forestry"),
    ("cost_livestock", "畜産被害", "Livestock"),
    ("cost_fishery", "水産被害", "Fishery"),
    ("cost_commerce", "商工被害", "Commerce and industry"),
    ("cost_other", "その他", "Other"),
)
# Derived sums: key -> the rows it adds (unknown if any of them is).
SUMS = {
    "cost_subtotal": tuple(k for k, _, _ in PUBLIC_COSTS),
    "cost_total": tuple(k for k, _, _ in (*PUBLIC_COSTS, *OTHER_COSTS)),
}
# 公共施設被害市町村数: a municipality counts 1 when its 小計 is above 0; the prefecture's
# report sums its municipalities (see reports._body_totals).
COST_BODIES = "cost_municipalities"

ROWS: tuple[Row, ...] = (
    Row("dead", "人的被害", "死者", "人", REPORTS, "Dead", True),
    Row("missing", "人的被害", "行方不明者", "人", REPORTS, "Missing", True),
    Row("injured_serious", "人的被害", "負傷者 重傷", "人", REPORTS, "Injured, serious", True),
    Row("injured_minor", "人的被害", "負傷者 軽傷", "人", REPORTS, "Injured, minor", True),
    # Injuries of reports that do not say how serious (reports sent before the split).
    Row(
        "injured_unclassified",
        "人的被害",
        "負傷者 程度未確認",
        "人",
        REPORTS,
        "Injured, severity not given",
        True,
    ),
    *_housing_rows(),
    Row("nonres_public", "非住家", "公共建物", "棟", TALLY, "Non-residential, public"),
    Row("nonres_other", "非住家", "その他", "棟", TALLY, "Non-residential, other"),
    *(Row(key, "その他", label, unit, TALLY, en) for key, label, unit, en in _OTHER),
    Row("affected_households", "り災", "り災世帯数", "世帯", DERIVED, "Affected households", True),
    Row("affected_persons", "り災", "り災者数", "人", DERIVED, "Affected persons", True),
    Row("fire_buildings", "火災発生", "建物", "件", TALLY, "Fires, buildings"),
    Row("fire_hazmat", "火災発生", "危険物", "件", TALLY, "Fires, hazardous materials"),
    Row("fire_other", "火災発生", "その他", "件", TALLY, "Fires, other"),
    *(Row(key, "被害額", label, "千円", TALLY, en) for key, label, en in PUBLIC_COSTS),
    Row("cost_subtotal", "被害額", "小計", "千円", DERIVED, "Subtotal, public facilities"),
    Row(COST_BODIES, "被害額", "公共施設被害市町村数", "団体", DERIVED, "Municipalities"),
    *(Row(key, "被害額", label, "千円", TALLY, en) for key, label, en in OTHER_COSTS),
    Row("cost_total", "被害額", "被害総額", "千円", DERIVED, "Total damage"),
    Row(
        "relief_act_bodies",
        "災害救助法",
        "災害救助法適用市町村数（計）",
        "団体",
        TALLY,
        "Disaster Relief Act, municipalities",
    ),
    Row(
        "fire_staff", "消防", "消防職員出動延人数", "人", TALLY, "Fire staff deployed (person-days)"
    ),
    Row("fire_corps", "消防", "消防団員出動延人数", "人", TALLY, "Volunteer fire corps deployed"),
    Row("shelters_open", "避難所の設置状況", "開設避難所数", "箇所", SYSTEM, "Open shelters", True),
    Row("evacuees", "避難所の設置状況", "避難者数", "人", SYSTEM, "Evacuees", True),
    # うち自主避難 of the evacuees: unknown while an open shelter did not give it.
    Row(
        "evacuees_voluntary",
        "避難所の設置状況",
        "うち自主避難者数",
        "人",
        SYSTEM,
        "Of whom voluntary evacuees",
        True,
    ),
    Row(
        "evacuee_households",
        "避難所の設置状況",
        "避難世帯数",
        "世帯",
        SYSTEM,
        "Evacuee households",
        True,
    ),
)
ROW_BY_KEY = {row.key: row for row in ROWS}
# Rows a ward head may enter (every row but what the system knows).
TALLY_ROW_KEYS = tuple(row.key for row in ROWS if row.source != SYSTEM and row.key != COST_BODIES)
# Free-text items of その2, entered when the report is issued (備考欄 and 災害救助法), in the
# form's order; ``relief_act`` is 災害救助法適用市町村名 (names and dates).
REMARK_LABELS = {
    "place": "発生場所",
    "occurred_at": "発生年月日",
    "overview": "災害の種類・概況",
    "fire_activity": "消防機関の活動状況",
    "evacuation_orders": "避難指示等の状況",
    "shelters": "避難所の設置状況",
    "support_request": "応援要請",
    "sdf_request": "自衛隊派遣要請",
    "volunteers": "ボランティアの状況",
    "relief_act": "災害救助法適用市町村名",
    "other": "その他・備考",
}
REMARK_KEYS = tuple(REMARK_LABELS)
# その1 (災害概況即報): its text items.
SUMMARY_LABELS = {
    "place": "発生場所",
    "occurred_at": "発生日時",
    "overview": "災害の概況",
    "response": "応急対策の状況",
}
SUMMARY_REMARK_KEYS = tuple(SUMMARY_LABELS)
FORM_REMARK_KEYS = {SUMMARY: SUMMARY_REMARK_KEYS, DAMAGE: REMARK_KEYS}
# Text item the system fills: 災害対策本部等の設置状況 (from disaster-mode declarations).
HQ_LABEL = "災害対策本部等の設置状況"
