"""The report of one run: what was found, where, by which rule, as fingerprints and counts.

It never holds a value. The same data goes into the sanitized file (`log._harguard`, with the
short fingerprints the placeholders show) and into the JSON, SARIF and table renderers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .._version import __version__
from ..types import Finding, Severity

__all__ = ["MANIFEST_FORMAT", "Report"]

MANIFEST_FORMAT = "harguard-manifest/1"
_MAX_EMBEDDED = 100_000


@dataclass
class Report:
    """Findings of one input, plus what the run noticed (encoding notes, sizes, engine)."""

    source: str
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    entries: int = 0
    input_bytes: int = 0
    output_bytes: int = 0
    engine: str = ""
    sanitized: bool = False
    context: dict[str, Any] = field(default_factory=dict)
    """Where the capture was made (user agents, hosts, time range); see har.context."""

    @property
    def counts_by_kind(self) -> dict[str, int]:
        return dict(Counter(f.kind for f in self.findings).most_common())

    @property
    def counts_by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity.value for f in self.findings)
        return {s.value: counts.get(s.value, 0) for s in sorted(Severity, key=lambda s: -s.rank)}

    @property
    def max_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    @property
    def unique_secrets(self) -> int:
        return len({f.fingerprint for f in self.findings})

    def at_least(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity.at_least(severity)]

    def as_dict(self) -> dict[str, Any]:
        """The full report (JSON output of `scan` and `sanitize --report`)."""
        return {
            "format": MANIFEST_FORMAT,
            "tool": {"name": "harguard", "version": __version__},
            "source": self.source,
            "sanitized": self.sanitized,
            "entries": self.entries,
            "input_bytes": self.input_bytes,
            "output_bytes": self.output_bytes,
            "engine": self.engine,
            "notes": list(self.notes),
            "context": self.context,
            "summary": {
                "findings": len(self.findings),
                "unique_secrets": self.unique_secrets,
                "by_kind": self.counts_by_kind,
                "by_severity": self.counts_by_severity,
            },
            "findings": [f.as_dict() for f in self.findings],
        }

    def manifest(self) -> dict[str, Any]:
        """The compact manifest embedded as `log._harguard` in the sanitized file."""
        findings = self.findings[:_MAX_EMBEDDED]
        return {
            "format": MANIFEST_FORMAT,
            "tool": {"name": "harguard", "version": __version__},
            "summary": {
                "findings": len(self.findings),
                "unique_secrets": self.unique_secrets,
                "by_kind": self.counts_by_kind,
                "by_severity": self.counts_by_severity,
            },
            "truncated": len(self.findings) > len(findings),
            "findings": [
                {
                    "kind": f.kind,
                    "rule": f.rule,
                    "location": f.location,
                    "severity": f.severity.value,
                    "fingerprint": f.fingerprint[:12],
                }
                for f in findings
            ],  # fmt: skip
        }
