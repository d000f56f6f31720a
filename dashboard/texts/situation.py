"""Texts of the command map and the situation overview (the map itself: dashboard/maps/texts.py)."""

TEXTS: dict[str, dict[str, str]] = {
    # Filters
    "situation.filters": {"ja": "絞り込み・避難所検索", "en": "Filters and shelter search"},
    "situation.window": {"ja": "期間", "en": "Time window"},
    "situation.window.1h": {"ja": "1時間", "en": "1 h"},
    "situation.window.3h": {"ja": "3時間", "en": "3 h"},
    "situation.window.6h": {"ja": "6時間", "en": "6 h"},
    "situation.window.24h": {"ja": "24時間", "en": "24 h"},
    "situation.window.all": {"ja": "すべて", "en": "All"},
    "situation.categories": {"ja": "被害の種類", "en": "Damage category"},
    "situation.all": {"ja": "すべて", "en": "All"},
    "situation.severities": {"ja": "深刻度", "en": "Severity"},
    "situation.review_states": {"ja": "確認状況", "en": "Review state"},
    "situation.ward": {"ja": "区", "en": "Ward"},
    "situation.ward.all": {"ja": "すべての区", "en": "All wards"},
    "situation.search": {"ja": "避難所を名前で検索", "en": "Find a shelter by name"},
    "situation.search.results": {
        "ja": "避難所の検索結果：{count}件",
        "en": "Shelters found: {count}",
    },
    # Key figures
    "situation.figure.shelters": {"ja": "開設避難所", "en": "Open shelters"},
    "situation.figure.shelters_note": {"ja": "うち満員 {full}", "en": "{full} of them full"},
    "situation.figure.evacuees": {"ja": "避難者", "en": "Evacuees"},
    "situation.figure.capacity_note": {
        "ja": "収容可能 {capacity}（収容率 {percent}%）",
        "en": "of {capacity} places ({percent}% occupied)",
    },
    "situation.figure.reports": {"ja": "被害報告（対応中）", "en": "Damage reports (open)"},
    "situation.figure.severity_note": {
        "ja": "深刻度4：{s4}・3：{s3}・2：{s2}・1：{s1}",
        "en": "Severity 4: {s4} · 3: {s3} · 2: {s2} · 1: {s1}",
    },
    "situation.figure.trapped": {"ja": "要救助", "en": "People trapped"},
    "situation.figure.casualties_note": {
        "ja": "死者 {dead}・負傷 {injured}・不明 {missing}",
        "en": "{dead} dead · {injured} injured · {missing} missing",
    },
    "situation.figure.areas": {"ja": "報告あり／全区域", "en": "Areas reporting / all"},
    "situation.figure.silent_note": {
        "ja": "沈黙 {silent}（{minutes}分以上報告なし）",
        "en": "{silent} silent (no report for {minutes}+ min)",
    },
    "situation.figure.disaster": {"ja": "災害モード", "en": "Disaster mode"},
    "situation.disaster.on": {"ja": "発令中", "en": "Declared"},
    "situation.disaster.off": {"ja": "平常", "en": "Normal"},
    "situation.disaster.since": {
        "ja": "{time} 発令・{hours}時間{minutes}分経過",
        "en": "declared {time}, {hours} h {minutes} min ago",
    },
    "situation.updated": {
        "ja": "更新 {time}（{seconds}秒ごとに自動更新）",
        "en": "Updated {time} (refreshes every {seconds} s)",
    },
    # Side panel
    "situation.panel.hint": {
        "ja": "地図上の区をクリックすると、その区の詳細をここに表示します。",
        "en": "Click a ward on the map to see its details here.",
    },
    "situation.panel.summary": {
        "ja": "状況レベル：{level}  \n最終報告：{time}（{age}）  \n"
        "死者 {dead}・負傷 {injured}・不明 {missing}・要救助 {trapped}  \n"
        "避難者 {evacuees}／収容可能 {capacity}（開設中の避難所）  \n"
        "**被害報告（対応中）**：{reports}",
        "en": "Situation level: {level}  \nLast report: {time} ({age})  \n"
        "{dead} dead · {injured} injured · {missing} missing · {trapped} trapped  \n"
        "{evacuees} evacuees / {capacity} places (open shelters)  \n"
        "**Open damage reports**: {reports}",
    },
    "situation.panel.no_reports": {"ja": "なし", "en": "none"},
    "situation.separator": {"ja": "・", "en": " · "},
    "situation.panel.shelters": {"ja": "避難所", "en": "Shelters"},
    "situation.panel.directives": {"ja": "未了解の指示", "en": "Directives not acknowledged"},
    "situation.panel.no_directives": {
        "ja": "未了解の指示はありません。",
        "en": "Every directive is acknowledged.",
    },
    "situation.col.name": {"ja": "名称", "en": "Name"},
    "situation.col.state": {"ja": "状態", "en": "State"},
    "situation.col.people": {"ja": "避難者／収容", "en": "Evacuees / capacity"},
    "situation.col.title": {"ja": "件名", "en": "Title"},
    "situation.col.priority": {"ja": "優先度", "en": "Priority"},
    "situation.col.issued": {"ja": "発信", "en": "Issued"},
    "situation.col.read": {"ja": "既読", "en": "Read"},
    # Governor's overview
    "situation.overview.hint": {
        "ja": "市町村をクリックすると、その市町村の地図を開きます。",
        "en": "Click a municipality to open its map.",
    },
    "situation.overview.open": {"ja": "市町村の地図を開く", "en": "Open a municipality's map"},
    "situation.overview.back": {"ja": "府全体の地図に戻る", "en": "Back to the prefecture"},
}
