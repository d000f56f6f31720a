"""Texts of the command map's directive box and replay (地図から指示・振り返り)."""

TEXTS: dict[str, dict[str, str]] = {
    "mapcmd.heading": {"ja": "地図から指示", "en": "Directive from the map"},
    "mapcmd.pick": {"ja": "地図のクリックで区域を選択", "en": "Select areas by clicking the map"},
    "mapcmd.selected": {"ja": "選択した区域", "en": "Selected areas"},
    "mapcmd.placeholder": {"ja": "未選択（提案された区域へ）", "en": "None (the suggested areas)"},
    "mapcmd.targets.selected": {"ja": "送信先（選択）：{names}", "en": "To (selected): {names}"},
    "mapcmd.targets.suggested": {"ja": "送信先（提案）：{names}", "en": "To (suggested): {names}"},
    "mapcmd.no_targets": {
        "ja": "提案する区域はありません。地図で区域を選択してください。",
        "en": "No area to suggest. Select areas on the map.",
    },
    "mapcmd.template": {
        "ja": "「{title}」優先度：{priority}",
        "en": "“{title}”, priority: {priority}",
    },
    "mapcmd.send": {"ja": "指示を送信", "en": "Send directive"},
    "mapcmd.sent": {
        "ja": "{names}へ「{title}」を送信しました。了解を待っています。",
        "en": "Sent “{title}” to {names}. Waiting for acknowledgement.",
    },
    "mapcmd.send_again": {"ja": "もう一度送信", "en": "Send again"},
    "mapcmd.tracked": {
        "ja": "直近の指示「{title}」（{time}）了解 {done}/{total}",
        "en": "Latest directive “{title}” ({time}): {done}/{total} acknowledged",
    },
    "mapcmd.tracked.waiting": {"ja": "了解待ち：{names}", "en": "Awaiting: {names}"},
    "mapcmd.to_ward": {"ja": "この区域に指示：{title}", "en": "Send to this area: {title}"},
    "mapcmd.replay": {"ja": "振り返り（再生）", "en": "Replay"},
    "mapcmd.replay.moment": {"ja": "表示する時刻", "en": "Moment shown"},
    "mapcmd.replay.play": {"ja": "再生", "en": "Play"},
    "mapcmd.replay.stop": {"ja": "停止", "en": "Stop"},
    "mapcmd.replay.note": {
        "ja": "{time}時点の状況です（振り返り中は指示を送れません）。",
        "en": "The situation as of {time} (no sending during a replay).",
    },
}
