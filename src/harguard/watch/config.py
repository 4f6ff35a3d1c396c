"""The watch configuration file (TOML): detection thresholds, alert sinks, delivery, playbooks.

Secrets are never in the file: a sink or playbook names the *environment variable* that holds
its secret (`secret_env = "HARGUARD_WEBHOOK_SECRET"`), read when the sink is built. Unknown keys
are an error, as everywhere in harguard: a typo must not silently switch an alert off.

    [detection]
    clock_skew_seconds = 120        # events this close before the upload still count as after it
    ua_similarity = 0.95            # Panther's threshold: below it, two user agents differ
    allow_asns = [64496]            # corporate VPN / egress ASNs: never "new"
    max_session_hours = 24          # forget sessions idle this long (event time)
    asn_file = "asn.csv"            # optional local CIDR,ASN[,org] table

    [[sinks]]
    type = "webhook"                # webhook | slack | splunk | cef | ocsf
    url = "https://siem.example.com/hooks/harguard"
    secret_env = "HARGUARD_WEBHOOK_SECRET"
    min_severity = "high"

    [delivery]
    attempts = 4
    backoff_seconds = 0.5
    breaker_failures = 5
    breaker_cooldown_seconds = 60
    dead_letter = "dead-letter.jsonl"

    [playbooks]
    okta_org = "https://example.okta.com"
    okta_token_env = "HARGUARD_OKTA_TOKEN"
    auto = ["auth0.session-delete"]  # may run live without --approve (per-session, not disruptive)
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import PolicyError
from ..types import Severity

__all__ = ["DeliveryConfig", "DetectionConfig", "PlaybookConfig", "SinkConfig", "WatchConfig"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DetectionConfig(_Strict):
    clock_skew_seconds: float = Field(default=120.0, ge=0, le=3600)
    ua_similarity: float = Field(default=0.95, gt=0, le=1)
    allow_asns: frozenset[int] = frozenset()
    max_session_hours: float = Field(default=24.0, gt=0)
    asn_file: Path | None = None
    max_sessions: int = Field(default=200_000, gt=0)
    impossible_travel_kmh: float = Field(default=1000.0, gt=0)


class SinkConfig(_Strict):
    type: Literal["webhook", "slack", "splunk", "cef", "ocsf"]
    name: str | None = None
    url: str | None = None
    url_env: str | None = None
    secret_env: str | None = None
    token_env: str | None = None
    path: Path | None = None
    host: str | None = None
    port: int | None = None
    protocol: Literal["tcp", "udp", "tls"] = "tcp"
    index: str | None = None
    sourcetype: str = "harguard:alert"
    min_severity: Severity = Severity.MEDIUM


class DeliveryConfig(_Strict):
    attempts: int = Field(default=4, ge=1, le=20)
    backoff_seconds: float = Field(default=0.5, ge=0)
    max_backoff_seconds: float = Field(default=30.0, ge=0)
    timeout_seconds: float = Field(default=5.0, gt=0)
    breaker_failures: int = Field(default=5, ge=1)
    breaker_cooldown_seconds: float = Field(default=60.0, ge=0)
    dead_letter: Path | None = None


class PlaybookConfig(_Strict):
    okta_org: str | None = None
    okta_token_env: str = "HARGUARD_OKTA_TOKEN"
    oauth_revoke_url: str | None = None
    oauth_client_id: str | None = None
    oauth_client_secret_env: str | None = None
    entra_graph: str = "https://graph.microsoft.com"
    entra_token_env: str = "HARGUARD_ENTRA_TOKEN"
    auth0_domain: str | None = None
    auth0_token_env: str = "HARGUARD_AUTH0_TOKEN"
    google_admin: str = "https://admin.googleapis.com"
    google_token_env: str = "HARGUARD_GOOGLE_TOKEN"
    auto: frozenset[str] = frozenset()
    max_wait_seconds: float = Field(default=60.0, ge=0)


class WatchConfig(_Strict):
    detection: DetectionConfig = DetectionConfig()
    sinks: tuple[SinkConfig, ...] = ()
    delivery: DeliveryConfig = DeliveryConfig()
    playbooks: PlaybookConfig = PlaybookConfig()

    @classmethod
    def load(cls, path: Path | None) -> WatchConfig:
        """The file's settings over the defaults; no file, the defaults (no sinks)."""
        if path is None:
            return cls()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise PolicyError(f"{path}: cannot read the watch config ({exc.strerror})") from None
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError(f"{path}: not valid TOML ({exc})") from None
        try:
            config = cls.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise PolicyError(f"{path}: {problems}") from None
        base = path.parent
        detection = config.detection
        if detection.asn_file is not None and not detection.asn_file.is_absolute():
            detection = detection.model_copy(update={"asn_file": base / detection.asn_file})
        delivery = config.delivery
        if delivery.dead_letter is not None and not delivery.dead_letter.is_absolute():
            delivery = delivery.model_copy(update={"dead_letter": base / delivery.dead_letter})
        return config.model_copy(update={"detection": detection, "delivery": delivery})
