"""Texts of the staff safety and mobilisation roll-call (職員安否確認・参集)."""

TEXTS: dict[str, dict[str, str]] = {
    "nav.rollcall": {"ja": "職員安否確認・参集", "en": "Staff roll-call"},
    "rollcall.answer_title": {"ja": "安否確認・参集の回答", "en": "Safety and mobilisation answer"},
    # {area}: area name, {tier}: staffing level name or empty.
    "rollcall.default_title": {
        "ja": "安否確認・参集 {area} {tier}",
        "en": "Safety and mobilisation roll-call {area} {tier}",
    },
    # {tier}: staffing level name.
    "rollcall.declaration_title": {
        "ja": "災害モード宣言（{tier}）安否確認・参集",
        "en": "Disaster mode ({tier}): safety and mobilisation roll-call",
    },
    # {area}: area name, {intensity}: e.g. 震度5弱.
    "rollcall.intensity_title": {
        "ja": "{area} {intensity} 観測 安否確認・参集",
        "en": "{intensity} observed in {area}: safety and mobilisation roll-call",
    },
    "rollcall.message_body": {
        "ja": "職員の安否確認と参集の確認です。下のリンクから、ご自身の安否と参集の可否を回答してください"
        "（ログイン不要・2タップ）。回答は何度でも変更できます。",
        "en": "This is the staff safety and mobilisation roll-call. Please answer with the link "
        "below whether you are safe and can come in (no login, two taps). You can change it.",
    },
    "rollcall.message_button": {"ja": "回答する", "en": "Answer"},
    "rollcall.message_prompt": {
        "ja": "回答はこちら（あなた専用のリンクです。転送しないでください）:",
        "en": "Answer here (a link for you alone; please do not forward it):",
    },
    "rollcall.intensity.1": {"ja": "震度1", "en": "Intensity 1"},
    "rollcall.intensity.2": {"ja": "震度2", "en": "Intensity 2"},
    "rollcall.intensity.3": {"ja": "震度3", "en": "Intensity 3"},
    "rollcall.intensity.4": {"ja": "震度4", "en": "Intensity 4"},
    "rollcall.intensity.5-": {"ja": "震度5弱", "en": "Intensity 5 lower"},
    "rollcall.intensity.5+": {"ja": "震度5強", "en": "Intensity 5 upper"},
    "rollcall.intensity.6-": {"ja": "震度6弱", "en": "Intensity 6 lower"},
    "rollcall.intensity.6+": {"ja": "震度6強", "en": "Intensity 6 upper"},
    "rollcall.intensity.7": {"ja": "震度7", "en": "Intensity 7"},
    "rollcall.trigger.manual": {"ja": "手動", "en": "By hand"},
    "rollcall.trigger.declaration": {"ja": "災害モード宣言", "en": "Declaration"},
    "rollcall.trigger.intensity": {"ja": "震度", "en": "Intensity"},
    "rollcall.safety.safe": {"ja": "無事", "en": "Safe"},
    "rollcall.safety.injured_minor": {"ja": "負傷（軽傷）", "en": "Injured (minor)"},
    "rollcall.safety.injured_serious": {"ja": "負傷（重傷）", "en": "Injured (serious)"},
    "rollcall.attendance.can_come": {"ja": "参集できる", "en": "Can come"},
    "rollcall.attendance.cannot": {"ja": "参集できない", "en": "Cannot come"},
    "rollcall.attendance.arrived": {"ja": "到着済", "en": "Arrived"},
    # Errors
    "rollcall.tier_invalid": {"ja": "配備体制を選んでください。", "en": "Choose a staffing level."},
    "rollcall.remind_invalid": {
        "ja": "督促までの時間は{low}〜{high}分で入力してください。",
        "en": "Remind after {low} to {high} minutes.",
    },
    "rollcall.link_invalid": {
        "ja": "このリンクは無効か期限切れです。最新のメッセージのリンクを開いてください。",
        "en": "This link is invalid or has expired. Open the link in the latest message.",
    },
    "rollcall.answers_closed": {
        "ja": "この安否確認は終了しました。回答は受け付けていません。所属の担当者に直接連絡してください。",
        "en": "This roll-call has ended and takes no more answers. Please contact your unit directly.",
    },
    "rollcall.too_many_answers": {
        "ja": "短時間に回答が多すぎます。{seconds}秒ほど待ってから送信してください。",
        "en": "Too many answers in a short time. Please wait about {seconds} seconds and send again.",
    },
    "rollcall.safety_invalid": {
        "ja": "安否を選んでください。",
        "en": "Choose whether you are safe.",
    },
    "rollcall.attendance_invalid": {
        "ja": "参集の可否を選んでください。",
        "en": "Choose whether you can come.",
    },
    "rollcall.eta_invalid": {
        "ja": "到着予定は0〜{max}分で入力してください。",
        "en": "Arrival in 0 to {max} minutes.",
    },
    "rollcall.jma_invalid": {
        "ja": "気象庁の地震情報XML（震度速報・震源・震度に関する情報）として読めません。",
        "en": "Not a JMA earthquake report XML (seismic intensity report).",
    },
    "rollcall.jma_file": {"ja": "気象庁XMLから（任意）", "en": "From a JMA XML file (optional)"},
    # {intensity}: e.g. 震度5弱.
    "rollcall.jma_read": {
        "ja": "XMLの震度: {intensity}",
        "en": "Intensity in the XML: {intensity}",
    },
    "rollcall.jma_outside": {
        "ja": "このXMLには対象区域の震度がありません。",
        "en": "The XML reports no intensity for this area.",
    },
    "rollcall.intensity_invalid": {"ja": "震度を選んでください。", "en": "Choose an intensity."},
    "rollcall.import.header": {
        "ja": "必須の列がありません: {column}",
        "en": "Required columns missing: {column}",
    },
    "rollcall.import.missing": {"ja": "入力が必要です", "en": "required"},
    "rollcall.import.too_long": {
        "ja": "{max}文字以内にしてください",
        "en": "at most {max} characters",
    },
    "rollcall.import.tier": {
        "ja": "1〜4 または 警戒配備・第1〜第3非常配備 で入力してください",
        "en": "1-4 or a staffing level name",
    },
    "rollcall.import.unit": {"ja": "所属コードが範囲外です", "en": "unit code not in your area"},
    "rollcall.import.email": {
        "ja": "メールアドレスが正しくありません",
        "en": "not an e-mail address",
    },
    "rollcall.import.no_contact": {
        "ja": "メールか LINE WORKS ID のどちらかが必要です",
        "en": "an e-mail or a LINE WORKS id is needed",
    },
    "rollcall.import.duplicate": {
        "ja": "職員番号が{line}行目と重複しています",
        "en": "employee number repeats line {line}",
    },
    # Board and start (page)
    "rollcall.start": {"ja": "安否確認を開始", "en": "Start a roll-call"},
    "rollcall.start_button": {"ja": "開始する", "en": "Start"},
    "rollcall.started": {"ja": "開始しました（{count}名）。", "en": "Started ({count} people)."},
    "rollcall.area": {"ja": "対象区域", "en": "Area"},
    "rollcall.unit": {"ja": "所属", "en": "Unit"},
    "rollcall.unit_all": {"ja": "全所属", "en": "All units"},
    "rollcall.tier": {"ja": "配備体制（この体制以下の職員）", "en": "Staffing level (and milder)"},
    "rollcall.tier_all": {"ja": "全職員", "en": "Everyone"},
    "rollcall.remind_after": {
        "ja": "未回答者への督促（分後）",
        "en": "Remind unanswered after (min)",
    },
    "rollcall.intensity_input": {"ja": "震度の入力", "en": "Seismic intensity"},
    "rollcall.intensity_button": {"ja": "震度を記録", "en": "Record intensity"},
    "rollcall.intensity_started": {
        "ja": "震度5弱以上のため安否確認を開始しました。",
        "en": "Intensity 5 lower or more: a roll-call has started.",
    },
    "rollcall.intensity_recorded": {
        "ja": "記録しました（安否確認は開始していません）。",
        "en": "Recorded (no roll-call started).",
    },
    "rollcall.choose": {"ja": "安否確認", "en": "Roll-call"},
    "rollcall.none": {"ja": "安否確認はまだありません。", "en": "No roll-call yet."},
    "rollcall.end": {"ja": "終了（督促停止）", "en": "End (stop reminders)"},
    "rollcall.ended": {"ja": "終了済み", "en": "Ended"},
    "rollcall.col.unit": {"ja": "所属", "en": "Unit"},
    "rollcall.col.name": {"ja": "氏名", "en": "Name"},
    "rollcall.col.number": {"ja": "職員番号", "en": "Employee no."},
    "rollcall.col.post": {"ja": "配置先", "en": "Post"},
    "rollcall.col.reminders": {"ja": "督促回数", "en": "Reminders"},
    "rollcall.col.called": {"ja": "対象", "en": "Called"},
    "rollcall.col.required": {"ja": "必要参集人数", "en": "Required"},
    "rollcall.col.sent": {"ja": "送信", "en": "Sent"},
    "rollcall.col.answered": {"ja": "回答", "en": "Answered"},
    "rollcall.col.safe": {"ja": "無事", "en": "Safe"},
    "rollcall.col.injured": {"ja": "負傷", "en": "Injured"},
    "rollcall.col.can_come": {"ja": "参集可", "en": "Can come"},
    "rollcall.col.cannot": {"ja": "参集不可", "en": "Cannot"},
    "rollcall.col.arrived": {"ja": "到着", "en": "Arrived"},
    # {hours}: 1, 3 or 6.
    "rollcall.col.within": {"ja": "{hours}h以内", "en": "Within {hours} h"},
    "rollcall.col.rate": {"ja": "参集率", "en": "Mobilisation"},
    "rollcall.col.unanswered": {"ja": "未回答", "en": "Unanswered"},
    "rollcall.rate_chart": {"ja": "参集率の推移", "en": "Mobilisation rate over time"},
    "rollcall.unanswered_list": {"ja": "未回答者", "en": "Not yet answered"},
    "rollcall.export_csv": {"ja": "CSV出力", "en": "Export CSV"},
    "rollcall.export_xlsx": {"ja": "Excel出力", "en": "Export Excel"},
    "rollcall.register": {"ja": "職員名簿", "en": "Staff register"},
    "rollcall.import_file": {"ja": "職員名簿CSV", "en": "Staff CSV"},
    "rollcall.import_check": {"ja": "確認（取り込まない）", "en": "Check (dry run)"},
    "rollcall.import_apply": {"ja": "取り込む", "en": "Import"},
    # {rows}, {created}, {updated}, {moved}: counts.
    "rollcall.import_report": {
        "ja": "{rows}行: 新規 {created}・更新 {updated}（うち異動 {moved}）",
        "en": "{rows} rows: {created} new, {updated} updated ({moved} moved)",
    },
    "rollcall.import_problems": {
        "ja": "問題のある行があるため取り込んでいません。",
        "en": "Nothing imported: some rows have problems.",
    },
    "rollcall.deactivate": {
        "ja": "今後の安否確認から外す（履歴は残ります）",
        "en": "Leave out of future roll-calls (history kept)",
    },
    "rollcall.activate": {"ja": "安否確認の対象に戻す", "en": "Include in roll-calls again"},
    "rollcall.import_done": {"ja": "取り込みました。", "en": "Imported."},
    # Answer page
    "rollcall.hello": {"ja": "{name} さん（{unit}）", "en": "{name} ({unit})"},
    "rollcall.q_safety": {"ja": "あなたの安否", "en": "Are you safe?"},
    "rollcall.q_attendance": {"ja": "参集", "en": "Can you come in?"},
    "rollcall.eta": {"ja": "到着予定（分後）", "en": "Arrival in (minutes)"},
    "rollcall.reason": {"ja": "参集できない理由", "en": "Why not"},
    "rollcall.place": {"ja": "現在地（任意）", "en": "Where you are (optional)"},
    "rollcall.comment": {"ja": "連絡事項（任意）", "en": "Comment (optional)"},
    "rollcall.send": {"ja": "回答を送信", "en": "Send answer"},
    # {time}: local time.
    "rollcall.answered": {
        "ja": "{time} に回答を受け付けました。",
        "en": "Answer received at {time}.",
    },
    "rollcall.latest": {
        "ja": "現在の回答: {safety}・{attendance}",
        "en": "Your answer: {safety}, {attendance}",
    },
    "rollcall.change_hint": {
        "ja": "変更する場合は、もう一度回答してください（履歴は残ります）。",
        "en": "To change it, answer again (earlier answers are kept).",
    },
    "rollcall.drill": {"ja": "【訓練】", "en": "[DRILL]"},
    # Required staff (必要参集人数)
    "rollcall.requirements": {"ja": "必要参集人数", "en": "Required staff"},
    "rollcall.requirements_hint": {
        "ja": "所属ごと・配備体制ごとに必要な参集人数。参集率はこの人数に対して計算します"
        "（未設定の所属は対象職員数に対して）。",
        "en": "Staff needed per unit and staffing level. The mobilisation rate is measured "
        "against it (against the staff called in where none is set).",
    },
    "rollcall.requirements_file": {
        "ja": "必要参集人数CSV（`unit_code,tier,required`）",
        "en": "Required staff CSV (`unit_code,tier,required`)",
    },
    "rollcall.requirements_save": {"ja": "必要参集人数を保存", "en": "Save required staff"},
    # {count}: number of changed values.
    "rollcall.requirements_saved": {
        "ja": "{count}件を保存しました。",
        "en": "{count} values saved.",
    },
    # {max}: largest number.
    "rollcall.required_invalid": {
        "ja": "0〜{max}の人数を入力してください。",
        "en": "Enter a number of staff from 0 to {max}.",
    },
    "rollcall.import.required": {
        "ja": "0〜{max}の整数で入力してください",
        "en": "a whole number from 0 to {max}",
    },
    # Staff register editing (administration page)
    "rollcall.staff_tab": {"ja": "職員名簿", "en": "Staff register"},
    "rollcall.staff_add": {"ja": "職員を追加", "en": "Add a person"},
    "rollcall.staff_edit": {"ja": "職員を編集・異動", "en": "Edit or move a person"},
    "rollcall.staff_save": {"ja": "保存", "en": "Save"},
    "rollcall.staff_saved": {"ja": "保存しました。", "en": "Saved."},
    "rollcall.staff_number_taken": {
        "ja": "この職員番号は登録済みです。",
        "en": "This employee number is already registered.",
    },
    "rollcall.staff_history": {"ja": "異動・変更履歴", "en": "History"},
    "rollcall.staff_search": {"ja": "職員番号・氏名で検索", "en": "Search number or name"},
    # {shown}, {found}, {total}: counts.
    "rollcall.staff_count": {
        "ja": "{total}名中 {found}名が該当（{shown}名を表示）",
        "en": "{found} of {total} match ({shown} shown)",
    },
    "rollcall.col.department": {"ja": "部署", "en": "Department"},
    "rollcall.col.tier": {"ja": "配備体制", "en": "Staffing level"},
    "rollcall.col.email": {"ja": "メール", "en": "E-mail"},
    "rollcall.col.lineworks": {"ja": "LINE WORKS ID", "en": "LINE WORKS id"},
    "rollcall.col.active": {"ja": "在籍", "en": "Active"},
    "rollcall.col.change": {"ja": "変更", "en": "Change"},
    "rollcall.col.when": {"ja": "日時", "en": "When"},
    "rollcall.col.previous": {"ja": "異動前", "en": "Moved from"},
    "rollcall.change.added": {"ja": "追加", "en": "Added"},
    "rollcall.change.edited": {"ja": "編集", "en": "Edited"},
    "rollcall.change.moved": {"ja": "異動", "en": "Moved"},
    "rollcall.change.deactivated": {"ja": "対象外", "en": "Deactivated"},
    "rollcall.change.activated": {"ja": "対象に戻す", "en": "Reactivated"},
    "rollcall.change.imported": {"ja": "CSV取込", "en": "Imported"},
    # JMA feed and the map's staffing layer
    "rollcall.jma_fetch_failed": {
        "ja": "気象庁XMLを取得できませんでした。",
        "en": "The JMA XML could not be fetched.",
    },
    "map.staffing": {"ja": "参集状況", "en": "Staffing"},
    # {rate}: percentage.
    "map.staffing.label": {"ja": "参集{rate}%", "en": "{rate}% in"},
    # {rate}: percentage, {arrived}/{required}: counts.
    "map.staffing.tooltip": {
        "ja": "参集率 {rate}%（{arrived}/{required}名）",
        "en": "Mobilisation {rate}% ({arrived}/{required})",
    },
    # Buttons of the roll-call message in the LINE WORKS talk room.
    "rollcall.chat.come": {"ja": "無事・参集できる", "en": "Safe, can come"},
    "rollcall.chat.cannot": {"ja": "無事・参集できない", "en": "Safe, cannot come"},
    "rollcall.chat.injured": {"ja": "負傷", "en": "Injured"},
    "rollcall.chat.arrived": {"ja": "到着した", "en": "Arrived"},
    "rollcall.chat.eta30": {"ja": "30分", "en": "30 min"},
    "rollcall.chat.eta60": {"ja": "1時間", "en": "1 hour"},
    "rollcall.chat.eta180": {"ja": "3時間", "en": "3 hours"},
    "rollcall.chat.etamore": {"ja": "それ以上", "en": "Longer"},
}
