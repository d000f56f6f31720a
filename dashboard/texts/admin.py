"""Texts of the administration screen (accounts, channels, audit log)."""

TEXTS: dict[str, dict[str, str]] = {
    "admin.tab.accounts": {"ja": "アカウント", "en": "Accounts"},
    "admin.tab.channels": {"ja": "外部配信先", "en": "Channels"},
    "admin.tab.audit": {"ja": "監査ログ", "en": "Audit log"},
    # Accounts
    "admin.col.username": {"ja": "ユーザー名", "en": "User name"},
    "admin.col.display_name": {"ja": "表示名", "en": "Display name"},
    "admin.col.role": {"ja": "役割", "en": "Role"},
    "admin.col.area": {"ja": "担当区域", "en": "Area"},
    "admin.col.status": {"ja": "状態", "en": "Status"},
    "admin.col.last_login": {"ja": "最終ログイン", "en": "Last login"},
    "admin.inactive": {"ja": "停止中", "en": "deactivated"},
    "admin.demo_warning": {
        "ja": "デモモードが有効です。ログイン画面に共通パスワードのデモ用アカウントが表示されています。"
        "実運用では `DASHBOARD_DEMO_MODE=false` にしてください。",
        "en": "Demo mode is on: the login page lists demo accounts with a shared password. "
        "Set `DASHBOARD_DEMO_MODE=false` for real use.",
    },
    "admin.change_heading": {"ja": "役割・利用の変更", "en": "Change role or access"},
    "admin.change_help": {
        "ja": "役割の変更や利用停止をすると、そのアカウントのログインはすべて終了します。",
        "en": "A role change or a deactivation ends every login of the account.",
    },
    "admin.active": {"ja": "利用可", "en": "Active"},
    "admin.change": {"ja": "変更", "en": "Change"},
    "admin.changed": {
        "ja": "「{username}」を変更しました。",
        "en": "Account “{username}” changed.",
    },
    "admin.create_heading": {"ja": "アカウントを作成", "en": "Create an account"},
    "admin.username": {"ja": "ユーザー名", "en": "User name"},
    "admin.display_name": {"ja": "表示名", "en": "Display name"},
    "admin.role": {"ja": "役割", "en": "Role"},
    "admin.area": {"ja": "担当区域", "en": "Area"},
    "admin.password": {"ja": "パスワード", "en": "Password"},
    "admin.password_again": {"ja": "パスワード（確認）", "en": "Password again"},
    "admin.password_mismatch": {
        "ja": "2つのパスワードが一致しません。",
        "en": "The two passwords differ.",
    },
    "admin.create": {"ja": "作成", "en": "Create"},
    "admin.created": {
        "ja": "アカウント「{username}」を作成しました。",
        "en": "Account “{username}” created.",
    },
    "admin.password_heading": {"ja": "パスワードを設定", "en": "Set a password"},
    "admin.password_help": {
        "ja": "新しいパスワードを設定すると、そのアカウントのログインはすべて終了します。設定したパスワードは仮パスワードとなり、本人は次のログインで自分のパスワードに変更します。",
        "en": "A new password ends every login of the account. It is a one-time password: at the next login the user sets their own.",
    },
    "admin.user": {"ja": "アカウント", "en": "Account"},
    "admin.set_password": {"ja": "パスワードを設定", "en": "Set password"},
    "admin.password_set": {
        "ja": "「{username}」のパスワードを設定しました。",
        "en": "Password of “{username}” set.",
    },
    # Channels
    "admin.channels_help": {
        "ja": "各区が指示をダッシュボードの外（LINE WORKS・メール・Webhook）でも受け取る宛先です。",
        "en": "Where each ward also receives directives outside the dashboard "
        "(LINE WORKS, e-mail, webhook).",
    },
    "admin.channels_secrets": {
        "ja": "トークン・パスワード・署名鍵などの秘密情報はここでは入力しません。"
        "サーバーの設定から読み込まれます（Webhookの署名鍵は設定上の名前で指定します）。",
        "en": "Secrets (tokens, passwords, signing keys) are never entered here: they come "
        "from the server settings (a webhook names its signing key as configured there).",
    },
    "admin.channels_none": {"ja": "配信先はまだありません。", "en": "No channels yet."},
    "admin.col.kind": {"ja": "方法", "en": "Kind"},
    "admin.col.config": {"ja": "宛先", "en": "Address"},
    "admin.col.enabled": {"ja": "有効", "en": "Enabled"},
    "admin.channel.lineworks": {"ja": "LINE WORKS", "en": "LINE WORKS"},
    "admin.channel.email": {"ja": "メール", "en": "E-mail"},
    "admin.channel.webhook": {"ja": "Webhook", "en": "Webhook"},
    "admin.channel_add_heading": {"ja": "配信先を追加", "en": "Add a channel"},
    "admin.channel_kind": {"ja": "配信方法", "en": "Kind"},
    "admin.channel.lineworks_field": {
        "ja": "トークルームID（`channel_id`）",
        "en": "Talk room id (`channel_id`)",
    },
    "admin.channel.email_field": {
        "ja": "宛先メールアドレス（複数はカンマ区切り）",
        "en": "Addresses (comma separated)",
    },
    "admin.channel.webhook_field": {"ja": "URL", "en": "URL"},
    "admin.channel.lineworks_in_room": {
        "ja": "了解をトークルームで受け取る（ボットのコールバック）",
        "en": "Take 了解 in the talk room (bot callback)",
    },
    "admin.channel.lineworks_in_room_help": {
        "ja": "オフ：了解ボタンはダッシュボードの署名付きリンクを開きます。"
        "オン：了解はトークルームに投稿され、LINE WORKS がボットのコールバックURL"
        "（https://<ダッシュボード>/lineworks/callback）に知らせます。"
        "LINE WORKS から届く HTTPS のアドレスが必要です。",
        "en": "Off: the 了解 button opens the signed link to the dashboard. On: 了解 is posted in "
        "the talk room and LINE WORKS tells the bot's callback URL "
        "(https://<dashboard>/lineworks/callback); it needs an HTTPS address LINE WORKS can reach.",
    },
    "admin.channel.secret_name": {
        "ja": "署名鍵の名前（任意・設定済みのもの）",
        "en": "Signing key name (optional, as configured)",
    },
    "admin.channel_add": {"ja": "追加", "en": "Add"},
    "admin.channel_added": {"ja": "配信先を追加しました。", "en": "Channel added."},
    # Audit log
    "admin.audit_help": {
        "ja": "新しい順に最大{limit}件（担当範囲のユーザーとシステムの操作）。時刻は日本時間。",
        "en": "Newest first, up to {limit} entries (users in your scope and the system). "
        "Times in Japan time.",
    },
    "admin.col.time": {"ja": "日時", "en": "Time"},
    "admin.col.user": {"ja": "ユーザー", "en": "User"},
    "admin.col.action": {"ja": "操作", "en": "Action"},
    # Before the action of an audit entry written during a drill.
    "admin.drill_mark": {"ja": "【訓練】", "en": "[DRILL] "},
    "admin.col.entity": {"ja": "対象", "en": "Entity"},
    "admin.col.entity_id": {"ja": "ID", "en": "Id"},
    "admin.col.detail": {"ja": "詳細", "en": "Detail"},
}
