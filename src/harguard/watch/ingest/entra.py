"""Microsoft Entra sign-in logs → Event: Graph `signIn` JSON (camelCase) and Log Analytics
`SigninLogs` / `AADNonInteractiveUserSignInLogs` exports (PascalCase, nested columns as strings).

`SessionId` is the `sid` claim and `UniqueTokenIdentifier` the `uti` claim of the tokens the
sign-in issued or used (Graph `linkableIdentifiers`), so a JWT decoded offline from a HAR
matches a sign-in row with no replay at all (monitoring anchors §2.3).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..events import Event, Outcome, parse_time
from ._base import IngestContext, Ingestor, as_float, as_int, as_str, first

__all__ = ["EntraIngestor"]


class EntraIngestor(Ingestor):
    name = "entra"

    def parse(self, record: Any, ctx: IngestContext) -> Event | None:
        if not isinstance(record, Mapping):
            return None
        r = _Fields(record)
        time = parse_time(r.get("createdDateTime", "TimeGenerated"))
        if time is None:
            ctx.notes["entra: row without a valid createdDateTime"] += 1
            return None
        session, uti = as_str(r.get("sessionId")), as_str(r.get("uniqueTokenIdentifier"))
        user = as_str(r.get("userId"))
        identifiers = tuple(
            (name, ctx.fp(v))
            for name, v in (("SessionId", session), ("UniqueTokenIdentifier", uti), ("userId", user))
            if v
        )
        ip = as_str(r.get("ipAddress"))
        asn, as_org = as_int(r.get("autonomousSystemNumber")), None
        if asn is None and ip:
            asn, as_org = ctx.asn_of(ip)
        location = _nested(r.get("locationDetails", "location")) or {}
        geo = _nested(location.get("geoCoordinates")) or {}
        device = _nested(r.get("deviceDetail")) or {}
        verdicts = _list(r.get("riskEventTypes_v2", "riskEventTypesV2", "riskEventTypes"))
        interactive = r.get("isInteractive")
        return Event(
            time=time,
            source=self.name,
            uid=str(r.get("id", "Id") or ctx.digest(json.dumps(dict(record), sort_keys=True, default=str))),
            activity="signIn" if interactive in (True, "true", "True") else "signIn.nonInteractive",
            outcome=_outcome(r),
            actor_uid=user,
            actor_name=as_str(r.get("userPrincipalName")),
            session_uid=session,
            session_fp=ctx.fp(session) if session else None,
            identifier_fps=identifiers,
            src_ip=ip,
            asn=asn,
            as_org=as_org,
            user_agent=as_str(r.get("userAgent")),
            device_uid=as_str(device.get("deviceId")) or None,
            country=as_str(location.get("countryOrRegion")),
            city=as_str(location.get("city")),
            lat=as_float(geo.get("latitude")),
            lon=as_float(geo.get("longitude")),
            risk_level=(as_str(r.get("riskLevelDuringSignIn")) or "").upper() or None,
            native_verdicts=tuple(v for v in verdicts if v and v != "none"),
            token_binding=_binding(_nested(r.get("tokenProtectionStatusDetails"))),
            targets=tuple(t for t in (as_str(r.get("appDisplayName")), as_str(r.get("resourceDisplayName"))) if t),
        )


class _Fields:
    """camelCase lookups that also find the PascalCase Log Analytics spelling."""

    def __init__(self, record: Mapping[str, Any]) -> None:
        self.record = record

    def get(self, *names: str) -> Any:
        spellings = [s for n in names for s in (n, n[:1].upper() + n[1:])]
        if "ipAddress" in names:
            spellings.append("IPAddress")
        return first(self.record, *spellings)


def _nested(value: Any) -> dict[str, Any] | None:
    """Log Analytics exports nested columns as JSON strings."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def _list(value: Any) -> list[str]:
    if isinstance(value, str) and value.startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [str(v) for v in value] if isinstance(value, list) else []


def _outcome(r: _Fields) -> str:
    status = _nested(r.get("status"))
    code = status.get("errorCode") if status else r.get("resultType")
    if code is None:
        return Outcome.UNKNOWN
    return Outcome.SUCCESS if str(code) == "0" else Outcome.FAILURE


def _binding(details: dict[str, Any] | None) -> str | None:
    if not details:
        return None
    status = details.get("signInSessionStatus")
    code = details.get("signInSessionStatusCode")
    if not status:
        return None
    return f"{status} ({code})" if code is not None else str(status)
