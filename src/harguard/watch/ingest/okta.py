"""Okta System Log `LogEvent` → Event (NDJSON exports, Event Hooks, and `GET /api/v1/logs`).

Field mapping follows the OCSF examples' Okta mapping (`actor.session.uid` ←
`authenticationContext.externalSessionId`, `src_endpoint.ip` ← `client.ipAddress`, …).
`client.ipAddress` is used, not the last hop of `request.ipChain`: Okta already picked the
first address outside the org's trusted proxies. `debugData.requestUri` keeps its path only.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..events import Event, Outcome, parse_time
from ._base import IngestContext, Ingestor, as_float, as_int, as_str, dig, path_only

__all__ = ["NATIVE_VERDICTS", "OktaIngestor"]

# Okta's own verdicts, passed through (and escalated when the session is watched).
NATIVE_VERDICTS = frozenset(
    {
        "security.session.detect_client_roaming",
        "user.session.context.change",
        "policy.auth_reevaluate.fail",
        "app.oauth2.as.token.detect_reuse",
        "app.oauth2.token.detect_reuse",
        "security.threat.detected",
        "user.account.report_suspicious_activity_by_enduser",
        "user.risk.detect",
    }
)
_RISK = re.compile(r"level=(\w+)")
_OUTCOMES = {
    "SUCCESS": Outcome.SUCCESS,
    "ALLOW": Outcome.SUCCESS,
    "FAILURE": Outcome.FAILURE,
    "DENY": Outcome.FAILURE,
    "CHALLENGE": Outcome.UNKNOWN,
}


class OktaIngestor(Ingestor):
    name = "okta"

    def parse(self, record: Any, ctx: IngestContext) -> Event | None:
        if not isinstance(record, dict) or not isinstance(record.get("eventType"), str):
            return None
        time = parse_time(record.get("published"))
        if time is None:
            ctx.notes["okta: event without a valid `published` time"] += 1
            return None
        event_type: str = record["eventType"]
        auth = record.get("authenticationContext") or {}
        session = auth.get("externalSessionId") if isinstance(auth, dict) else None
        root = auth.get("rootSessionId") if isinstance(auth, dict) else None
        session = session if isinstance(session, str) and session not in ("", "unknown") else None
        root = root if isinstance(root, str) and root not in ("", "unknown") else None
        actor = as_str(dig(record, "actor", "id"))
        identifiers = tuple(
            (name, ctx.fp(v))
            for name, v in (("externalSessionId", session), ("rootSessionId", root), ("actor.id", actor))
            if v
        )
        ip = dig(record, "client", "ipAddress")
        asn = as_int(dig(record, "securityContext", "asNumber"))
        as_org = dig(record, "securityContext", "asOrg")
        if asn is None and isinstance(ip, str):
            asn, as_org = ctx.asn_of(ip)
        debug = dig(record, "debugContext", "debugData") or {}
        risk = _RISK.search(str(debug.get("risk") or "")) if isinstance(debug, dict) else None
        verdicts = [event_type] if event_type in NATIVE_VERDICTS else []
        if isinstance(debug, dict) and str(debug.get("threatSuspected", "")).lower() == "true":
            verdicts.append("threatSuspected")
        geo = dig(record, "client", "geographicalContext") or {}
        targets = tuple(
            str(t.get("displayName") or t.get("type")) for t in record.get("target") or [] if isinstance(t, dict)
        )
        return Event(
            time=time,
            source=self.name,
            uid=str(record.get("uuid") or ctx.digest(json.dumps(record, sort_keys=True, default=str))),
            activity=event_type,
            outcome=_OUTCOMES.get(str(dig(record, "outcome", "result")).upper(), Outcome.UNKNOWN),
            actor_uid=actor,
            actor_name=as_str(dig(record, "actor", "alternateId")),
            session_uid=session,
            session_uid_alt=root,
            session_fp=ctx.fp(session) if session else None,
            identifier_fps=identifiers,
            src_ip=as_str(ip),
            asn=asn,
            as_org=as_str(as_org),
            is_proxy=_bool(dig(record, "securityContext", "isProxy")),
            user_agent=as_str(dig(record, "client", "userAgent", "rawUserAgent")),
            device_uid=as_str(debug.get("dtHash")) if isinstance(debug, dict) else None,
            country=as_str(geo.get("country")) if isinstance(geo, dict) else None,
            city=as_str(geo.get("city")) if isinstance(geo, dict) else None,
            lat=as_float(dig(geo, "geolocation", "lat")),
            lon=as_float(dig(geo, "geolocation", "lon")),
            url_path=path_only(debug.get("requestUri")) if isinstance(debug, dict) else None,
            risk_level=risk.group(1).upper() if risk else None,
            native_verdicts=tuple(verdicts),
            targets=targets,
        )


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None
