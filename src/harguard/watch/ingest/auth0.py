"""Auth0 log events → Event: Log Streams (custom webhook, a JSON array or lines, items either
bare or wrapped as `{"log_id", "data": {...}}`) and `GET /api/v2/logs` output.

The session id equals the ID token's `sid` claim (Auth0, "Manage User Sessions"), which is how
a HAR's ID token matches a later log line. Where the log carries it is not pinned down in the
public docs (anchors §10.6), so every spelling seen in the wild is read. Auth0's `user_agent`
is already parsed ("Firefox 118.0.0 / Windows 10.0.0"); `network.ua_similar` compares families.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..events import Event, Outcome, parse_time
from ._base import IngestContext, Ingestor, as_float, as_str, dig, first

__all__ = ["Auth0Ingestor"]

# Event codes with a verdict of their own (refresh-token reuse, breached password, anomaly).
_NATIVE = {
    "ferrt": "auth0.refresh_token_reuse",
    "pwd_leak": "auth0.breached_password",
    "limit_wc": "auth0.blocked_ip",
    "limit_mu": "auth0.blocked_ip",
    "pla": "auth0.pre_login_assessment",
}
_SUCCESS_PREFIXES = ("s", "seacft", "sertft", "seccft")


class Auth0Ingestor(Ingestor):
    name = "auth0"

    def parse(self, record: Any, ctx: IngestContext) -> Event | None:
        if isinstance(record, Mapping) and isinstance(record.get("data"), Mapping):
            record = record["data"]
        if not isinstance(record, Mapping) or not isinstance(record.get("type"), str):
            return None
        time = parse_time(record.get("date"))
        if time is None:
            ctx.notes["auth0: log without a valid date"] += 1
            return None
        code: str = record["type"]
        details: Mapping[str, Any] = record["details"] if isinstance(record.get("details"), Mapping) else {}
        sid = (
            first(details, "session_id", "sid", "sessionId")
            or first(record, "session_id", "sid")
            or dig(details, "session", "id")
        )
        sid = sid if isinstance(sid, str) and sid else None
        location: Mapping[str, Any] = (
            record["location_info"] if isinstance(record.get("location_info"), Mapping) else {}
        )
        ip = record.get("ip") if isinstance(record.get("ip"), str) else None
        asn, as_org = ctx.asn_of(ip)
        user = as_str(record.get("user_id"))
        identifiers = tuple((name, ctx.fp(v)) for name, v in (("sid", sid), ("user_id", user)) if v)
        return Event(
            time=time,
            source=self.name,
            uid=str(
                record.get("log_id")
                or record.get("_id")
                or ctx.digest(json.dumps(dict(record), sort_keys=True, default=str))
            ),
            activity=code,
            outcome=_outcome(code),
            actor_uid=user,
            actor_name=as_str(record.get("user_name")),
            session_uid=sid,
            session_fp=ctx.fp(sid) if sid else None,
            identifier_fps=identifiers,
            src_ip=ip,
            asn=asn,
            as_org=as_org,
            user_agent=as_str(record.get("user_agent")),
            country=as_str(location.get("country_code") or location.get("country_name")),
            city=as_str(location.get("city_name")),
            lat=as_float(location.get("latitude")),
            lon=as_float(location.get("longitude")),
            native_verdicts=(_NATIVE[code],) if code in _NATIVE else (),
            targets=tuple(t for t in (as_str(record.get("client_name")),) if t),
        )


def _outcome(code: str) -> str:
    if code.startswith("f") or code in ("limit_wc", "limit_mu", "pwd_leak"):
        return Outcome.FAILURE
    if code.startswith(_SUCCESS_PREFIXES):
        return Outcome.SUCCESS
    return Outcome.UNKNOWN
