"""Detector 1: a watchlisted credential used after its upload, from a context that is not the
customer's (S-1 with S-2 … S-7 and S-11).

The legitimate user keeps using the session after uploading, from the same network and
browser: that is not alerted. A new network with any corroborating signal is critical; so is a
scripted client on a session the HAR shows in a browser. A new network alone (same browser,
same device token) is a VPN toggle and stays quiet, as in Panther's tests; a different client
on the same network is high.
"""

from __future__ import annotations

from ...types import Severity
from ..alerts import Alert, make_alert
from ..events import Event
from ..match import Match
from ._base import DetectionContext, Detector, is_internal, is_sensitive, playbooks_for
from ._compare import Baseline, Diff, compare

__all__ = ["ReplayDetector"]


# Alone (no network change) these make a watched session's use high. A native verdict alone
# is left to the native detector, which makes it critical on a watched session.
_HIGH_ALONE = frozenset({"dissimilar-user-agent", "new-device", "anonymizer", "token-unbound", "impossible-travel"})


def _severity(diff: Diff) -> Severity | None:
    signals = set(diff.signals)
    if diff.network_changed and diff.corroborated or "scripted-client" in signals:
        return Severity.CRITICAL
    if signals & _HIGH_ALONE:
        return Severity.HIGH
    return None


def _ago(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes}m" if minutes < 120 else f"{minutes // 60}h" if minutes < 72 * 60 else f"{minutes // 1440}d"


class ReplayDetector(Detector):
    rule = "watch.replay"

    def on_event(self, event: Event, ctx: DetectionContext) -> list[Alert]:
        if is_internal(event):
            return []
        alerts = []
        for match in ctx.uses:
            exposure = match.exposure
            status, _ = match.status_at(event.time, skew=ctx.skew)
            if status != "live" or event.time < exposure.exposed_at - ctx.skew:
                continue  # revoked/expired: detector 5; before the upload: the customer's own use
            baseline = Baseline.build(exposure, ctx.session, until=exposure.exposed_at + ctx.skew, config=ctx.config)
            diff = compare(event, baseline, ctx.config)
            severity = _severity(diff)
            if severity is None:
                continue
            alerts.append(self._alert(event, match, diff, severity, ctx))
        return alerts

    def _alert(self, event: Event, match: Match, diff: Diff, severity: Severity, ctx: DetectionContext) -> Alert:
        exposure = match.exposure
        since = (event.time - exposure.exposed_at).total_seconds()
        evidence = {
            **diff.evidence,
            "event_type": event.activity,
            "time_since_upload_seconds": int(since),
            "uploaded_at": exposure.exposed_at.isoformat(),
        }
        if event.url_path:
            evidence["url_path"] = event.url_path
        if event.targets:
            evidence["targets"] = list(event.targets)[:5]
        if is_sensitive(event.activity):
            evidence["sensitive_action"] = event.activity
        where = f"AS{event.asn}" if event.asn is not None else event.src_ip or "an unknown network"
        summary = (
            f"{exposure.kind} {exposure.short} from case {exposure.case or '-'} used {_ago(max(since, 0))} "
            f"after upload from {where} ({', '.join(diff.signals)})"
        )
        return make_alert(
            rule=self.rule,
            title=f"Exposed {exposure.kind} replayed after upload",
            severity=severity,
            event=event,
            dedup_key=f"{exposure.id}|{event.tracking_key or event.src_ip}",
            summary=summary,
            exposure=exposure,
            via=match.via,
            evidence=evidence,
            signals=tuple(diff.signals),
            playbooks=playbooks_for(event),
        )
