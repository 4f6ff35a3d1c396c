"""The outbound redaction guard: nothing leaves the watch that the core's scan would flag.

Two steps, both on the core's `Sanitizer.sanitize_text` (the same rules, positions and key as
everything else, so a placeholder in an alert matches the one in the sanitized HAR):

- `scrub(alert)` before an alert is stored or sent: an event may carry a token by accident (a
  `requestUri` with `?sessionToken=`, a UA with a key in it); it is replaced by its placeholder.
  If the scan itself fails, the evidence is withheld rather than risked (fail closed).
- `scrub_text(text)` for what is kept rather than sent: the user agents in the saved session
  memory (the monitor's state file) go through it before they are stored.
- `check(payload)` on every serialized outbound payload, in the sink's own format: anything the
  scan would still change is refused (`ResidualLeakError`) and the payload is not sent.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import HarguardError, ResidualLeakError
from ..pipeline import Sanitizer
from ..redact.placeholders import PLACEHOLDER
from .alerts import Alert

__all__ = ["OutboundGuard"]

_NEUTRAL = re.compile(r"\[REDACTED:x:[0-9a-f]{12}\]")


class OutboundGuard:
    def __init__(self, sanitizer: Sanitizer) -> None:
        self.sanitizer = sanitizer

    def __repr__(self) -> str:
        return f"<OutboundGuard {self.sanitizer!r}>"

    def _scan(self, text: str, *, name: str) -> tuple[str, list[str]]:
        """sanitize_text over `text` with the kinds of our own placeholders neutralised.

        A placeholder (`[REDACTED:kind:<12 hex>]`) cannot hold a secret, but a text layer may
        read `email:<hex>` inside one as a key/value pair and redact it again (the core did
        until 71d4305; kept as defence in depth). Rewriting the kind to `x` keeps it a
        placeholder the core recognises (so `sessionToken=[REDACTED:x:…]` stays clean) while
        `x:<hex>` names nothing sensitive; the original kinds are put back afterwards.
        """
        kinds: list[str] = []

        def neutral(m: re.Match[str]) -> str:
            kinds.append(m.group(0))
            return f"[REDACTED:x:{m.group(0)[-13:-1]}]"

        masked = PLACEHOLDER.sub(neutral, text)
        new, report = self.sanitizer.sanitize_text(masked, name=name)
        originals = iter(kinds)
        new = _NEUTRAL.sub(lambda m: next(originals, m.group(0)), new)
        return new, sorted({f.kind for f in report.findings})

    def scrub(self, alert: Alert) -> Alert:
        """The alert with anything the core would redact replaced by placeholders."""
        data = alert.as_dict()
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        try:
            new, _ = self._scan(text, name="alert")
        except HarguardError:
            return _withheld(alert)
        if new == text:
            return alert
        try:
            return Alert.from_dict({**json.loads(new), "dedup_key": alert.dedup_key})
        except (ValueError, KeyError):
            return _withheld(alert)

    def scrub_text(self, text: str, *, name: str) -> str | None:
        """`text` with anything the core would redact replaced by placeholders; None when the
        scan fails (fail closed: the caller drops the text rather than keep it unscanned)."""
        try:
            return self._scan(text, name=name)[0]
        except HarguardError:
            return None

    def check(self, payload: bytes | str, *, what: str) -> None:
        """Raise ResidualLeakError unless the payload passes the scan unchanged."""
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
        try:
            new, kinds = self._scan(text, name=what)
        except ResidualLeakError:
            raise
        except HarguardError as exc:
            raise ResidualLeakError(f"{what}: the outbound scan failed ({type(exc).__name__}); not sent") from None
        if new != text or kinds:
            raise ResidualLeakError(f"{what}: the payload would leak {', '.join(kinds) or 'a secret'}; not sent")


def _withheld(alert: Alert) -> Alert:
    """Fail closed: keep who/what/when, drop the evidence that could not be scanned."""
    data: dict[str, Any] = {
        "uid": alert.uid,
        "rule": alert.rule,
        "title": alert.title,
        "severity": alert.severity.value,
        "time": alert.time.isoformat(),
        "summary": "evidence withheld by the outbound guard",
        "tenant": alert.tenant,
        "case": alert.case,
        "dedup_key": alert.dedup_key,
        "exposure": {k: v for k, v in (alert.exposure or {}).items() if k in ("id", "kind", "fingerprint")},
        "signals": list(alert.signals),
        "events": list(alert.events),
        "evidence": {"withheld": True},
    }
    return Alert.from_dict(data)
