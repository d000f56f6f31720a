"""User-visible text of the outbound channels, in Japanese and English.

Keys are prefixed ``channel.`` so the table can be merged into the app's translation table.
Values are ``str.format`` templates; their fields are named in the comments.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

# Language used when a message asks for one the table does not have.
FALLBACK_LANGUAGE = "ja"
# Deadlines are shown in Japan time whatever zone they were stored in: the readers are in Japan.
DISPLAY_TZ = ZoneInfo("Asia/Tokyo")

TEXTS: dict[str, dict[str, str]] = {
    # Label of the acknowledgement button (LINE WORKS) — the word officials use is 了解.
    "channel.ack_button": {"ja": "了解", "en": "Acknowledge"},
    # Answer buttons beside 了解 in the talk room ("message" mode, the bot takes the callback).
    "channel.answer.done": {"ja": "対応済", "en": "Done"},
    "channel.answer.in_progress": {"ja": "対応中", "en": "In progress"},
    "channel.answer.cannot": {"ja": "対応不可", "en": "Cannot comply"},
    "channel.answer.reply": {"ja": "返信で回答", "en": "Reply in text"},
    "channel.priority.normal": {"ja": "通常", "en": "Normal"},
    "channel.priority.high": {"ja": "重要", "en": "Important"},
    "channel.priority.urgent": {"ja": "至急", "en": "Urgent"},
    # {label}: one of the channel.priority.* texts; only shown for high and urgent.
    "channel.priority_tag": {"ja": "【{label}】", "en": "[{label}] "},
    # {tag}: priority tag or empty, {title}: directive title.
    "channel.subject": {"ja": "{tag}[指示] {title}", "en": "{tag}[Directive] {title}"},
    # {ward_name}: ward the directive is addressed to.
    "channel.addressee": {"ja": "{ward_name} ご担当者様", "en": "To: {ward_name}"},
    # {deadline}: formatted with channel.datetime.
    "channel.deadline": {"ja": "期限: {deadline}", "en": "Deadline: {deadline}"},
    "channel.datetime": {
        "ja": "{year}年{month}月{day}日 {hour:02d}:{minute:02d}",
        "en": "{year}-{month:02d}-{day:02d} {hour:02d}:{minute:02d} JST",
    },
    "channel.ack_prompt": {
        "ja": "内容を確認したら、以下のリンクから「了解」を返信してください。",
        "en": "Once you have read this, please acknowledge it with the link below.",
    },
    "channel.mail_footer": {
        "ja": "このメールは災害状況ダッシュボードから自動送信されています。返信は確認されません。",
        "en": "Sent automatically by the disaster dashboard. Replies to this address are not read.",
    },
    # Problems with a ward's channel setting (the administration page; English in delivery logs).
    "channel.problem.lineworks_address": {
        "ja": "トークルームID（channel_id）かユーザーID（user_id）のどちらか一方を入力してください。",
        "en": "Set exactly one of channel_id (talk room) or user_id.",
    },
    # {field}: the name of a setting.
    "channel.problem.not_text": {
        "ja": "{field} は文字で入力してください。",
        "en": "{field} must be a string.",
    },
    # {choices}: the allowed values, comma-separated.
    "channel.problem.lineworks_ack_action": {
        "ja": "ack_action は次のいずれかです：{choices}",
        "en": "ack_action must be one of {choices}.",
    },
    "channel.problem.mail_no_recipient": {
        "ja": "宛先のメールアドレスを1つ以上入力してください。",
        "en": "List at least one e-mail address in to.",
    },
    # {addresses}: the addresses that are not usable, comma-separated.
    "channel.problem.mail_address": {
        "ja": "メールアドレスとして使えません：{addresses}",
        "en": "Not a plain e-mail address: {addresses}",
    },
    "channel.problem.webhook_url": {
        "ja": "URLは http:// または https:// で始まるアドレスを入力してください。",
        "en": "The url must be an http:// or https:// address.",
    },
    "channel.problem.webhook_secret_name": {
        "ja": "署名鍵の名前（secret_name）を指定する場合は空にできません。",
        "en": "secret_name must be a non-empty string when given.",
    },
}


def format_text(key: str, language: str, **fields: object) -> str:
    """The text for ``key`` in ``language`` (Japanese if missing), with ``fields`` filled in."""
    entry = TEXTS[key]
    template = entry.get(language) or entry[FALLBACK_LANGUAGE]
    return template.format(**fields)


def format_deadline(deadline: datetime, language: str) -> str:
    """A deadline as officials read it, in Japan time."""
    local = deadline.astimezone(DISPLAY_TZ)
    when = format_text(
        "channel.datetime",
        language,
        year=local.year,
        month=local.month,
        day=local.day,
        hour=local.hour,
        minute=local.minute,
    )
    return format_text("channel.deadline", language, deadline=when)


def format_subject(title: str, priority: str, language: str) -> str:
    """One-line heading: priority tag (high and urgent only), directive marker and title."""
    tag = ""
    if priority != "normal":
        label = format_text(f"channel.priority.{priority}", language)
        tag = format_text("channel.priority_tag", language, label=label)
    # A title typed with line breaks must not break header lines (mail) or the heading.
    one_line = " ".join(title.split())
    return format_text("channel.subject", language, tag=tag, title=one_line)
