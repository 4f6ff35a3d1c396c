"""Small shared types: severities and the finding record every stage reports."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Finding", "Severity"]


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

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "rule": self.rule,
            "location": self.location,
            "severity": self.severity.value,
            "fingerprint": self.fingerprint,
        }
