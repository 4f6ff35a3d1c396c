"""Alerts: what a detector raises, how it is identified, and its OCSF Detection Finding form.

An alert names the exposure by kind and fingerprint prefix (the 12 hex digits the sanitized
file's placeholder shows, so support can find the spot in the case), the case and tenant, the
log's own session handle and actor, and evidence as Salesforce `SessionHijackingEvent`-style
`current`/`previous` pairs, so a SIRT sees at a glance *what changed* and what did not. It
never holds a credential. Its `uid` is derived from the detector, the correlation key and the
severity, so the same logs give the same alert ids however often they are processed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .._version import __version__
from ..types import Severity
from .events import Event
from .watchlist import Exposure

__all__ = ["OCSF_VERSION", "Alert", "exposure_ref", "make_alert"]

OCSF_VERSION = "1.3.0"
DETECTION_FINDING = 2004
_SEVERITY_ID = {Severity.LOW: 2, Severity.MEDIUM: 3, Severity.HIGH: 4, Severity.CRITICAL: 5}


@dataclass(frozen=True)
class Alert:
    """One finding of one detector; everything in it may be shown to a person or a SIEM."""

    uid: str
    rule: str
    title: str
    severity: Severity
    time: datetime
    summary: str
    dedup_key: str
    tenant: str | None = None
    case: str | None = None
    exposure: dict[str, Any] | None = None
    actor: dict[str, Any] | None = None
    session: dict[str, Any] | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    signals: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    source: str | None = None
    playbooks: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "uid": self.uid,
            "rule": self.rule,
            "title": self.title,
            "severity": self.severity.value,
            "time": self.time.isoformat(),
            "summary": self.summary,
            "tenant": self.tenant,
            "case": self.case,
            "exposure": self.exposure,
            "actor": self.actor,
            "session": self.session,
            "evidence": self.evidence,
            "signals": list(self.signals),
            "events": list(self.events),
            "source": self.source,
            "playbooks": list(self.playbooks),
        }
        return {k: v for k, v in out.items() if v not in (None, [], {})}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        return cls(
            uid=data["uid"],
            rule=data["rule"],
            title=data["title"],
            severity=Severity(data["severity"]),
            time=datetime.fromisoformat(data["time"]),
            summary=data.get("summary", ""),
            dedup_key=data.get("dedup_key", data["uid"]),
            tenant=data.get("tenant"),
            case=data.get("case"),
            exposure=data.get("exposure"),
            actor=data.get("actor"),
            session=data.get("session"),
            evidence=data.get("evidence", {}),
            signals=tuple(data.get("signals", ())),
            events=tuple(data.get("events", ())),
            source=data.get("source"),
            playbooks=tuple(data.get("playbooks", ())),
        )

    def to_ocsf(self) -> dict[str, Any]:
        """OCSF Detection Finding (class 2004, schema 1.3)."""
        millis = int(self.time.timestamp() * 1000)
        resources = []
        if self.exposure:
            resources.append(
                {
                    "type": "credential",
                    "uid": self.exposure.get("fingerprint"),
                    "name": self.exposure.get("kind"),
                    "labels": [x for x in (self.case, self.tenant) if x],
                }
            )
        finding: dict[str, Any] = {
            "class_uid": DETECTION_FINDING,
            "class_name": "Detection Finding",
            "category_uid": 2,
            "category_name": "Findings",
            "activity_id": 1,
            "activity_name": "Create",
            "type_uid": DETECTION_FINDING * 100 + 1,
            "time": millis,
            "severity_id": _SEVERITY_ID[self.severity],
            "severity": self.severity.value.capitalize(),
            "status_id": 1,
            "status": "New",
            "message": self.summary,
            "metadata": {
                "version": OCSF_VERSION,
                "uid": self.uid,
                "product": {"name": "harguard watch", "vendor_name": "harguard", "version": __version__},
            },
            "finding_info": {
                "uid": self.uid,
                "title": self.title,
                "desc": self.summary,
                "types": [self.rule],
                "first_seen_time": millis,
                "last_seen_time": millis,
                "related_events": [{"uid": e} for e in self.events],
            },
            "evidences": [{"data": self.evidence}] if self.evidence else [],
            "resources": resources,
            "unmapped": {
                k: v
                for k, v in (
                    ("case", self.case),
                    ("tenant", self.tenant),
                    ("signals", list(self.signals)),
                    ("exposure", self.exposure),
                    ("source", self.source),
                )
                if v
            },
        }
        if self.actor or self.session:
            finding["actor"] = {k: v for k, v in (("user", self.actor), ("session", self.session)) if v}
        return finding


def exposure_ref(exposure: Exposure, *, via: str) -> dict[str, Any]:
    """How an alert names an exposure: kind, fingerprint prefix, times, status; never a value."""
    out: dict[str, Any] = {
        "id": exposure.id,
        "kind": exposure.kind,
        "fingerprint": exposure.short,
        "status": exposure.status,
        "exposed_at": exposure.exposed_at.isoformat(),
        "matched_via": via,
        "origin": exposure.origin,
    }
    if exposure.expires_at is not None:
        out["expires_at"] = exposure.expires_at.isoformat()
    canary_of = exposure.context.get("canary_of")
    if isinstance(canary_of, str):
        out["canary_of"] = canary_of[:12]
    return {k: v for k, v in out.items() if v is not None}


def make_alert(
    *,
    rule: str,
    title: str,
    severity: Severity,
    event: Event,
    dedup_key: str,
    summary: str,
    exposure: Exposure | None = None,
    via: str = "",
    evidence: dict[str, Any] | None = None,
    signals: tuple[str, ...] = (),
    playbooks: tuple[str, ...] = (),
) -> Alert:
    """An alert about `event` (its time, actor, session handle), optionally on an exposure."""
    uid = hashlib.sha256(f"{rule}\x00{dedup_key}\x00{severity.value}".encode()).hexdigest()[:32]
    actor = {k: v for k, v in (("uid", event.actor_uid), ("name", event.actor_name)) if v} or None
    session = {k: v for k, v in (("uid", event.session_uid), ("uid_alt", event.session_uid_alt)) if v} or None
    return Alert(
        uid=uid,
        rule=rule,
        title=title,
        severity=severity,
        time=event.time,
        summary=summary,
        dedup_key=dedup_key,
        tenant=exposure.tenant if exposure else None,
        case=exposure.case if exposure else None,
        exposure=exposure_ref(exposure, via=via) if exposure else None,
        actor=actor,
        session=session,
        evidence=dict(evidence or {}),
        signals=signals,
        events=(event.uid,),
        source=event.source,
        playbooks=playbooks,
    )
