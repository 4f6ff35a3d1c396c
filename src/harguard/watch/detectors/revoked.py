"""Detector 5: use after revocation or expiry (S-12).

A revoked credential that is still *accepted* is critical (the revocation did not take); an
attempt that failed is high: someone still holds the token and is trying it. After `exp` or
the session's expiry, success is high (our expiry estimate was wrong, the session lives) and
failure medium. In Okta a replay of a revoked session often shows only as a *failure without
a session id* for the same user, so failures linked by user to a revoked exposure, from a
context the HAR does not show, are reported too.
"""

from __future__ import annotations

from ...types import Severity
from ..alerts import Alert, make_alert
from ..events import Event, Outcome
from ..match import Match
from ._base import DetectionContext, Detector, playbooks_for
from ._compare import Baseline, compare

__all__ = ["RevokedUseDetector"]

_SEVERITY = {
    ("revoked", Outcome.SUCCESS): Severity.CRITICAL,
    ("revoked", Outcome.FAILURE): Severity.HIGH,
    ("revoked", Outcome.UNKNOWN): Severity.HIGH,
    ("expired", Outcome.SUCCESS): Severity.HIGH,
    ("expired", Outcome.FAILURE): Severity.MEDIUM,
    ("expired", Outcome.UNKNOWN): Severity.MEDIUM,
}


class RevokedUseDetector(Detector):
    rule = "watch.revoked-use"

    def on_event(self, event: Event, ctx: DetectionContext) -> list[Alert]:
        alerts = []
        for match in ctx.matches:
            status, since = match.status_at(event.time, skew=ctx.skew)
            if status not in ("revoked", "expired") or event.time < match.exposure.exposed_at - ctx.skew:
                continue
            if match.is_use:
                severity = _SEVERITY[(status, event.outcome)]
            elif event.outcome == Outcome.FAILURE and not (event.session_uid or event.session_fp):
                severity = Severity.HIGH if status == "revoked" else Severity.MEDIUM
            else:
                continue
            alert = self._alert(event, ctx, match, status, since.isoformat() if since else None, severity)
            if alert is not None:
                alerts.append(alert)
        return alerts

    def _alert(
        self,
        event: Event,
        ctx: DetectionContext,
        match: Match,
        status: str,
        since: str | None,
        severity: Severity,
    ) -> Alert | None:
        exposure = match.exposure
        diff = compare(
            event,
            Baseline.build(exposure, ctx.session, until=exposure.exposed_at + ctx.skew, config=ctx.config),
            ctx.config,
        )
        if not match.is_use and not (diff.network_changed or "dissimilar-user-agent" in diff.signals):
            return None  # the user's own failed sign-in from their usual place
        evidence = {
            **diff.evidence,
            "status": status,
            "status_since": since,
            "outcome": event.outcome,
            "event_type": event.activity,
        }
        verb = "accepted" if event.outcome == Outcome.SUCCESS else "attempted"
        how = "" if match.is_use else " (linked by user, no session id)"
        summary = f"{status} {exposure.kind} {exposure.short} from case {exposure.case or '-'} {verb}{how}"
        return make_alert(
            rule=self.rule,
            title=f"Use of a {status} credential",
            severity=severity,
            event=event,
            dedup_key=f"{exposure.id}|{status}|{event.tracking_key or event.src_ip}",
            summary=summary,
            exposure=exposure,
            via=match.via,
            evidence=evidence,
            signals=(f"after-{status}", *diff.signals),
            playbooks=playbooks_for(event),
        )
