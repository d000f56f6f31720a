"""Typed settings, read once from the environment (prefix ``DASHBOARD_``) and an optional .env file.

Secrets (the session secret, channel credentials) come only from here, never from the repository.
"""

from __future__ import annotations

import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# A well-known secret: refused outside demo mode. When no secret is set at all, each install
# generates its own (``SECRET_FILE`` in the data directory), so no two installs share one; with a
# database server outside demo mode a secret must be set (processes may run on several machines).
DEMO_SECRET = "demo-secret-change-me"
# Marks a value copied from an example file unchanged (deploy/dashboard.env.example).
PLACEHOLDER_MARK = "CHANGE-ME"
# File in the data directory holding the generated secret (kept, so signed links survive restarts).
SECRET_FILE = "secret_key"
# Where the SQLite file lives when no database URL is given.
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# Minutes a ward may leave a directive unacknowledged before it is reminded, per priority.
DEFAULT_ESCALATION_MINUTES = {"normal": 30, "high": 15, "urgent": 5}
# Settings still read (so that old .env files load) but no longer used: the one replacing each.
REPLACED_SETTINGS = {"jma_timeout_seconds": "DASHBOARD_JMA_DEADLINE_SECONDS"}

log = logging.getLogger(__name__)
# Replaced settings already warned about (once per process, not at every Settings()).
_warned_replaced: set[str] = set()


class Settings(BaseSettings):
    """Every setting of the application; see README "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="DASHBOARD_", env_file=".env", extra="ignore")

    database_url: str | None = None
    data_dir: Path = DEFAULT_DATA_DIR
    # Demo mode seeds the demo city into an empty database and lists demo accounts at login.
    demo_mode: bool = True
    # Signs acknowledgement links; unset: a random secret generated once per install.
    secret_key: str | None = None
    # Public address of the dashboard, used in acknowledgement links sent by e-mail or LINE WORKS.
    base_url: str = "http://127.0.0.1:8501"
    default_language: str = Field(default="ja", pattern="^(ja|en)$")
    timezone: str = "Asia/Tokyo"

    # Failed logins: free tries per user name at one client, then the wait before the next try
    # doubles from login_delay_seconds up to login_delay_max_seconds (no account is ever locked).
    login_max_failures: int = Field(default=5, ge=1)
    login_delay_seconds: int = Field(default=2, ge=1)
    login_delay_max_seconds: int = Field(default=300, ge=1)
    # Free failed tries per client whatever the name, and when failures are forgotten.
    login_client_max_failures: int = Field(default=30, ge=1)
    login_failure_window_minutes: int = Field(default=60, ge=1)
    # A login survives page reloads for this long (a cookie holds a random token), until logout.
    session_hours: int = Field(default=12, ge=1)

    silent_after_minutes: int = Field(default=30, ge=1)
    refresh_seconds: int = Field(default=15, ge=2)
    # Base map: "none" (ward boundaries only), "local" (tiles_file, served by the app), "demo"
    # (the demo's schematic base map, the default in demo mode), or from the internet:
    # "gsi_std", "gsi_pale", "osm". A path to an .mbtiles/.pmtiles file works as "local".
    tiles: str = "none"
    # The MBTiles or PMTiles file of "local", and a credit overriding the file's own.
    tiles_file: Path | None = None
    tiles_attribution: str | None = Field(default=None, max_length=300)

    # Directives: how often every page asks for new directives (a ward sees one within this).
    directive_poll_seconds: int = Field(default=3, ge=1, le=10)
    # Reminder after this many minutes without acknowledgement, per priority (JSON in the env).
    escalation_minutes: dict[str, int] = Field(default_factory=DEFAULT_ESCALATION_MINUTES.copy)
    # Stand-in (代行): a unit head silent this many minutes, per priority, hands a directive to
    # the next deputy (JSON in the env); unset priorities use the escalation minutes.
    standin_minutes: dict[str, int] = Field(default_factory=dict)
    # Reminders per delivery at most (one every escalation interval).
    max_reminders: int = Field(default=3, ge=1)
    # Lifetime of the signed acknowledgement links sent by e-mail, LINE WORKS and webhooks.
    ack_link_hours: int = Field(default=72, ge=1)

    # Delivery worker: a thread in each app process unless disabled (then run `run-worker`).
    worker_in_app: bool = True
    worker_interval_seconds: float = Field(default=2.0, gt=0)
    worker_batch_size: int = Field(default=20, ge=1)
    # Sends in flight at once, so one slow channel never holds up the others.
    worker_concurrency: int = Field(default=4, ge=1)
    outbox_max_attempts: int = Field(default=6, ge=1)
    # Back-off before retry n: base * 2**(n-1) seconds, at most the cap.
    outbox_backoff_seconds: float = Field(default=30.0, gt=0)
    outbox_backoff_max_seconds: float = Field(default=1800.0, gt=0)
    channel_timeout_seconds: float = Field(default=10.0, gt=0)

    # JMA disaster-information XML (気象庁防災情報XML): the Atom feed (or one report) polled for
    # 震度速報; unset (the default, and for LAN-only installs): nothing is ever fetched. The
    # areas a 5弱+ calls in (JIS codes; empty: the top of the jurisdiction tree).
    jma_feed_url: str | None = None
    jma_area_codes: list[str] = Field(default_factory=list)
    jma_poll_seconds: int = Field(default=60, ge=10)
    # Unused (REPLACED_SETTINGS): read so that existing .env files still load, with a warning.
    jma_timeout_seconds: str | None = None
    jma_max_bytes: int = Field(default=5_000_000, ge=1000)
    # One poll's whole fetch (feed and the reports it links) ends after this many seconds.
    jma_deadline_seconds: float = Field(default=30.0, gt=0)
    # 訓練 telegrams (JMA's drills) start a drill only when the install takes part in them.
    jma_accept_drills: bool = False
    # Hosts the feed, its redirects and its entry links may point to besides the feed's own host;
    # loopback, link-local and private addresses are refused unless their host is listed here.
    jma_allowed_hosts: list[str] = Field(default_factory=list)
    # Polls failing this long alert the crisis office (audit entry and HQ notice).
    jma_alert_after_minutes: int = Field(default=10, ge=1)

    # LINE WORKS bot (Developer Console); the private key as PEM text or a file path.
    lineworks_client_id: str | None = None
    lineworks_client_secret: SecretStr | None = None
    lineworks_service_account: str | None = None
    lineworks_private_key: SecretStr | None = None
    lineworks_private_key_file: Path | None = None
    lineworks_bot_id: str | None = None
    # Verifies X-WORKS-Signature of bot callbacks.
    lineworks_bot_secret: SecretStr | None = None
    lineworks_token_url: str | None = None
    lineworks_api_base: str | None = None
    # The bot's inbound side (dashboard.services.chatbot): hosts (comma-separated host[:port])
    # the attachments endpoint may redirect a download to, the minutes within which a photo and
    # a location make one damage report, and the age beyond which a callback event is refused.
    lineworks_file_hosts: str = "apis-storage.worksmobile.com"
    lineworks_photo_window_minutes: int = Field(default=10, ge=1, le=24 * 60)
    lineworks_event_max_age_seconds: int = Field(default=300, ge=10)
    # SMTP relay for e-mail delivery.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from_addr: str | None = None
    smtp_from_name: str | None = None
    smtp_starttls: bool = False
    smtp_ca_file: str | None = None
    # Webhook signing secrets by name (a target names one with "secret_name"); JSON in the env.
    webhook_secrets: dict[str, SecretStr] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _warn_replaced(self) -> Settings:
        for name, replacement in REPLACED_SETTINGS.items():
            if name in self.model_fields_set and name not in _warned_replaced:
                _warned_replaced.add(name)
                log.warning(
                    "DASHBOARD_%s is no longer used: %s bounds every fetch of a poll; remove "
                    "it from the environment file",
                    name.upper(),
                    replacement,
                )
        return self

    @model_validator(mode="after")
    def _demo_base_map(self) -> Settings:
        if "tiles" not in self.model_fields_set and self.demo_mode:
            self.tiles = "demo"  # the demo shows orientation from its first run, offline
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.secret_key is None:
            if not self.demo_mode and not self.uses_sqlite:
                # Processes on several machines would each generate their own secret: a link
                # signed by one would silently fail in another. Say so at start-up instead.
                raise ValueError(
                    "DASHBOARD_SECRET_KEY must be set when DASHBOARD_DATABASE_URL names a "
                    "database server and DASHBOARD_DEMO_MODE is false: every app process and the "
                    "worker, on every machine, must sign with the same secret. Create one with "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(48))'` and put it "
                    "in the environment file all of them read"
                )
            self.secret_key = _install_secret(self.data_dir)
        placeholder = self.secret_key == DEMO_SECRET or PLACEHOLDER_MARK in self.secret_key.upper()
        if not self.demo_mode and (placeholder or len(self.secret_key) < 16):
            raise ValueError(
                "DASHBOARD_SECRET_KEY must be a random value of at least 16 characters, not a "
                "published or placeholder value (or unset with SQLite, to use one generated for "
                "this install) when DASHBOARD_DEMO_MODE is false"
            )
        return self

    @property
    def uses_sqlite(self) -> bool:
        """Whether the database is an SQLite file (one machine) rather than a database server."""
        return not self.database_url or self.database_url.startswith("sqlite")

    def channel_credentials(self) -> dict[str, dict[str, Any]]:
        """Credentials per channel kind, in the shape ``dashboard.channels`` expects."""
        private_key = _secret(self.lineworks_private_key)
        if not private_key and self.lineworks_private_key_file:
            private_key = self.lineworks_private_key_file.read_text(encoding="utf-8")
        lineworks = {
            "client_id": self.lineworks_client_id,
            "client_secret": _secret(self.lineworks_client_secret),
            "service_account": self.lineworks_service_account,
            "private_key": private_key,
            "bot_id": self.lineworks_bot_id,
            "token_url": self.lineworks_token_url,
            "api_base": self.lineworks_api_base,
        }
        email = {
            "host": self.smtp_host,
            "port": self.smtp_port,
            "username": self.smtp_username,
            "password": _secret(self.smtp_password),
            "from_addr": self.smtp_from_addr,
            "from_name": self.smtp_from_name,
            "starttls": self.smtp_starttls,
            "ca_file": self.smtp_ca_file,
        }
        secrets = {name: value.get_secret_value() for name, value in self.webhook_secrets.items()}
        return {
            "lineworks": {k: v for k, v in lineworks.items() if v},
            "email": {k: v for k, v in email.items() if v not in (None, "")},
            "webhook": {"secrets": secrets},
        }

    def escalation_after_minutes(self, priority: str) -> int:
        """Minutes without acknowledgement before a reminder (the normal priority's if unset)."""
        minutes = self.escalation_minutes
        return int(minutes.get(priority) or minutes.get("normal") or 30)

    def standin_after_minutes(self, priority: str) -> int:
        """Minutes a head (or deputy) may stay silent before the next deputy holds a directive."""
        minutes = self.standin_minutes.get(priority)
        return int(minutes) if minutes else self.escalation_after_minutes(priority)

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or an SQLite file in the data directory (created on first use)."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / 'dashboard.sqlite3'}"


def _install_secret(data_dir: Path) -> str:
    """This install's generated secret: read from the data directory, or created there once.

    Created under a temporary name and linked into place, so two processes starting together
    agree on one secret (the second link fails and that process reads the first one's)."""
    path = data_dir / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    temporary = data_dir / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(48))
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text(encoding="utf-8").strip()


def settings_problem(error: ValidationError) -> str:
    """What is wrong with the settings, in one line per problem (no pydantic boilerplate)."""
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem.get("loc", ()))
        text = str(problem.get("msg", "")).removeprefix("Value error, ")
        lines.append(f"DASHBOARD_{where.upper()}: {text}" if where else text)
    return "\n".join(lines)


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def require_valid_settings() -> Settings:
    """The settings, or exit with what is wrong: the app process checks before it serves, so a
    wrong configuration stops it instead of failing later in a page (the worker and the other
    commands print the same line through ``dashboard.cli``)."""
    try:
        return get_settings()
    except ValidationError as exc:
        raise SystemExit(f"dashboard: refusing to start: {settings_problem(exc)}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated on first use."""
    return Settings()
