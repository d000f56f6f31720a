"""Texts of the field-ready work: placeholders, file uploads, charts, home summaries, confirmations."""

TEXTS: dict[str, dict[str, str]] = {
    "app.choose": {"ja": "選択してください", "en": "Choose an option"},
    "rollcall.none_unanswered": {"ja": "未回答者はいません。", "en": "Nobody is left to answer."},
    # Import and export layouts by their published names (the keys stay the CLI's --format).
    "layout.gsi_shelter": {"ja": "国土地理院 指定避難所CSV", "en": "GSI designated shelters CSV"},
    "layout.gsi_emergency": {
        "ja": "国土地理院 指定緊急避難場所CSV",
        "en": "GSI designated emergency evacuation sites CSV",
    },
    "layout.digital_shelter": {
        "ja": "自治体標準オープンデータセット 指定避難所一覧",
        "en": "Standard open data set: designated shelters",
    },
    "layout.digital_emergency": {
        "ja": "自治体標準オープンデータセット 指定緊急避難場所一覧",
        "en": "Standard open data set: designated emergency evacuation sites",
    },
    "layout.generic": {"ja": "汎用CSV（列の対応付け）", "en": "Generic CSV (column mapping)"},
    "upload.drop": {
        "ja": "ここにファイルをドラッグ＆ドロップ（1ファイル10MBまで）",
        "en": "Drag and drop files here (10 MB per file)",
    },
    "upload.limit": {"ja": "1ファイル10MBまで", "en": "Limit 10 MB per file"},
    "upload.browse": {"ja": "ファイルを選択", "en": "Browse files"},
    "chart.time": {"ja": "時刻", "en": "Time"},
    "chart.evacuees": {"ja": "避難者数（人）", "en": "Evacuees"},
    "chart.rate": {"ja": "参集率", "en": "Turnout"},
}
