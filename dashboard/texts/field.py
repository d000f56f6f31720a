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
    "inbox.ack_banner": {"ja": "了解する", "en": "Acknowledge"},
    "inbox.ack_banner_done": {"ja": "指示に了解しました。", "en": "Directive acknowledged."},
    # Home (pages/home.py, ui/home_command.py, ui/home_ward.py)
    "home.command.title": {"ja": "{area}の状況", "en": "{area}: the situation"},
    "home.situation": {"ja": "区域の状況レベル", "en": "Areas by situation level"},
    "home.level": {"ja": "レベル{level}", "en": "Level {level}"},
    "home.areas": {"ja": "{count}区域", "en": "{count} areas"},
    "home.silent": {
        "ja": "報告が途絶えている区域 {count}：{names}",
        "en": "{count} areas silent: {names}",
    },
    "home.no_silent": {"ja": "報告が途絶えている区域はありません。", "en": "No area is silent."},
    "home.unacknowledged": {
        "ja": "了解待ちの指示 {count}件（最新「{title}」了解 {done}/{total}）",
        "en": "{count} directives waiting for acknowledgement (newest “{title}”: {done}/{total})",
    },
    "home.all_acknowledged": {
        "ja": "了解待ちの指示はありません。",
        "en": "No directive is waiting for acknowledgement.",
    },
    "home.no_rollcall": {"ja": "実施中の職員参集はありません。", "en": "No roll-call running."},
    "home.turnout": {
        "ja": "職員参集「{title}」：参集率 {rate}（参集 {arrived}/必要 {required}人・回答 {answered}/{called}人）",
        "en": "Roll-call “{title}”: turnout {rate} ({arrived}/{required} required arrived, {answered}/{called} answered)",
    },
    "home.next_report": {
        "ja": "{name}：次の第{number}報の期限 {time}",
        "en": "{name}: report No. {number} due {time}",
    },
    "home.late_reports": {
        "ja": "報告が遅れている団体 {count}：{names}",
        "en": "{count} municipalities late with their report: {names}",
    },
    "home.ward.title": {"ja": "{area}の対応", "en": "{area}: to do"},
    "home.ward.directives": {"ja": "指示", "en": "Directives"},
    "home.ward.no_directive": {
        "ja": "了解待ちの指示はありません。",
        "en": "No directive waiting for acknowledgement.",
    },
    "home.ward.directive": {
        "ja": "【{priority}】**{title}**（{age}）",
        "en": "[{priority}] **{title}** ({age})",
    },
    "home.ward.more_directives": {
        "ja": "ほかに了解待ちの指示 {count}件",
        "en": "{count} more directive(s) waiting",
    },
    "home.ward.shelters": {"ja": "開設中の避難所 {count}か所", "en": "{count} open shelters"},
    "home.ward.shelter": {
        "ja": "{name}（{state}・避難者 {evacuees}人・{age}）",
        "en": "{name} ({state}, {evacuees} evacuees, {age})",
    },
    "home.ward.damage": {"ja": "被害を報告する", "en": "Report damage"},
    "rollcall.nobody_called": {
        "ja": "この区域・所属・配備区分に該当する職員が職員名簿にいないため、開始できません。職員名簿を取り込むか、条件を変えてください。",
        "en": "Nobody in the staff register matches this area, unit and tier: the roll-call was not started. Import the register or change the choice.",
    },
    "rollcall.started_count": {
        "ja": "職員参集を開始しました：{count}人に連絡しました。",
        "en": "Roll-call started: {count} people called.",
    },
    "rollcall.demo_links": {"ja": "回答リンクを表示（デモ）", "en": "Show answer links (demo)"},
    "rollcall.demo_links_help": {
        "ja": "デモ用：職員本人に届く回答リンクです。開くと、その職員として安否・参集を回答できます（実運用では表示されません）。",
        "en": "Demo only: the answer links each person receives. Open one to answer as that person (never shown outside demo mode).",
    },
    "rollcall.demo_links_only": {
        "ja": "回答リンクはデモモードでのみ表示できます。",
        "en": "Answer links are shown in demo mode only.",
    },
    "rollcall.columns": {"ja": "職員名簿CSVの列：`{columns}`", "en": "Staff register CSV columns: `{columns}`"},
    "chart.time": {"ja": "時刻", "en": "Time"},
    "chart.evacuees": {"ja": "避難者数（人）", "en": "Evacuees"},
    "chart.rate": {"ja": "参集率", "en": "Turnout"},
}
