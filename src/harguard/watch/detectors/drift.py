"""Detector 3: session drift with no watchlist entry, ported from the public Okta rules.

- `watch.drift.asn-ua` (Panther `okta_potentially_stolen_session`): contexts stored at session
  start / SSO; a later event alerts when its ASN is not among them AND its user agent is
  dissimilar (SequenceMatcher < 0.95) to all of them. Same ASN, or same UA: quiet. Through
  `_compare.compare`, so an allow-listed ASN (`allow_asns`: a VPN, an egress proxy) is never new.
- `watch.drift.device-token` (Elastic "Multiple Device Token Hashes for Single Okta Session"):
  more than one `dtHash` and more than one IP in one session, start/SSO/evaluate events excluded.
- `watch.drift.scripted` (Elastic "Okta AiTM Session Cookie Replay"): a session start followed
  later by `policy.evaluate_sign_on` or SSO, with several IPs or UAs, one of them non-browser.

A watched session is left to the replay detector, which knows more (the HAR's own context).
"""

from __future__ import annotations

from collections.abc import Mapping

from ...types import Severity
from ..alerts import Alert, make_alert
from ..events import Event
from ..network import is_scripted
from ..sessions import SessionState, activity_kind
from ._base import DetectionContext, Detector, is_internal, playbooks_for
from ._compare import Baseline, compare

__all__ = ["AsnUaDriftDetector", "DeviceTokenDriftDetector", "ScriptedReplayDetector"]


def _applies(event: Event, ctx: DetectionContext) -> SessionState | None:
    if ctx.watched or is_internal(event) or ctx.session is None:
        return None
    return ctx.session


def _alert(
    rule: str,
    title: str,
    severity: Severity,
    event: Event,
    summary: str,
    evidence: Mapping[str, object],
    signals: tuple[str, ...],
) -> Alert:
    return make_alert(
        rule=rule,
        title=title,
        severity=severity,
        event=event,
        summary=summary,
        evidence=dict(evidence),
        dedup_key=f"{event.tracking_key}",
        signals=signals,
        playbooks=playbooks_for(event),
    )


class AsnUaDriftDetector(Detector):
    rule = "watch.drift.asn-ua"

    def on_event(self, event: Event, ctx: DetectionContext) -> list[Alert]:
        session = _applies(event, ctx)
        if session is None or activity_kind(event.activity) == "start" or not event.user_agent:
            return []
        stored = session.of_kind("start", "sso")
        if not stored:
            return []
        # The shared comparison, so allow-listed ASNs (corporate VPN, egress) are never "new".
        diff = compare(event, Baseline.of_contexts(stored, config=ctx.config), ctx.config)
        if not {"new-asn", "new-network"} & set(diff.signals) or "dissimilar-user-agent" not in diff.signals:
            return []
        evidence = {**diff.evidence, "event_type": event.activity}
        return [
            _alert(
                self.rule,
                "Okta session used from a new ASN with a different browser",
                Severity.HIGH,
                event,
                f"session of {event.actor_name or event.actor_uid or '-'} continued from a new network "
                f"with a dissimilar user agent",
                evidence,
                tuple(diff.signals),
            )
        ]


class DeviceTokenDriftDetector(Detector):
    rule = "watch.drift.device-token"

    def on_event(self, event: Event, ctx: DetectionContext) -> list[Alert]:
        session = _applies(event, ctx)
        if session is None or not event.device_uid or activity_kind(event.activity) != "other":
            return []
        counted = session.of_kind("other")
        devices = {c.device for c in counted if c.device} | {event.device_uid}
        ips = {c.ip for c in counted if c.ip} | ({event.src_ip} if event.src_ip else set())
        if len(devices) < 2 or len(ips) < 2:
            return []
        evidence = {
            "distinct_device_tokens": len(devices),
            "distinct_ips": len(ips),
            "ip": event.src_ip,
            "device": event.device_uid,
            "event_type": event.activity,
        }
        return [
            _alert(
                self.rule,
                "Several device tokens and IPs in one Okta session",
                Severity.MEDIUM,
                event,
                f"{len(devices)} device tokens and {len(ips)} IPs in one session",
                evidence,
                ("new-device", "new-network"),
            )
        ]


class ScriptedReplayDetector(Detector):
    rule = "watch.drift.scripted"

    def on_event(self, event: Event, ctx: DetectionContext) -> list[Alert]:
        session = _applies(event, ctx)
        if session is None or session.started is None or event.time <= session.started:
            return []
        if activity_kind(event.activity) not in ("evaluate", "sso"):
            return []
        uas = {c.user_agent for c in session.contexts if c.user_agent} | {event.user_agent or ""}
        ips = {c.ip for c in session.contexts if c.ip} | {event.src_ip or ""}
        uas.discard("")
        ips.discard("")
        if not any(is_scripted(ua) for ua in uas) or (len(uas) < 2 and len(ips) < 2):
            return []
        evidence = {
            "user_agents": sorted(uas)[:5],
            "ips": sorted(ips)[:5],
            "event_type": event.activity,
            "seconds_since_start": int((event.time - session.started).total_seconds()),
        }
        return [
            _alert(
                self.rule,
                "Okta session replayed by a scripted client",
                Severity.HIGH,
                event,
                "session started in a browser, then used by a non-browser client",
                evidence,
                ("scripted-client",),
            )
        ]
