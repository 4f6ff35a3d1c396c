"""Small shared types: severities and the finding record every stage reports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["PLACEHOLDER", "PLACEHOLDER_ANY_SPELLING", "Finding", "Severity"]

# What replaces a secret in every output: `[REDACTED:<kind>:<12 hex digits of its keyed fingerprint>]`.
PLACEHOLDER = re.compile(r"\[REDACTED:[a-z0-9-]+:[0-9a-f]{12}\]")
# The same, raw or percent-encoded once or more (in URLs, form fields and URL userinfo).
PLACEHOLDER_ANY_SPELLING = re.compile(
    r"(?:%(?:25)*5B|\[)REDACTED(?:%(?:25)*3A|:)[a-z0-9-]+(?:%(?:25)*3A|:)[0-9a-f]{12}(?:%(?:25)*5D|\])"
)


class Severity(StrEnum):
    """How bad a finding is; `critical` means a credential someone could replay."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


@dataclass(frozen=True, slots=True)
class Finding:
    """One secret found at one location. It holds a keyed fingerprint, never the value.

    `location` has one canonical form, e.g. `entries[3].request.header[authorization]` or
    `entries[7].response.body/json:$.access_token`; `fingerprint` is the hex HMAC-SHA256 of the
    value under the run's key, so the same secret has the same fingerprint everywhere.
    """

    kind: str
    rule: str
    location: str
    severity: Severity
    fingerprint: str
    expires_at: int | None = None
    """For a JWT: its `exp` claim (epoch seconds), so a watchlist knows when it stops mattering."""
    links: tuple[tuple[str, str], ...] = ()
    """For a JWT: fingerprints of its linkable claims (`sid`, `jti`, `uti`, `sub` …), which let
    a replay monitor match log events that name the session rather than carry the token."""

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "kind": self.kind,
            "rule": self.rule,
            "location": self.location,
            "severity": self.severity.value,
            "fingerprint": self.fingerprint,
        }
        if self.expires_at is not None:
            out["expires_at"] = self.expires_at
        if self.links:
            out["links"] = dict(self.links)
        return out
