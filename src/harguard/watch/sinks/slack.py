"""Slack incoming webhook: a short text plus a Block Kit section. Kinds, fingerprint prefixes,
case and evidence only; the outbound guard checks the exact JSON Slack will receive."""

from __future__ import annotations

import json

from ..alerts import Alert
from ._base import HttpSink

__all__ = ["SlackSink", "slack_text"]

_ICON = {
    "critical": ":rotating_light:",
    "high": ":warning:",
    "medium": ":large_orange_diamond:",
    "low": ":information_source:",
}


def slack_text(alert: Alert) -> str:
    exposure = alert.exposure or {}
    parts = [
        f"{_ICON.get(alert.severity.value, '')} *{alert.severity.value.upper()}* {alert.title}",
        alert.summary,
    ]
    facts = [
        f"case `{alert.case}`" if alert.case else None,
        f"tenant `{alert.tenant}`" if alert.tenant else None,
        f"{exposure.get('kind')} `{exposure.get('fingerprint')}`" if exposure else None,
        f"rule `{alert.rule}`",
        f"alert `{alert.uid[:12]}`",
    ]
    parts.append(" · ".join(f for f in facts if f))
    if alert.signals:
        parts.append("signals: " + ", ".join(alert.signals))
    return "\n".join(parts)


class SlackSink(HttpSink):
    kind = "slack"

    def render(self, alert: Alert) -> bytes:
        text = slack_text(alert)
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}]
        return json.dumps({"text": text, "blocks": blocks}).encode()
