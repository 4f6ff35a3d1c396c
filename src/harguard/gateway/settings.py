"""Gateway settings: environment, an optional TOML file, defaults; validated once at start.

Precedence, highest first: keyword arguments (the CLI's --host/--port), `HARGUARD_*` variables,
the TOML file (`--config` or `HARGUARD_CONFIG`), the defaults. Unknown keys in the file are an
error (fail closed), and no error message ever repeats a value: a typo next to a key must not
print the key.

`mode = "dev"` (the default) runs on embedded defaults: SQLite and generated keys in `data_dir`.
`mode = "production"` refuses to start unless the fingerprint key and the blob data key are
configured, so a misconfigured service never quietly invents keys that a restart would lose.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, TomlConfigSettingsSource

from ..errors import PolicyError
from ..settings import Settings

__all__ = ["GatewaySettings", "load_settings"]

CONFIG_ENV = "HARGUARD_CONFIG"
MiB = 2**20


class GatewaySettings(Settings):
    """Everything `harguard serve` reads; one instance per app, passed to `create_app`."""

    mode: Literal["dev", "production"] = Field(
        default="dev", description="dev: generate missing keys in data_dir; production: refuse to."
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    public_url: str | None = Field(default=None, description="The URL people use (printed at start).")
    key: SecretStr | None = Field(default=None, description="Fingerprint key (hex/base64) instead of key_file.")
    data_key_file: Path | None = Field(default=None, description="Blob encryption key file (32 bytes, hex).")
    data_key: SecretStr | None = Field(default=None, description="Blob encryption key instead of a file.")
    blob_dir: Path | None = Field(default=None, description="Encrypted blobs; default data_dir/blobs.")
    max_upload_bytes: int = Field(default=512 * MiB, ge=1024, description="Request body limit (413 above).")
    max_expanded_bytes: int = Field(default=1024 * MiB, ge=1024, description="Limit after gunzip/unzip.")
    max_files_per_upload: int = Field(default=20, ge=1)
    max_concurrent_uploads: int = Field(default=4, ge=1, description="Bodies held in memory at once.")
    sanitizer_workers: int = Field(default=0, ge=0, description="Parallel sanitizations; 0 = CPU count.")
    default_retention_days: int = Field(default=30, ge=1, description="For organisations without their own.")
    purge_interval_seconds: int = Field(default=3600, ge=0, description="Periodic purge; 0 disables it.")
    session_ttl_minutes: int = Field(default=480, ge=1)
    cookie_secure: bool = Field(default=True, description="Secure flag on cookies (keep it on).")
    alert_window_minutes: int = Field(default=15, ge=1)
    alert_org_threshold: int = Field(default=5, ge=2, description="Distinct organisations read in the window.")
    alert_download_threshold: int = Field(default=50, ge=2, description="Downloads in the window.")
    metrics_token: SecretStr | None = Field(default=None, description="Bearer token for /metrics, if set.")
    trust_forwarded_for: bool = Field(default=False, description="Take client IPs from X-Forwarded-For.")
    auto_migrate: bool = Field(default=True, description="Apply database migrations at start.")

    @model_validator(mode="after")
    def _check(self) -> GatewaySettings:
        if self.max_expanded_bytes < self.max_upload_bytes:
            raise ValueError("max_expanded_bytes must be at least max_upload_bytes")
        if self.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("log_level must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return self

    # -- derived values ----------------------------------------------------------------------
    @property
    def is_dev(self) -> bool:
        return self.mode == "dev"

    def resolved_blob_dir(self) -> Path:
        return (self.blob_dir or self.data_dir / "blobs").resolve()

    def resolved_key_file(self) -> Path:
        return (self.key_file or self.data_dir / "fingerprint.key").resolve()

    def resolved_data_key_file(self) -> Path:
        return (self.data_key_file or self.data_dir / "data.key").resolve()

    def url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    def retention_for(self, days: int | None) -> int:
        """Days files are kept: an organisation's own `days`, else the default."""
        return days or self.default_retention_days

    def workers(self) -> int:
        return self.sanitizer_workers or max(1, min(os.cpu_count() or 1, 8))

    def __repr_args__(self) -> Any:  # keys never appear in a repr, even masked ones
        return [(k, v) for k, v in super().__repr_args__() if k not in ("key", "data_key", "metrics_token")]


def load_settings(config: Path | None = None, **overrides: Any) -> GatewaySettings:
    """Build and validate the settings, or raise PolicyError with one readable line per problem."""
    path = config or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
    if path is not None:
        _check_toml(path)
    cls = _with_toml(path)
    try:
        return cls(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        raise PolicyError("invalid settings: " + "; ".join(_describe(e) for e in exc.errors())) from None


def _check_toml(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            tomllib.load(handle)
    except FileNotFoundError:
        raise PolicyError(f"{path}: config file not found") from None
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read the config file ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message names a line and column, not the text
        raise PolicyError(f"{path}: not valid TOML ({exc})") from None


def _with_toml(path: Path | None) -> type[GatewaySettings]:
    if path is None:
        return GatewaySettings

    class _FromFile(GatewaySettings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=path)

    _FromFile.__name__ = "GatewaySettings"
    return _FromFile


def _describe(error: Any) -> str:
    """One problem as `field: message`; pydantic's own text would quote the input value."""
    where = ".".join(str(part) for part in error.get("loc", ())) or "settings"
    message = str(error.get("msg", "invalid"))
    if error.get("type") == "extra_forbidden":
        message = "unknown setting"
    return f"{where}: {message}"
