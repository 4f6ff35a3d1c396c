"""Settings: process configuration (pydantic-settings, prefix HARGUARD_), built at the edges.

Built once by an entry point (a CLI command, `create_app(settings)`, the audit runner) and
passed down; the core never reads the environment. The embedded defaults (SQLite and a local
data folder) need nothing; anything beyond `dev` mode must name its fingerprint key.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Shared process settings. Services extend this class with their own fields."""

    model_config = SettingsConfigDict(env_prefix="HARGUARD_", extra="forbid")

    data_dir: Path = Field(default=Path("data"), description="Local folder for the database and blobs.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default: SQLite in data_dir.")
    key_file: Path | None = Field(default=None, description="Fingerprint (HMAC) key file, hex or base64.")
    policy_file: Path | None = Field(default=None, description="Policy file (TOML) for sanitizing.")
    log_level: str = "INFO"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return normalize_database_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'harguard.db').resolve()}"


def normalize_database_url(url: str) -> str:
    """`postgresql://` and `postgres://` use psycopg 3, the driver we install."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
