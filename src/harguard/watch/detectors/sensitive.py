"""Detector S-8: a sensitive admin action inside a session that already raised an alert.

BeyondTrust and 1Password saw exactly this after the replay: admin console access, a new
account, a privilege grant, an admin report export. Each such action in a session the replay,
canary or drift detectors flagged (or that the watchlist knows) is its own critical alert, so
the SIRT's timeline lists what the intruder did, one action at a time.
"""

from __future__ import annotations

from ...types import Severity
from ..alerts import Alert, make_alert
from ..events import Event
from ._base import DetectionContext, Detector, is_sensitive, playbooks_for

__all__ = ["SensitiveActionDetector"]


class SensitiveActionDetector(Detector):
    rule = "watch.sensitive-action"

    def on_event(self, event: Event, ctx: DetectionContext) -> list[Alert]:
        session = ctx.session
        if session is None or not session.flags or not is_sensitive(event.activity):
            return []
        uses = ctx.uses
        exposure = uses[0].exposure if uses else None
        evidence = {
            "event_type": event.activity,
            "targets": list(event.targets)[:5],
            "ip": event.src_ip,
            "asn": event.asn,
            "user_agent": event.user_agent,
            "flagged_by": sorted(session.flags),
        }
        return [
            make_alert(
                rule=self.rule,
                title=f"Sensitive action in a flagged session: {event.activity}",
                severity=Severity.CRITICAL,
                event=event,
                exposure=exposure,
                via=uses[0].via if uses else "",
                summary=f"{event.activity} in a session flagged by {', '.join(sorted(session.flags))}",
                dedup_key=f"{event.tracking_key}|{event.activity}",
                evidence={k: v for k, v in evidence.items() if v not in (None, [])},
                signals=("sensitive-action",),
                playbooks=playbooks_for(event),
            )
        ]
