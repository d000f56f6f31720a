"""What the LINE WORKS bot says, in Japanese and English (merged into the app's table)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # Linking an account to its LINE WORKS user (accounts.update_user).
    "user.lineworks_id_invalid": {
        "ja": "LINE WORKS ID は空白を含まない{maximum}文字以内で入力してください。",
        "en": "A LINE WORKS ID has no spaces and at most {maximum} characters.",
    },
    "user.lineworks_id_taken": {
        "ja": "この LINE WORKS ID は別のアカウントに登録されています。",
        "en": "This LINE WORKS ID belongs to another account.",
    },
    # The administration page's LINE WORKS fields (accounts and the staff register).
    "admin.lineworks_id": {"ja": "LINE WORKS ID", "en": "LINE WORKS id"},
    "admin.lineworks_id_help": {
        "ja": "LINE WORKS のユーザーID（管理画面に表示されるメールアドレス形式のID）。登録すると、この人が LINE WORKS の"
        "ボットで行った報告・回答がこのアカウントの操作として記録されます。空欄で解除します。",
        "en": "The person's LINE WORKS user id (e.g. taro@example-city). Once linked, what they "
        "report or answer through the LINE WORKS bot is recorded as this account's act. "
        "Leave empty to unlink.",
    },
    "admin.col.lineworks": {"ja": "LINE WORKS", "en": "LINE WORKS"},
    "rollcall.staff_lineworks_taken": {
        "ja": "この LINE WORKS ID は名簿の別の職員（職員番号 {number}）に登録されています。",
        "en": "This LINE WORKS id belongs to another person of the register "
        "(employee number {number}).",
    },
    "bot.unknown_user": {
        "ja": "申し訳ありません。このLINE WORKSアカウントはダッシュボードに登録されていません。"
        "危機管理室にお問い合わせください。",
        "en": "Sorry, this LINE WORKS account is not registered with the dashboard. "
        "Please contact the crisis management office.",
    },
    "bot.deactivated": {
        "ja": "このアカウントは利用停止中のため、受け付けできません。",
        "en": "This account is deactivated; nothing was recorded.",
    },
    "bot.needs_account": {
        "ja": "この操作にはダッシュボードのアカウントが必要です。",
        "en": "This needs a dashboard account.",
    },
    "bot.help": {
        "ja": "使い方：写真と位置情報を送ると被害報告になります。「避難所」で避難所の状況報告、"
        "「全て変化なし」で開設中の避難所をまとめて確認できます。安否確認と指示はボタンで回答できます。",
        "en": "Send a photo and a location to report damage. Type 'shelters' to update a "
        "shelter, 'all unchanged' to confirm every open shelter. Answer roll-calls and "
        "directives with their buttons.",
    },
    "bot.invalid": {"ja": "この操作は受け付けできません。", "en": "This cannot be done."},
    "bot.not_allowed": {"ja": "この操作の権限がありません", "en": "You may not do this"},
    "bot.failed": {
        "ja": "処理できませんでした。時間をおいてもう一度お試しください。",
        "en": "This could not be processed. Please try again later.",
    },
    "bot.yes": {"ja": "はい", "en": "Yes"},
    "bot.no": {"ja": "いいえ", "en": "No"},
    # Roll-call. {answer}: the button's label, {at}: time, {eta}: the quick reply's label.
    "bot.rollcall.received": {
        "ja": "回答を受け付けました：{answer}（{at}）",
        "en": "Answer received: {answer} ({at})",
    },
    "bot.rollcall.received_ask_eta": {
        "ja": "回答を受け付けました：{answer}（{at}）。到着予定を選んでください。",
        "en": "Answer received: {answer} ({at}). When will you arrive?",
    },
    "bot.rollcall.received_eta": {
        "ja": "到着予定を受け付けました：{eta}（{at}）",
        "en": "Arrival estimate received: {eta} ({at})",
    },
    "bot.rollcall.eta_longer": {"ja": "到着予定：3時間以上", "en": "Arrival: over 3 hours"},
    # Directives.
    "bot.directive.acknowledged": {"ja": "了解を記録しました（{at}）", "en": "Acknowledged ({at})"},
    "bot.directive.answered": {
        "ja": "回答を記録しました：{status}",
        "en": "Answer recorded: {status}",
    },
    "bot.directive.ask_cannot": {
        "ja": "対応できない理由を返信してください。",
        "en": "Reply with the reason you cannot comply.",
    },
    "bot.directive.ask_reply": {
        "ja": "回答を返信してください（対応中として記録します）。",
        "en": "Reply with your answer (recorded as in progress).",
    },
    # Shelters. {name}, {state}, {evacuees}, {who}, {count}.
    "bot.shelter.current": {
        "ja": "・{name}：{state} {evacuees}人",
        "en": "- {name}: {state}, {evacuees} people",
    },
    "bot.shelter.pick": {
        "ja": "避難所を選んでください。",
        "en": "Choose a shelter.",
    },
    "bot.shelter.none": {"ja": "報告できる避難所がありません。", "en": "No shelter to report."},
    "bot.shelter.all_unchanged": {"ja": "全て変化なし", "en": "All unchanged"},
    "bot.shelter.choose_state": {"ja": "状況を選んでください。", "en": "Choose its state."},
    "bot.shelter.state.same": {"ja": "変化なし", "en": "No change"},
    "bot.shelter.state.open": {"ja": "開設", "en": "Open"},
    "bot.shelter.state.full": {"ja": "満員", "en": "Full"},
    "bot.shelter.state.closed": {"ja": "閉鎖", "en": "Closed"},
    "bot.shelter.ask_evacuees": {
        "ja": "{name} の避難者数を数字で返信してください（例：120）。",
        "en": "Reply with the number of evacuees at {name} (e.g. 120).",
    },
    "bot.shelter.not_a_number": {
        "ja": "避難者数を数字で返信してください（例：120）。",
        "en": "Please reply with a number (e.g. 120).",
    },
    "bot.shelter.never_reported": {
        "ja": "この避難所はまだ報告がありません。開設・満員・閉鎖から選んでください。",
        "en": "This shelter has no report yet: choose open, full or closed.",
    },
    "bot.shelter.recorded": {
        "ja": "記録しました：{name} {state} {evacuees}人",
        "en": "Recorded: {name}, {state}, {evacuees} people",
    },
    "bot.shelter.conflict": {
        "ja": "記録しませんでした。{who}さんから新しい報告があります：{state} {evacuees}人。"
        "確認してからもう一度選んでください。",
        "en": "Not recorded: {who} reported since: {state}, {evacuees} people. "
        "Check it and choose again.",
    },
    "bot.shelter.all_confirmed": {
        "ja": "開設中の避難所 {count} か所を「変化なし」で確認しました。",
        "en": "Confirmed {count} open shelter(s) as unchanged.",
    },
    # Damage reports. {there}, {home}: ward names; {id}: report number; {max_mb}.
    "bot.damage.need_photo": {
        "ja": "位置情報を受け取りました。続けて被害の写真を送ってください。",
        "en": "Location received. Now send a photo of the damage.",
    },
    "bot.damage.need_location": {
        "ja": "写真を受け取りました。続けて位置情報を送ってください。",
        "en": "Photo received. Now send the location.",
    },
    "bot.damage.description_kept": {
        "ja": "説明として記録します。",
        "en": "Kept as the description.",
    },
    "bot.damage.text_may_describe": {
        "ja": "（続けて写真か位置情報を送ると、このメッセージを被害の説明として使います。）",
        "en": "(Send a photo or a location next, and this message becomes the description.)",
    },
    "bot.damage.earlier_text_kept": {
        "ja": "先ほどのメッセージを被害の説明として使います。",
        "en": "Your earlier message is kept as the description.",
    },
    "bot.damage.outside_city": {
        "ja": "この地点は市の区域外です。位置情報を送り直してください。",
        "en": "This point is outside the city. Please send the location again.",
    },
    "bot.damage.ask_outside": {
        "ja": "この地点は{there}です。{home}として報告しますか？",
        "en": "This point lies in {there}. File it for {home} anyway?",
    },
    "bot.damage.cancelled": {
        "ja": "報告を取り消しました。写真と位置情報を送り直してください。",
        "en": "Report cancelled. Send the photo and location again.",
    },
    "bot.damage.ask_category": {"ja": "被害の種類を選んでください。", "en": "Choose the category."},
    "bot.damage.ask_severity": {"ja": "深刻度を選んでください。", "en": "Choose the severity."},
    "bot.damage.ask_casualties": {"ja": "人的被害はありますか？", "en": "Any casualties?"},
    "bot.damage.casualties_yes": {"ja": "人的被害あり", "en": "Casualties"},
    "bot.damage.casualties_no": {"ja": "人的被害なし", "en": "No casualties"},
    "bot.damage.casualties_mark": {"ja": "【人的被害あり】", "en": "[Casualties]"},
    "bot.damage.filed": {
        "ja": "被害報告 第{id}号として受け付けました。地図に表示されます。",
        "en": "Damage report #{id} filed; it is on the map.",
    },
    "bot.damage.expired": {
        "ja": "報告の受付時間が過ぎました。写真と位置情報を送り直してください。",
        "en": "The report timed out. Send the photo and location again.",
    },
    "bot.damage.photo_too_large": {
        "ja": "写真が大きすぎます（{max_mb}MBまで）。",
        "en": "The photo is too large (up to {max_mb} MB).",
    },
    "bot.damage.photo_failed": {
        "ja": "写真を受け取れませんでした。もう一度送ってください。",
        "en": "The photo could not be received. Please send it again.",
    },
}
