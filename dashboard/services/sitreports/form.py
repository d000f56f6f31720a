"""第4号様式 as a grid: the lines of その1 (災害概況即報) and その2 (被害状況即報) in the form's
order and grouping, and the merged blocks they are drawn with. The xlsx, the PDF and the HTML
page all draw these blocks, so the three are the same form.

The grid has six columns: 区分 | 小区分 | 項目 | 単位 | 被害 | 注. A figure nobody confirmed is
未確認 in its cell, never 0. A total over wards (or municipalities) some of which are still
未確認 is printed as the known sum with ※ in the 注 column (the footnote says it is a lower
bound); a partial sum of 0 is simply 未確認. The sources of the figures are not part of the form:
they go to the office's sheet (``outputs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dashboard.services.sitreports.rows import (
    FORM_HOUSING,
    HALF_PARTS,
    REMARK_LABELS,
    ROW_BY_KEY,
    ROWS,
    SUMMARY_LABELS,
)
from dashboard.services.sitreports.snapshot import SUMMARY, SitrepView
from dashboard.timefmt import local

UNCONFIRMED = "未確認"
PARTIAL_MARK = "※"
PARTIAL_NOTE = "※ 一部の区（市町村）が未確認: 確認済みの分の計（これ以上）。"
UNCONFIRMED_NOTE = "確認がとれていない事項は「未確認」と記入（火災・災害等即報要領 第4号様式 注）。"
COLUMNS = ("区分", "小区分", "項目", "単位", "被害", "注")
WIDTHS_MM = (28, 34, 52, 16, 36, 12)  # 178 mm of the A4 page's 186
TIME_FORMAT = "%Y年%m月%d日 %H時%M分"
TITLES = {
    SUMMARY: ("第4号様式（その1）", "災害概況即報"),
    "damage": ("第4号様式（その2）", "被害状況即報"),
}
# 応急対策の状況 of その2: its sub-items in the form's order (備考 keys).
RESPONSE_KEYS = (
    "fire_activity",
    "evacuation_orders",
    "shelters",
    "support_request",
    "sdf_request",
    "volunteers",
)
# 避難所の設置状況's figures (from the shelters' status) and their item names.
SHELTER_FIGURES = {
    "shelters_open": "開設数",
    "evacuees": "避難者数",
    "evacuees_voluntary": "うち自主避難",
    "evacuee_households": "世帯数",
}


@dataclass(frozen=True)
class Line:
    """One line of the grid: a figure (``key`` set; ``value`` int or None) or a text."""

    section: str
    group: str = ""
    item: str = ""
    unit: str = ""
    value: int | str | None = None
    key: str | None = None
    note: str = ""

    @property
    def is_figure(self) -> bool:
        return self.key is not None

    @property
    def text(self) -> str:
        """The value cell as printed: 1,234 / 未確認 / the text."""
        if self.is_figure:
            return UNCONFIRMED if self.value is None else f"{self.value:,}"
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True)
class Block:
    """A merged rectangle of the grid (rows and columns 0-based, inclusive)."""

    row: int
    col: int
    last_row: int
    last_col: int
    text: str
    kind: str  # "head" (section / group / item), "unit", "figure", "unconfirmed", "text", "note"


def figure(view: SitrepView, key: str) -> tuple[int | None, str]:
    """The form's value of a row's total and its 注: a partial known sum above 0 is printed with
    ※, a partial 0 is 未確認."""
    value, _, partial = view.total.get(key, [None, "", False])
    if partial and not value:
        return None, ""
    return value, PARTIAL_MARK if partial and value is not None else ""


def _figure_line(view, key, section, group, item="", unit=None) -> Line:
    value, note = figure(view, key)
    return Line(section, group, item, unit or ROW_BY_KEY[key].unit, value, key, note)


def head_lines(view: SitrepView) -> list[tuple[str, str]]:
    """The head of the form: (label, value)."""
    state = "" if view.issued else "（案）"
    municipal = view.level == "municipality"
    lines = [
        ("報告日時", local(view.issued_at or view.as_of).strftime(TIME_FORMAT)),
        ("災害名", f"{view.disaster_name}（第{view.number}報）{state}"),
        ("都道府県" if not municipal else "市町村（消防本部名）", view.body_name),
        ("報告者名", view.issued_by or ""),
    ]
    if view.form != SUMMARY:
        lines.insert(2, ("現在", local(view.as_of).strftime(TIME_FORMAT) + " 現在"))
    if view.exercise:
        lines.insert(0, ("区分", "訓練"))
    return lines


def _hq_text(entries, level: str) -> str:
    found = [e for e in entries if e["level"] == level]
    if not found:
        return UNCONFIRMED
    parts = []
    for e in found:
        set_up = local(datetime.fromisoformat(e["set_up"])).strftime("%m月%d日%H時%M分")
        text = f"{e['name']} {e['body']}（{set_up} 設置"
        if e.get("dissolved"):
            dissolved = local(datetime.fromisoformat(e["dissolved"])).strftime("%m月%d日%H時%M分")
            text += f"、{dissolved} 解散"
        parts.append(text + "）")
    return "、".join(parts)


def hq_lines(view: SitrepView) -> list[Line]:
    section = "災害対策本部等の設置状況"
    return [
        Line(section, "都道府県", value=_hq_text(view.hq_entries, "都道府県")),
        Line(section, "市町村", value=_hq_text(view.hq_entries, "市町村")),
    ]


def damage_lines(view: SitrepView) -> list[Line]:
    """その2 in the form's order."""
    lines: list[Line] = []
    add = lines.append
    for key in ("dead", "missing"):
        add(_figure_line(view, key, "人的被害", ROW_BY_KEY[key].label))
    add(_figure_line(view, "injured_serious", "人的被害", "負傷者", "重傷"))
    add(_figure_line(view, "injured_minor", "人的被害", "負傷者", "軽傷"))
    add(_figure_line(view, "injured_unclassified", "人的被害", "負傷者", "程度未確認"))
    parts = {part: label for part, label, _ in HALF_PARTS}
    for key, label, _ in FORM_HOUSING:
        for suffix in ("buildings", "households", "persons"):
            add(_figure_line(view, f"{key}_{suffix}", "住家被害", label))
        if key == "half_collapse":
            for part in parts:
                for suffix in ("buildings", "households", "persons"):
                    add(_figure_line(view, f"{part}_{suffix}", "住家被害", label, parts[part]))
    for key in ("nonres_public", "nonres_other"):
        add(_figure_line(view, key, "非住家", ROW_BY_KEY[key].label))
    for row in ROWS:
        if row.section == "その他":
            group, _, item = row.label.partition(" ")
            add(_figure_line(view, row.key, "その他", group, item))
    add(_figure_line(view, "affected_households", "り災世帯数", ""))
    add(_figure_line(view, "affected_persons", "り災者数", ""))
    for key in ("fire_buildings", "fire_hazmat", "fire_other"):
        add(_figure_line(view, key, "火災発生", ROW_BY_KEY[key].label))
    for row in ROWS:
        if row.section == "被害額":
            add(_figure_line(view, row.key, "被害額", row.label))
    lines += hq_lines(view)
    relief = "災害救助法適用市町村名"
    add(Line(relief, "市町村名・適用日", value=view.remarks.get("relief_act") or UNCONFIRMED))
    add(_figure_line(view, "relief_act_bodies", relief, "計"))
    add(_figure_line(view, "fire_staff", "消防職員出動延人数", ""))
    add(_figure_line(view, "fire_corps", "消防団員出動延人数", ""))
    remarks = view.remarks
    for key in ("place", "occurred_at", "overview"):
        add(Line("備考", REMARK_LABELS[key], value=remarks.get(key, "")))
    response = "応急対策の状況"
    for key in RESPONSE_KEYS:
        label = REMARK_LABELS[key]
        if key == "shelters":
            for figure_key in SHELTER_FIGURES:
                item = f"{label}（{_item(figure_key)}）"
                add(_figure_line(view, figure_key, "備考", response, item))
            if remarks.get(key):
                add(Line("備考", response, label, value=remarks[key]))
            continue
        add(Line("備考", response, label, value=remarks.get(key, "")))
    add(Line("備考", REMARK_LABELS["other"], value=remarks.get("other", "")))
    return lines


def _item(key: str) -> str:
    return SHELTER_FIGURES[key]


def summary_lines(view: SitrepView, figures: list) -> list[Line]:
    """その1: 発生場所・日時, 概況, 被害の状況, 本部, 応急対策 (``figures`` from
    ``summary.summary_figures``)."""
    remarks = view.remarks
    lines = [
        Line(SUMMARY_LABELS["place"], value=remarks.get("place", "")),
        Line(SUMMARY_LABELS["occurred_at"], value=remarks.get("occurred_at", "")),
        Line(SUMMARY_LABELS["overview"], value=remarks.get("overview", "")),
    ]
    for key, section, label, unit, value in figures:
        group = "死傷者" if section == "人的被害" else "住家"
        lines.append(Line("被害の状況", group, label, unit, value, key))
    lines += hq_lines(view)
    lines.append(Line(SUMMARY_LABELS["response"], value=remarks.get("response", "")))
    return lines


def _runs(values: list, start: int, stop: int):
    """(first, last) index runs of equal consecutive values in ``values[start:stop + 1]``."""
    first = start
    for i in range(start + 1, stop + 2):
        if i > stop or values[i] != values[first]:
            yield first, i - 1
            first = i


def blocks(lines: list[Line]) -> list[Block]:
    """The merged blocks of the grid: 区分 merged down its run of lines, 小区分 down its run
    (across 項目 when no line of the run has one), a figure's 単位・被害・注, a text across the
    columns its headings leave free."""
    found: list[Block] = []
    texts: dict[int, int] = {}  # line -> first column of its text

    def heading(first, last, col, last_col, text):
        # A run of texts only gives its last heading column to the text.
        if all(not lines[i].is_figure for i in range(first, last + 1)) and last_col > col:
            last_col = col
        found.append(Block(first, col, last, last_col, text, "head"))
        for i in range(first, last + 1):
            texts[i] = max(texts.get(i, 0), last_col + 1)

    sections = [line.section for line in lines]
    groups = [(line.section, line.group) for line in lines]
    items = [(line.section, line.group, line.item) for line in lines]
    for first, last in _runs(sections, 0, len(lines) - 1):
        if not any(lines[i].group for i in range(first, last + 1)):
            heading(first, last, 0, 2, lines[first].section)
            continue
        found.append(Block(first, 0, last, 0, lines[first].section, "head"))
        for g0, g1 in _runs(groups, first, last):
            if not any(lines[i].item for i in range(g0, g1 + 1)):
                heading(g0, g1, 1, 2, lines[g0].group)
                continue
            found.append(Block(g0, 1, g1, 1, lines[g0].group, "head"))
            for i0, i1 in _runs(items, g0, g1):
                heading(i0, i1, 2, 2, lines[i0].item)
    for i, line in enumerate(lines):
        if line.is_figure:
            kind = "unconfirmed" if line.value is None else "figure"
            found += [
                Block(i, 3, i, 3, line.unit, "unit"),
                Block(i, 4, i, 4, line.text, kind),
                Block(i, 5, i, 5, line.note, "note"),
            ]
        else:
            kind = "unconfirmed" if line.text == UNCONFIRMED else "text"
            found.append(Block(i, texts.get(i, 3), i, len(COLUMNS) - 1, line.text, kind))
    return sorted(found, key=lambda b: (b.row, b.col))
