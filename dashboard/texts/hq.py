"""Texts of the HQ roster (departments, HQ members, heads and deputies) and the stand-in."""

TEXTS: dict[str, dict[str, str]] = {
    # Roles as shown for users whose home is a department (the ward roles are reused there)
    "role.department_head": {"ja": "部局長", "en": "Department head"},
    "role.department_staff": {"ja": "部局職員", "en": "Department staff"},
    # Refusals
    "hq.department_read_only": {
        "ja": "部局のアカウントでは区の避難所・被害のデータを入力・変更できません（状況地図は閲覧できます）。",
        "en": "A department account cannot enter or change ward shelter or damage data (the situation map can be viewed).",
    },
    "hq.parent_invalid": {
        "ja": "部局は市または府の下にだけ置けます。",
        "en": "A department belongs under a city or prefecture.",
    },
    "hq.kind_invalid": {"ja": "部局の種別が正しくありません。", "en": "Unknown kind of unit."},
    "hq.too_many_deputies": {"ja": "代行者は{max}人までです。", "en": "At most {max} deputies."},
    "hq.holder_twice": {
        "ja": "同じ人が2回指定されています。",
        "en": "The same person is named twice.",
    },
    "hq.holder_not_of_unit": {
        "ja": "「{user}」はこの組織の有効なアカウントではありません。",
        "en": "“{user}” is not an active account of this unit.",
    },
    "hq.holder_role": {
        "ja": "「{user}」の役割では了解できません（区長・部局長の役割が必要です）。",
        "en": "“{user}” cannot acknowledge with that role (the head role is needed).",
    },
    # Import problems
    "hq.import.header": {
        "ja": "見出し行に「部局コード」か「部局名」の列がありません。",
        "en": "The header has no unit_code or unit_name column.",
    },
    "hq.import.unit_unknown": {
        "ja": "組織コード「{code}」は管轄にありません。",
        "en": "Unit code “{code}” is not in your area.",
    },
    "hq.import.unit_missing": {
        "ja": "部局コードか部局名が必要です。",
        "en": "A unit code or name is required.",
    },
    "hq.import.rank": {
        "ja": "代行順位は 0（本部員）から {max} までで指定してください。",
        "en": "The rank must be 0 (head) to {max}.",
    },
    "hq.import.rank_twice": {
        "ja": "同じ代行順位が{line}行目にもあります。",
        "en": "The same rank is on row {line} too.",
    },
    "hq.import.rank_gap": {
        "ja": "代行順位は 0 から欠けなく並べてください。",
        "en": "Ranks must run from 0 without gaps.",
    },
    "hq.import.user_unknown": {
        "ja": "ユーザー「{user}」が見つかりません。",
        "en": "No account “{user}”.",
    },
    "hq.import.too_long": {"ja": "{max}文字までです。", "en": "At most {max} characters."},
    "hq.import.new_unit_holders": {
        "ja": "新しい部局には先にアカウントを作成してから本部員・代行者を取り込んでください。",
        "en": "Create the new department's accounts first, then import its head and deputies.",
    },
    "hq.import.flag": {
        "ja": "本部員欄は 1/0・○/×・TRUE/FALSE で指定してください。",
        "en": "HQ member must be 1/0, ○/×, TRUE/FALSE.",
    },
    # Kinds of unit
    "hq.kind.crisis": {"ja": "危機管理", "en": "Crisis management"},
    "hq.kind.construction": {"ja": "建設・道路", "en": "Construction and roads"},
    "hq.kind.health": {"ja": "健康・保健", "en": "Health"},
    "hq.kind.welfare": {"ja": "福祉", "en": "Welfare"},
    "hq.kind.water": {"ja": "水道", "en": "Water"},
    "hq.kind.fire": {"ja": "消防", "en": "Fire"},
    "hq.kind.education": {"ja": "教育", "en": "Education"},
    "hq.kind.environment": {"ja": "環境", "en": "Environment"},
    "hq.kind.ward": {"ja": "区役所", "en": "Ward office"},
    "hq.kind.other": {"ja": "その他", "en": "Other"},
    # Ranks and stand-in
    "hq.rank.head": {"ja": "本部員（長）", "en": "Head"},
    "hq.rank.deputy": {"ja": "代行者{n}", "en": "Deputy {n}"},
    "hq.reason.timeout": {"ja": "未了解のため", "en": "no acknowledgement in time"},
    "hq.reason.rollcall": {
        "ja": "安否確認で負傷・参集不可のため",
        "en": "injured or cannot come (roll-call)",
    },
    "hq.reason.vacant": {"ja": "担当者不在のため", "en": "holder left the roster"},
    "hq.standin_prefix": {
        "ja": "【{holder}として対応願います】",
        "en": "[Please act as {holder}] ",
    },
    "chrono.kind.handover": {"ja": "代行", "en": "Stand-in"},
    "chrono.text.handover": {
        "ja": "{holder}へ代行（{reason}）：{title}",
        "en": "Passed to {holder} ({reason}): {title}",
    },
    # Templates meant for a kind of unit
    "template.clear_roads.title": {
        "ja": "緊急輸送道路の啓開をしてください",
        "en": "Clear the emergency transport roads",
    },
    "template.clear_roads.body": {
        "ja": "緊急輸送道路の被害を確認し、啓開作業に着手してください。通行可否と見込みを回答してください。",
        "en": "Check the emergency transport roads for damage and start clearing them. Answer with which are passable and when the rest will be.",
    },
    "template.shelter_health.title": {
        "ja": "避難所の健康管理を開始してください",
        "en": "Start health checks at shelters",
    },
    "template.shelter_health.body": {
        "ja": "開設中の避難所に保健師等を派遣し、避難者の健康状態（要配慮者・感染症）を確認してください。",
        "en": "Send public health nurses to the open shelters and check evacuees' health (people needing care, infections).",
    },
    "template.secure_water.title": {
        "ja": "応急給水を準備してください",
        "en": "Prepare emergency water supply",
    },
    "template.secure_water.body": {
        "ja": "断水区域を確認し、給水拠点と給水車の配置を準備して回答してください。",
        "en": "Confirm the areas without water, prepare water points and tankers, and answer with the plan.",
    },
    # Send form and board
    "hq.all_wards": {"ja": "すべての区", "en": "All wards"},
    "hq.all_departments": {"ja": "すべての部局", "en": "All departments"},
    "hq.all_members": {"ja": "本部員すべて", "en": "All HQ members"},
    "hq.template_targets": {
        "ja": "このテンプレートの対象部局：{names}",
        "en": "This template is meant for: {names}",
    },
    "inbox.passed_to": {
        "ja": "長が対応できないため、この指示は代行者{n}に移っています。代行者として了解・回答してください。",
        "en": "The head cannot act: this directive has passed to deputy {n}. Please acknowledge and answer as the deputy.",
    },
    "board.acknowledged_by": {"ja": "了解者", "en": "Acknowledged by"},
    "board.holder": {"ja": "代行", "en": "Stand-in"},
    "board.link": {"ja": "リンク", "en": "link"},
    # Administration: the roster
    "admin.tab.hq": {"ja": "本部体制", "en": "HQ roster"},
    "hq.roster_help": {
        "ja": "本部員（各組織の長）と代行者の順位です。長が指示に了解しないまま一定時間が過ぎるか、職員安否確認で負傷・参集不可と回答すると、指示は代行者1、代行者2…へ順に移ります。変更は履歴として残ります。",
        "en": "HQ members (each unit's head) and deputies in order. When the head does not acknowledge a directive in time, or answers the staff roll-call as injured or unable to come, it passes to deputy 1, then 2… Changes are kept as history.",
    },
    "hq.col.unit": {"ja": "組織", "en": "Unit"},
    "hq.col.kind": {"ja": "種別", "en": "Kind"},
    "hq.col.member": {"ja": "本部員", "en": "HQ member"},
    "hq.col.head": {"ja": "長", "en": "Head"},
    "hq.col.deputies": {"ja": "代行者（順位順）", "en": "Deputies (in order)"},
    "hq.col.from": {"ja": "開始", "en": "From"},
    "hq.col.to": {"ja": "終了", "en": "Until"},
    "hq.col.rank": {"ja": "順位", "en": "Rank"},
    "hq.col.person": {"ja": "担当者", "en": "Person"},
    "hq.edit_heading": {"ja": "本部員・代行者を変更", "en": "Change head and deputies"},
    "hq.unit": {"ja": "組織", "en": "Unit"},
    "hq.member": {"ja": "長は本部員", "en": "Head is an HQ member"},
    "hq.kind": {"ja": "種別", "en": "Kind"},
    "hq.head": {"ja": "長（本部員）", "en": "Head"},
    "hq.deputies": {
        "ja": "代行者（選んだ順が代行順位）",
        "en": "Deputies (the order chosen is their rank)",
    },
    "hq.employee_number": {
        "ja": "{name} の職員番号（安否確認と連動）",
        "en": "Employee number of {name} (roll-call link)",
    },
    "hq.save": {"ja": "保存", "en": "Save"},
    "hq.saved": {"ja": "保存しました。", "en": "Saved."},
    "hq.unchanged": {"ja": "変更はありません。", "en": "Nothing changed."},
    "hq.no_accounts": {
        "ja": "この組織には区長・部局長の役割のアカウントがありません。先にアカウントを作成してください。",
        "en": "This unit has no account with the head role yet. Create one first.",
    },
    "hq.history": {"ja": "履歴", "en": "History"},
    "hq.add_heading": {"ja": "部局を追加", "en": "Add a department"},
    "hq.name_ja": {"ja": "部局名", "en": "Name (Japanese)"},
    "hq.name_en": {"ja": "英語名", "en": "Name (English)"},
    "hq.add": {"ja": "追加", "en": "Add"},
    "hq.added": {"ja": "部局「{name}」を追加しました。", "en": "Department “{name}” added."},
    "hq.import_heading": {"ja": "CSVから取り込む", "en": "Import from CSV"},
    "hq.import_help": {
        "ja": "1行に1人：部局コード（または部局名）, 代行順位（0=本部員）, ユーザー名, 職員番号, 本部員, 種別。UTF-8・Shift_JIS・Excel可。",
        "en": "One person a row: unit_code (or unit_name), rank (0 = head), username, employee_number, hq_member, unit_kind. UTF-8, Shift_JIS or Excel.",
    },
    "hq.import_file": {"ja": "ファイル", "en": "File"},
    "hq.dry_run": {"ja": "確認（書き込みなし）", "en": "Check (writes nothing)"},
    "hq.import": {"ja": "取り込む", "en": "Import"},
    "hq.import_result": {
        "ja": "{rows}行・{units}組織（新しい部局 {new}）・本部員/代行者の変更 {holders}組織",
        "en": "{rows} rows, {units} units ({new} new departments), holders changed in {holders} units",
    },
    "hq.import_problems": {
        "ja": "問題が{count}件あります。何も書き込んでいません。",
        "en": "{count} problems: nothing was written.",
    },
    "hq.col.row": {"ja": "行", "en": "Row"},
    "hq.col.column": {"ja": "列", "en": "Column"},
    "hq.col.problem": {"ja": "内容", "en": "Problem"},
}
