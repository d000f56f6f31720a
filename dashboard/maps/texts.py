"""Texts of the situation maps, in the format of ``dashboard/texts``: key -> {"ja": ..., "en": ...}.

The maps also use the shared vocabulary of ``dashboard/texts/core.py`` (``category.*``,
``shelter_kind.*``, ``severity.N``, ``review.*``) so that a category reads the same on the map and in
the lists. ``{placeholders}`` in the ``map.*`` strings are filled in the browser, not by
``translate``.
"""

from __future__ import annotations

from collections.abc import Callable

TEXTS: dict[str, dict[str, str]] = {
    # Layers (layer control)
    "map.layer.wards": {"ja": "区の状況", "en": "Ward status"},
    "map.layer.areas": {"ja": "市区町村の状況", "en": "Municipal status"},
    "map.layer.shelters": {"ja": "避難所", "en": "Shelters"},
    "map.layer.reports": {"ja": "被害報告", "en": "Damage reports"},
    # Situation levels of a ward or municipality
    "map.level.title": {"ja": "状況レベル", "en": "Situation level"},
    "map.level.0": {"ja": "0 報告なし", "en": "0 No reports"},
    "map.level.1": {"ja": "1 軽微", "en": "1 Minor"},
    "map.level.2": {"ja": "2 中程度", "en": "2 Moderate"},
    "map.level.3": {"ja": "3 重大", "en": "3 Serious"},
    "map.level.4": {"ja": "4 危機的", "en": "4 Critical"},
    # {minutes}: the configured silence interval (settings.silent_after_minutes).
    "map.silent": {"ja": "{minutes}分以上報告なし", "en": "Silent: no report for {minutes}+ min"},
    "map.silent.note": {
        "ja": "この区域から{minutes}分以上報告がありません。状況を確認してください。",
        "en": "No report from this area for over {minutes} minutes. Check on it.",
    },
    # Area popup
    "map.area.open_shelters": {"ja": "開設避難所", "en": "Open shelters"},
    "map.area.evacuees": {"ja": "避難者数", "en": "Evacuees"},
    "map.area.capacity": {"ja": "収容可能人数", "en": "Capacity"},
    "map.area.reports": {"ja": "被害報告", "en": "Damage reports"},
    "map.area.casualties": {"ja": "人的被害", "en": "Casualties"},
    "map.area.last_report": {"ja": "最終報告", "en": "Last report"},
    # The directive the map follows: an area waiting for 了解, or acknowledged
    "map.ack.title": {"ja": "指示", "en": "Directive"},
    "map.ack.waiting": {"ja": "了解待ち", "en": "awaiting ack"},
    "map.ack.done": {"ja": "了解済", "en": "acknowledged"},
    # A municipality late with its numbered situation report; {n}: the report's number.
    "map.late": {"ja": "第{n}報 遅延", "en": "Report No. {n} late"},
    "map.late.title": {"ja": "被害状況即報", "en": "Situation report"},
    # A municipality counting down to its first report after an earthquake; {n}: minutes left.
    "map.first_due": {"ja": "第1報まで {n}分", "en": "Report No. 1 due in {n} min"},
    "map.selected": {"ja": "選択中", "en": "selected"},
    "map.replay": {"ja": "再生中：{time}時点", "en": "Replay: as of {time}"},
    # Shelters
    "map.availability.title": {"ja": "避難所の空き状況", "en": "Shelter availability"},
    "map.availability.open": {"ja": "開設（空きあり）", "en": "Open, room available"},
    "map.availability.open_no_capacity": {
        "ja": "開設（収容人数不明）",
        "en": "Open, capacity unknown",
    },
    "map.availability.nearly_full": {
        "ja": "開設（残りわずか・80%以上）",
        "en": "Open, nearly full (80%+)",
    },
    "map.availability.full": {"ja": "満員", "en": "Full"},
    "map.availability.preparing": {"ja": "開設準備中", "en": "Preparing"},
    "map.availability.closed": {"ja": "閉鎖", "en": "Closed"},
    "map.availability.unknown": {"ja": "未報告", "en": "Not reported"},
    "map.shelter.kind": {"ja": "種別", "en": "Kind"},
    "map.shelter.evacuees": {"ja": "避難者数／収容人数", "en": "Evacuees / capacity"},
    "map.shelter.updated": {"ja": "最終更新", "en": "Last update"},
    "map.shelter.size_note": {
        "ja": "記号の大きさ＝収容人数",
        "en": "Symbol size = capacity",
    },
    "map.shelter.welfare_mark": {"ja": "福", "en": "W"},
    # Damage reports
    "map.report.title": {"ja": "被害の種類", "en": "Damage category"},
    "map.report.severity": {"ja": "深刻度", "en": "Severity"},
    "map.report.size_note": {
        "ja": "点の大きさ＝深刻度（1〜4）",
        "en": "Dot size = severity (1–4)",
    },
    "map.report.review": {"ja": "確認状況", "en": "Review"},
    "map.report.description": {"ja": "内容", "en": "Description"},
    "map.report.description_elsewhere": {
        "ja": "（内容は被害報告の一覧で確認してください）",
        "en": "(see the damage report list for the description)",
    },
    "map.report.casualties": {"ja": "人的被害", "en": "Casualties"},
    "map.report.casualty_counts": {
        "ja": "死者 {dead}・負傷 {injured}・不明 {missing}・要救助 {trapped}",
        "en": "{dead} dead · {injured} injured · {missing} missing · {trapped} trapped",
    },
    "map.report.reported": {"ja": "報告", "en": "Reported"},
    "map.report.ward": {"ja": "区", "en": "Ward"},
    "map.report.number": {"ja": "報告番号", "en": "Report no."},
    "map.cluster.count": {"ja": "被害報告 {n}件", "en": "{n} damage reports"},
    "map.cluster.max_severity": {"ja": "最大深刻度 {s}", "en": "max. severity {s}"},
    "map.cluster.hint": {"ja": "クリックで拡大", "en": "Click to zoom in"},
    # Legend and times
    "map.legend.title": {"ja": "凡例", "en": "Legend"},
    "map.ago.now": {"ja": "たった今", "en": "just now"},
    "map.ago.minutes": {"ja": "{n}分前", "en": "{n} min ago"},
    "map.ago.hours": {"ja": "{h}時間{m}分前", "en": "{h} h {m} min ago"},
    "map.ago.days": {"ja": "{d}日前", "en": "{d} days ago"},
    "map.never": {"ja": "報告なし", "en": "No report yet"},
    "map.unknown": {"ja": "—", "en": "—"},
}


def make_translate(lang: str = "ja") -> Callable[[str], str]:
    """A ``t(key) -> str`` over these texts, falling back to the app's table for shared keys.

    For tests, benchmarks and callers outside the app; the app passes its own ``t``.
    """
    from dashboard.i18n import translate

    def t(key: str) -> str:
        entry = TEXTS.get(key)
        if entry is not None:
            return entry.get(lang) or entry["ja"]
        return translate(key, lang)

    return t
