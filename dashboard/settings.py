"""Typed settings, read once from the environment (prefix ``DASHBOARD_``) and an optional .env file.

Secrets (the session secret, channel credentials) come only from here, never from the repository.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Placeholder secret accepted only in demo mode, so a real deployment cannot forget to set one.
DEMO_SECRET = "demo-secret-change-me"
# Where the SQLite file lives when no database URL is given.
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class Settings(BaseSettings):
    """Every setting of the application; see README "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="DASHBOARD_", env_file=".env", extra="ignore")

    database_url: str | None = None
    data_dir: Path = DEFAULT_DATA_DIR
    # Demo mode seeds the demo city into an empty database and lists demo accounts at login.
    demo_mode: bool = True
    secret_key: str = DEMO_SECRET
    # Public address of the dashboard, used in acknowledgement links sent by e-mail or LINE WORKS.
    base_url: str = "http://127.0.0.1:8501"
    default_language: str = Field(default="ja", pattern="^(ja|en)$")
    timezone: str = "Asia/Tokyo"

    login_max_failures: int = Field(default=5, ge=1)
    login_lock_minutes: int = Field(default=15, ge=1)

    silent_after_minutes: int = Field(default=30, ge=1)
    refresh_seconds: int = Field(default=15, ge=2)
    # Base map: "none" (ward boundaries only, fully offline), "gsi_std", "gsi_pale", "osm".
    tiles: str = "none"

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if not self.demo_mode and (self.secret_key == DEMO_SECRET or len(self.secret_key) < 16):
            raise ValueError(
                "DASHBOARD_SECRET_KEY must be set to a random value of at least 16 characters "
                "when DASHBOARD_DEMO_MODE is false"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or an SQLite file in the data directory (created on first use)."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / 'dashboard.sqlite3'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated on first use."""
    return Settings()
