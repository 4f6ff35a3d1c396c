"""Detector 4: the IdP's own verdicts, passed through, and escalated on a watched session.

`security.session.detect_client_roaming`, `user.session.context.change` (risk High),
`policy.auth_reevaluate.fail`, token-reuse detections, Entra `anomalousToken` … keep their
native weight when the session is unknown to us; on a session the watchlist knows (now or
through an earlier event) they become critical: our watchlist turns a medium native signal
into proof (anchors §2.8 S-9).
"""

from __future__ import annotations

from ...types import Severity
from ..alerts import Alert, make_alert
from ..events import Event
from ._base import DetectionContext, Detector, playbooks_for

__all__ = ["NativeVerdictDetector"]

_NATIVE_SEVERITY = {
    "security.session.detect_client_roaming": Severity.MEDIUM,
    "policy.auth_reevaluate.fail": Severity.HIGH,
    "app.oauth2.as.token.detect_reuse": Severity.HIGH,
    "app.oauth2.token.detect_reuse": Severity.HIGH,
    "security.threat.detected": Severity.MEDIUM,
    "anomalousToken": Severity.MEDIUM,
    "unfamiliarFeatures": Severity.MEDIUM,
    "attackerinTheMiddle": Severity.HIGH,
    "tokenIssuerAnomaly": Severity.HIGH,
    "auth0.refresh_token_reuse": Severity.HIGH,
}
_RISK = {"HIGH": Severity.HIGH, "MEDIUM": Severity.MEDIUM, "LOW": Severity.LOW}


def _native(event: Event, verdict: str) -> Severity:
    if verdict == "user.session.context.change":
        return _RISK.get(event.risk_level or "", Severity.LOW)
    base = _NATIVE_SEVERITY.get(verdict, Severity.MEDIUM)
    risk = _RISK.get(event.risk_level or "")
    return risk if risk is not None and risk.rank > base.rank else base


class NativeVerdictDetector(Detector):
    rule = "watch.native"

    def on_event(self, event: Event, ctx: DetectionContext) -> list[Alert]:
        if not event.native_verdicts:
            return []
        uses = ctx.uses
        exposure = uses[0].exposure if uses else None
        alerts = []
        for verdict in event.native_verdicts:
            severity = Severity.CRITICAL if ctx.watched else _native(event, verdict)
            if verdict == "user.session.context.change" and not ctx.watched and severity is not Severity.HIGH:
                continue  # only High session risk is worth a page on an unknown session
            evidence: dict[str, object] = {
                "verdict": verdict,
                "risk_level": event.risk_level,
                "ip": event.src_ip,
                "asn": event.asn,
                "user_agent": event.user_agent,
                "event_type": event.activity,
            }
            if ctx.watched and exposure is None and ctx.session is not None:
                evidence["watched_exposures"] = sorted(ctx.session.exposures)[:5]
            watched = " on a watched session" if ctx.watched else ""
            alerts.append(
                make_alert(
                    rule=self.rule,
                    title=f"IdP verdict {verdict}{watched}",
                    severity=severity,
                    event=event,
                    summary=f"{event.source} reported {verdict}{watched}",
                    exposure=exposure,
                    via=uses[0].via if uses else "",
                    dedup_key=f"{verdict}|{event.tracking_key or event.uid}",
                    evidence={k: v for k, v in evidence.items() if v is not None},
                    signals=("native-verdict", *(("watched",) if ctx.watched else ())),
                    playbooks=playbooks_for(event),
                )
            )
        return alerts
