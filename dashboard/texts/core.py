"""Texts of the app shell, login, errors and the shared vocabulary."""

TEXTS: dict[str, dict[str, str]] = {
    # App shell
    "app.title": {"ja": "災害状況ダッシュボード", "en": "Disaster Status Dashboard"},
    "app.language": {"ja": "言語 / Language", "en": "Language / 言語"},
    "app.logout": {"ja": "ログアウト", "en": "Log out"},
    "app.logged_in_as": {"ja": "{name}（{role}・{area}）", "en": "{name} ({role}, {area})"},
    "app.demo_banner": {
        "ja": "デモモード：表示されているのは架空のデモデータです。区域の境界は模式図です。",
        "en": "Demo mode: the data shown is fictional demo data. Ward boundaries are schematic.",
    },
    "app.drill_banner": {
        "ja": "訓練モード：訓練「{name}」実施中。入力はすべて訓練データとして記録されます。",
        "en": "Drill mode: drill “{name}” in progress. Everything entered is recorded as drill data.",
    },
    "app.schematic_note": {
        "ja": "区域境界は模式図です（実際の境界ではありません）。",
        "en": "Ward boundaries are schematic (not the real boundaries).",
    },
    "app.retry": {"ja": "再読み込み", "en": "Try again"},
    "app.db_offline_notice": {
        "ja": "データベースに一時的に接続できません。表示が古い可能性があります。入力内容は保持されています。",
        "en": "The database is briefly unreachable: what is shown may be out of date. What you typed is kept.",
    },
    "app.db_unavailable": {
        "ja": "データベースに接続できません。しばらくしてから再度お試しください。（{detail}）",
        "en": "The database is not reachable. Please try again shortly. ({detail})",
    },
    "nav.section.situation": {"ja": "状況", "en": "Situation"},
    "nav.section.reporting": {"ja": "報告", "en": "Reporting"},
    "nav.section.command": {"ja": "指揮", "en": "Command"},
    "nav.section.admin": {"ja": "管理", "en": "Administration"},
    "nav.home": {"ja": "ホーム", "en": "Home"},
    "nav.map": {"ja": "状況地図", "en": "Situation map"},
    "nav.shelters": {"ja": "避難所状況", "en": "Shelters"},
    "nav.damage": {"ja": "被害報告", "en": "Damage reports"},
    "nav.review": {"ja": "被害報告の確認", "en": "Review reports"},
    "nav.directives": {"ja": "指示", "en": "Directives"},
    "nav.disaster_mode": {"ja": "災害モード・訓練", "en": "Disaster mode and drills"},
    "nav.chronology": {"ja": "クロノロジー", "en": "Chronology"},
    "nav.admin": {"ja": "アカウント・監査", "en": "Accounts and audit"},
    # Times
    "time.never": {"ja": "報告なし", "en": "never"},
    "time.just_now": {"ja": "たった今", "en": "just now"},
    "time.minutes_ago": {"ja": "{minutes}分前", "en": "{minutes} min ago"},
    "time.hours_ago": {"ja": "{hours}時間{minutes}分前", "en": "{hours} h {minutes} min ago"},
    # Login
    "login.title": {"ja": "ログイン", "en": "Log in"},
    "login.username": {"ja": "ユーザー名", "en": "User name"},
    "login.password": {"ja": "パスワード", "en": "Password"},
    "login.submit": {"ja": "ログイン", "en": "Log in"},
    "login.failed": {
        "ja": "ユーザー名またはパスワードが違います。",
        "en": "Wrong user name or password.",
    },
    "login.throttled": {
        "ja": "ログインの試行が続いたため、{seconds}秒待ってから再度お試しください。",
        "en": "Too many login attempts: wait {seconds} s, then try again.",
    },
    "login.demo_accounts": {
        "ja": "デモ用アカウント（パスワードはすべて「{password}」）",
        "en": "Demo accounts (password for all: “{password}”)",
    },
    "login.required": {
        "ja": "ユーザー名とパスワードを入力してください。",
        "en": "Enter your user name and password.",
    },
    # Home
    "home.welcome": {"ja": "{name}さん、ようこそ。", "en": "Welcome, {name}."},
    "home.scope": {"ja": "担当区域：{area}", "en": "Your area: {area}"},
    "home.counts": {
        "ja": "区域 {areas}・避難所 {shelters}・被害報告 {reports}",
        "en": "{areas} areas · {shelters} shelters · {reports} damage reports",
    },
    # Roles
    "role.governor": {"ja": "知事", "en": "Governor"},
    "role.mayor": {"ja": "市長", "en": "Mayor"},
    "role.crisis_admin": {"ja": "危機管理担当", "en": "Crisis management"},
    "role.ward_head": {"ja": "区長", "en": "Ward head"},
    "role.ward_staff": {"ja": "区職員", "en": "Ward staff"},
    "role.viewer": {"ja": "閲覧者", "en": "Viewer"},
    # Shelter vocabulary
    "shelter_kind.designated": {"ja": "指定避難所", "en": "Designated shelter"},
    "shelter_kind.welfare": {"ja": "福祉避難所", "en": "Welfare shelter"},
    "shelter_kind.emergency_site": {"ja": "指定緊急避難場所", "en": "Emergency evacuation site"},
    "shelter_kind.adhoc": {"ja": "臨時避難所", "en": "Ad-hoc shelter"},
    "shelter_state.preparing": {"ja": "開設準備中", "en": "Preparing"},
    "shelter_state.open": {"ja": "開設", "en": "Open"},
    "shelter_state.full": {"ja": "満員", "en": "Full"},
    "shelter_state.closed": {"ja": "閉鎖", "en": "Closed"},
    "shelter_state.none": {"ja": "未報告", "en": "Not reported"},
    "hazard.flood": {"ja": "洪水", "en": "Flood"},
    "hazard.landslide": {"ja": "崖崩れ・土石流・地滑り", "en": "Landslide, debris flow"},
    "hazard.storm_surge": {"ja": "高潮", "en": "Storm surge"},
    "hazard.earthquake": {"ja": "地震", "en": "Earthquake"},
    "hazard.tsunami": {"ja": "津波", "en": "Tsunami"},
    "hazard.large_fire": {"ja": "大規模な火事", "en": "Large fire"},
    "hazard.inland_flood": {"ja": "内水氾濫", "en": "Inland flooding"},
    "hazard.volcano": {"ja": "火山現象", "en": "Volcanic phenomena"},
    "need.water": {"ja": "飲料水", "en": "Water"},
    "need.food": {"ja": "食料", "en": "Food"},
    "need.blankets": {"ja": "毛布", "en": "Blankets"},
    "need.medical": {"ja": "医療", "en": "Medical care"},
    "need.power": {"ja": "電源", "en": "Power"},
    "need.toilets": {"ja": "トイレ", "en": "Toilets"},
    "need.care": {"ja": "要配慮者対応", "en": "People needing care"},
    # Damage vocabulary
    "category.building_collapse": {"ja": "建物倒壊", "en": "Building collapse"},
    "category.fire": {"ja": "火災", "en": "Fire"},
    "category.flooding": {"ja": "浸水", "en": "Flooding"},
    "category.landslide": {"ja": "土砂災害", "en": "Landslide"},
    "category.road_blocked": {"ja": "道路寸断", "en": "Road blocked"},
    "category.lifelines": {
        "ja": "電気・水道・ガス・通信",
        "en": "Lifelines (power, water, gas, telecom)",
    },
    "category.trapped": {"ja": "要救助", "en": "People trapped"},
    "category.other": {"ja": "その他", "en": "Other"},
    "severity.1": {
        "ja": "1 軽微：通行・生活に大きな支障なし",
        "en": "1 Minor: no major disruption",
    },
    "severity.2": {
        "ja": "2 中程度：一部に支障、対応が必要",
        "en": "2 Moderate: partial disruption, needs action",
    },
    "severity.3": {
        "ja": "3 重大：広範囲に支障、早急な対応が必要",
        "en": "3 Serious: wide disruption, act soon",
    },
    "severity.4": {
        "ja": "4 危機的：人命に関わる、直ちに対応",
        "en": "4 Critical: lives at risk, act now",
    },
    "review.new": {"ja": "未確認", "en": "New"},
    "review.confirmed": {"ja": "確認済", "en": "Confirmed"},
    "review.resolved": {"ja": "対応済", "en": "Resolved"},
    "review.duplicate": {"ja": "重複", "en": "Duplicate"},
    # Errors
    "error.forbidden": {
        "ja": "この操作を行う権限がありません。",
        "en": "You are not allowed to do this.",
    },
    "error.not_found": {"ja": "対象が見つかりません。", "en": "Not found."},
    "error.validation": {
        "ja": "入力内容に{count}件の問題があります。",
        "en": "{count} field(s) need correcting.",
    },
    "user.password_short": {
        "ja": "パスワードは{min}文字以上にしてください。",
        "en": "The password must have at least {min} characters.",
    },
    "user.password_wrong": {
        "ja": "現在のパスワードが違います。",
        "en": "The current password is wrong.",
    },
    "user.password_unchanged": {
        "ja": "新しいパスワードは現在のものと違うものにしてください。",
        "en": "The new password must differ from the current one.",
    },
    "login.must_change_password": {
        "ja": "仮パスワードでログインしています。先に自分のパスワードを設定してください。",
        "en": "You logged in with a one-time password: set your own password first.",
    },
    "password.title": {"ja": "パスワードの設定", "en": "Set your password"},
    "password.intro": {
        "ja": "仮パスワードでログインしました。利用を始める前に、自分だけが知るパスワードを設定してください。",
        "en": "You logged in with a one-time password. Before you start, set a password only you know.",
    },
    "password.current": {"ja": "現在の（仮）パスワード", "en": "Current (one-time) password"},
    "password.new": {"ja": "新しいパスワード", "en": "New password"},
    "password.again": {"ja": "新しいパスワード（確認）", "en": "New password again"},
    "password.mismatch": {
        "ja": "確認用のパスワードが一致しません。",
        "en": "The two new passwords differ.",
    },
    "password.submit": {"ja": "パスワードを設定", "en": "Set password"},
    "user.username_invalid": {
        "ja": "ユーザー名は1〜64文字で入力してください。",
        "en": "The user name must have 1 to 64 characters.",
    },
    "user.username_taken": {
        "ja": "ユーザー名「{username}」は既に使われています。",
        "en": "The user name “{username}” is already taken.",
    },
    "user.role_invalid": {
        "ja": "役割が正しくありません（{roles}）。",
        "en": "Unknown role (one of: {roles}).",
    },
    "user.jurisdiction_unknown": {
        "ja": "区域コード {code} は登録されていません。",
        "en": "No area with code {code} is registered.",
    },
    "user.email_invalid": {
        "ja": "メールアドレスの形式が正しくありません。",
        "en": "This is not an e-mail address.",
    },
    "user.not_found": {
        "ja": "ユーザー「{username}」は存在しません。",
        "en": "No user “{username}”.",
    },
    "shelter.state_invalid": {"ja": "状態を選択してください。", "en": "Choose a state."},
    "shelter.need_invalid": {"ja": "不明な支援ニーズが含まれています。", "en": "Unknown need."},
    "damage.category_invalid": {"ja": "被害の種類を選択してください。", "en": "Choose a category."},
    "damage.severity_invalid": {
        "ja": "深刻度を1〜4から選択してください。",
        "en": "Choose a severity from 1 to 4.",
    },
    "damage.outside_ward": {
        "ja": "この地点は担当区の外です。区外の報告として送る場合は確認してください。",
        "en": "This point is outside your ward. Confirm to file it as an out-of-ward report.",
    },
    "boundary.error": {
        "ja": "境界データを読み込めません：{detail}",
        "en": "Cannot read the boundary file: {detail}",
    },
}
