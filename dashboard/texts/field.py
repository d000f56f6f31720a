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
    # Asking once (ui/confirm.py)
    "confirm.cancel": {"ja": "やめる", "en": "Cancel"},
    "confirm.send_many": {
        "ja": "{count}区域に「{title}」を優先度「{priority}」で送信します：{names}。よろしいですか？",
        "en": "Send “{title}” at priority “{priority}” to {count} areas: {names}. Are you sure?",
    },
    "confirm.send_yes": {"ja": "{count}区域に送信する", "en": "Send to {count} areas"},
    "confirm.declare": {
        "ja": "{area}に災害モード（{level}）を宣言します。全ページにバナーが表示され、各区に稼働確認を求めます。よろしいですか？",
        "en": "Declare disaster mode ({level}) for {area}. Every page shows the banner and every ward is asked to confirm it is operating. Are you sure?",
    },
    "confirm.declare_yes": {"ja": "はい、宣言する", "en": "Yes, declare"},
    "confirm.end": {
        "ja": "{area}の災害モード（{level}）を終了します。よろしいですか？",
        "en": "End disaster mode ({level}) for {area}. Are you sure?",
    },
    "confirm.end_yes": {"ja": "はい、終了する", "en": "Yes, end it"},
    "confirm.end_drill": {
        "ja": "訓練「{name}」を終了します。よろしいですか？",
        "en": "End the drill “{name}”. Are you sure?",
    },
    "chart.time": {"ja": "時刻", "en": "Time"},
    "chart.evacuees": {"ja": "避難者数（人）", "en": "Evacuees"},
    "chart.rate": {"ja": "参集率", "en": "Turnout"},
}
