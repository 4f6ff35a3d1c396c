"""The one event model: every ingestor produces `Event`, every detector reads only `Event`.

Field names follow OCSF (Authentication 3002, HTTP Activity 4002; `session.uid`,
`session.uid_alt`, `session.credential_uid`, `src_endpoint.ip`, `device.uid`) so that
`Event.to_ocsf()` is a rename, not a translation. An event never carries a credential:
what a request *presented* (a cookie, a bearer token) is only here as its keyed fingerprint
(`credential_fps`), and identifiers that name a session or a token in an IdP log (Okta
`externalSessionId`, Entra `SessionId`/`UniqueTokenIdentifier`, Auth0 `sid`) are carried both as
the log's own handle (not a bearer credential; the customer's SIEM already holds it) and as
keyed fingerprints (`identifier_fps`), which is what the watchlist matches on.

`time` is always the event's own timestamp: every decision downstream uses it, never the
wall clock, so a backfill of last week's logs gives the alerts a live follow would have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "AUTHENTICATION",
    "HTTP_ACTIVITY",
    "Event",
    "Outcome",
    "parse_time",
]

AUTHENTICATION = 3002
HTTP_ACTIVITY = 4002


class Outcome:
    """OCSF status names (a tiny namespace rather than an enum: ingestors compare strings)."""

    SUCCESS = "success"
    FAILURE = "failure"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Event:
    """One normalised log record. Fields a source does not have stay None or empty."""

    time: datetime
    source: str
    """The ingestor that produced it: okta, entra, auth0, nginx, jsonl, edge."""
    uid: str
    """`metadata.uid`: the source's event id, or a keyed digest of the line when it has none."""
    activity: str
    """`metadata.event_code`: Okta eventType, Auth0 type code, `http.request`, …"""
    class_uid: int = AUTHENTICATION
    outcome: str = Outcome.UNKNOWN
    actor_uid: str | None = None
    actor_name: str | None = None
    session_uid: str | None = None
    session_uid_alt: str | None = None
    session_fp: str | None = None
    """Keyed fingerprint of the session handle (or of the presented session credential): the
    key the session tracker and the drift detectors group by, so their state holds no handle."""
    identifier_fps: tuple[tuple[str, str], ...] = ()
    """(field, keyed fingerprint) of every linkable identifier the event names."""
    credential_fps: tuple[str, ...] = ()
    """Keyed fingerprints (or ≥16-hex prefixes) of credentials the request presented."""
    src_ip: str | None = None
    asn: int | None = None
    as_org: str | None = None
    is_proxy: bool | None = None
    user_agent: str | None = None
    device_uid: str | None = None
    """A device handle: Okta `dtHash`, Entra `deviceId`."""
    country: str | None = None
    city: str | None = None
    lat: float | None = None
    lon: float | None = None
    http_method: str | None = None
    url_path: str | None = None
    """Path only; ingestors drop the query string and fragment (they can hold tokens)."""
    http_status: int | None = None
    risk_level: str | None = None
    native_verdicts: tuple[str, ...] = ()
    """IdP verdicts carried by the event (`security.session.detect_client_roaming`, `anomalousToken`)."""
    token_binding: str | None = None
    """Entra Token Protection status, e.g. `unbound (1008)`."""
    targets: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def tracking_key(self) -> str | None:
        """What groups this event with others of the same session (a fingerprint, never a value)."""
        if self.session_fp:
            return self.session_fp
        return self.credential_fps[0] if self.credential_fps else None

    def to_ocsf(self) -> dict[str, Any]:
        """The event as an OCSF record (Authentication 3002 or HTTP Activity 4002)."""
        out: dict[str, Any] = {
            "class_uid": self.class_uid,
            "time": int(self.time.timestamp() * 1000),
            "metadata": {"uid": self.uid, "event_code": self.activity, "product": {"name": self.source}},
            "status": self.outcome,
        }
        actor: dict[str, Any] = {}
        if self.actor_uid or self.actor_name:
            actor["user"] = {k: v for k, v in (("uid", self.actor_uid), ("name", self.actor_name)) if v}
        session = {
            k: v
            for k, v in (
                ("uid", self.session_uid),
                ("uid_alt", self.session_uid_alt),
                ("credential_uid", self.credential_fps[0] if self.credential_fps else None),
            )
            if v
        }
        if session:
            actor["session"] = session
        if actor:
            out["actor"] = actor
        src: dict[str, Any] = {
            k: v for k, v in (("ip", self.src_ip), ("asn", self.asn), ("as_org", self.as_org)) if v is not None
        }
        if self.country or self.city:
            src["location"] = {k: v for k, v in (("country", self.country), ("city", self.city)) if v}
        if src:
            out["src_endpoint"] = src
        if self.user_agent or self.http_method or self.url_path:
            request = {
                k: v
                for k, v in (
                    ("user_agent", self.user_agent),
                    ("http_method", self.http_method),
                    ("url", {"path": self.url_path} if self.url_path else None),
                )
                if v
            }
            out["http_request"] = request
        if self.device_uid:
            out["device"] = {"uid": self.device_uid}
        if self.credential_fps:
            out["unmapped"] = {"credential_fps": list(self.credential_fps)}
        return out


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp, epoch seconds or milliseconds → an aware UTC datetime."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 10**11 else value
        return datetime.fromtimestamp(seconds, UTC)
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python 3.11 accepts 1-6 fractional digits only; Okta and Entra write up to 7.
    if "." in text:
        head, _, rest = text.partition(".")
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = f"{head}.{rest[: min(digits, 6)]}{rest[digits:]}" if digits else head + rest
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
