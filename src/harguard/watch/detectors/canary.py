"""Detector 2: a canary was presented. Critical, whatever the context.

A canary exists only inside a sanitized file in the support store, so nobody has a legitimate
reason to present it: its use means someone read the store (the signal Okta lacked for 14
days, anchors §0.6). The alert names the case and the upload the decoy was planted in, and the
exposure it stood for, so the SIRT knows which other files that reader could also have seen.
"""

from __future__ import annotations

from ...types import Severity
from ..alerts import Alert, make_alert
from ..events import Event
from ._base import DetectionContext, Detector
from ._compare import Baseline, compare

__all__ = ["CanaryDetector"]


class CanaryDetector(Detector):
    rule = "watch.canary"

    def on_event(self, event: Event, ctx: DetectionContext) -> list[Alert]:
        alerts = []
        for match in ctx.matches:
            exposure = match.exposure
            if exposure.status != "canary" or match.via != "credential":
                continue
            diff = compare(
                event,
                Baseline.build(exposure, None, until=exposure.exposed_at, config=ctx.config),
                ctx.config,
            )
            evidence = {
                **diff.evidence,
                "planted_at": exposure.exposed_at.isoformat(),
                "seconds_since_planted": int((event.time - exposure.exposed_at).total_seconds()),
                "event_type": event.activity,
                "response": "treat the support store as read: rotate its service accounts, review every "
                "attachment access since the canary was planted, and rotate what the case's other files hold",
            }
            if event.url_path:
                evidence["url_path"] = event.url_path
            where = event.src_ip or (f"AS{event.asn}" if event.asn is not None else "an unknown client")
            summary = (
                f"canary {exposure.kind} {exposure.short} planted in case {exposure.case or '-'} "
                f"({exposure.origin or 'upload'}) was presented by {where}: "
                "support-store compromise suspected"
            )
            alerts.append(
                make_alert(
                    rule=self.rule,
                    title="Canary presented: support-store compromise suspected",
                    severity=Severity.CRITICAL,
                    event=event,
                    summary=summary,
                    exposure=exposure,
                    via=match.via,
                    dedup_key=f"{exposure.id}|{event.src_ip or ''}",
                    evidence=evidence,
                    signals=("canary", *diff.signals),
                    playbooks=(),
                )
            )
        return alerts
