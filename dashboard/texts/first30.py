"""Texts of the first thirty minutes of an earthquake: JMA telegrams, the declaration prompt,
the first report's countdown, the feed's health (issue 21)."""

TEXTS: dict[str, dict[str, str]] = {
    # {status}: Control/Status, {type}: Head/InfoType of the telegram.
    "rollcall.jma_not_acted": {
        "ja": "この電文（{status}・{type}）では参集を開始しません（試験・取消、訓練モード外の訓練報）",
        "en": "This telegram ({status}, {type}) starts nothing (test, withdrawal, or a drill "
        "telegram outside a drill)",
    },
    "rollcall.jma_drill_prefix": {"ja": "【訓練】", "en": "[DRILL] "},
    "first30.heading": {"ja": "地震発生直後の対応", "en": "The first thirty minutes"},
    # {name}: the quake as JMA names it, {tier}: staffing level name.
    "first30.prompt": {
        "ja": "{name}：{tier}で災害モードを宣言しますか（宣言は人が行います）",
        "en": "{name}: declare disaster mode at {tier}? (a person decides)",
    },
    "first30.declare": {"ja": "{tier}で宣言する", "en": "Declare at {tier}"},
    "first30.declared": {"ja": "災害モードを宣言しました", "en": "Disaster mode declared"},
    # {name}: quake name, {at}: time JMA withdrew it.
    "first30.withdrawn": {
        "ja": "気象庁が「{name}」の情報を取り消しました（{at}）。送信済みの参集は自動では終了しません。"
        "参集を終了するかどうか判断してください。",
        "en": "JMA withdrew the report of {name} ({at}). Roll-calls already sent are not ended "
        "automatically: decide whether to end them.",
    },
    # {name}: quake name, {at}: 覚知.
    "first30.real_in_drill": {
        "ja": "訓練中に実際の地震で参集を開始しました：{name}（{at}）。訓練の画面には実データが表示されません。訓練を終了してください。",
        "en": "A real earthquake called staff in during the drill: {name} ({at}). Drill views do "
        "not show real data: end the drill.",
    },
    # {name}: the drill, {hours}/{minutes}: how long it has run, {since}: its start.
    "first30.drill_running": {
        "ja": "訓練「{name}」が{hours}時間{minutes}分続いています（{since} 開始）。訓練中は実際の"
        "データが表示されません。訓練は自動では終了しません：終わったら「災害モード・訓練」"
        "ページの「訓練を終了」で終了してください。",
        "en": "The drill “{name}” has been running for {hours} h {minutes} min (since {since}). "
        "Real data is not shown during a drill. A drill does not end by itself: end it with "
        "“End drill” on the Disaster mode and drills page.",
    },
    "first30.acknowledge": {"ja": "確認した", "en": "Acknowledged"},
    # {body}: municipality, {due}: time, {minutes}: minutes left.
    "first30.countdown": {
        "ja": "{body}：第1報の期限 {due}（残り{minutes}分）",
        "en": "{body}: first report due {due} ({minutes} min left)",
    },
    "first30.overdue": {
        "ja": "{body}：第1報の期限 {due} を{minutes}分過ぎています（遅延）",
        "en": "{body}: first report was due {due}, {minutes} min late",
    },
    "first30.direct_fdma": {
        "ja": "震度5強以上：消防庁へも直接即報（直接即報基準）",
        "en": "Intensity 5 upper or more: report directly to FDMA as well",
    },
    "first30.feed_failing": {
        "ja": "気象庁XMLの取得が{minutes}分以上失敗しています（最終成功 {success}、最新エラー {error}）",
        "en": "The JMA feed has failed for {minutes}+ min (last success {success}, last error {error})",
    },
    "first30.feed_health": {
        "ja": "気象庁XML：最終成功 {success}／最新エラー {at} {error}",
        "en": "JMA feed: last success {success} / last error {at} {error}",
    },
    "first30.never": {"ja": "なし", "en": "never"},
    "first30.start_time": {"ja": "発生日時", "en": "Start time"},
    "first30.same_name": {
        "ja": "同じ名前の災害がこの地域に既にあります。別の災害として登録する場合は確認してください。",
        "en": "A disaster of this name already exists in this area. Confirm to register another.",
    },
    "first30.confirm_same_name": {
        "ja": "同名の災害として登録する",
        "en": "Register it as another disaster",
    },
    "first30.start_in_future": {
        "ja": "発生日時は現在より後にできません",
        "en": "The start time cannot be in the future",
    },
}
