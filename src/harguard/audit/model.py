"""The records of an audit: the task for one stored file, and what scanning it found.

They cross process and machine boundaries (a process pool, a Dask cluster), so they are plain
picklable dataclasses. None holds a value: findings carry kind, rule, location, line and the
keyed fingerprint; error messages and archive member names (input too: a member may be named
after a token) are sanitized by the worker before they leave it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..types import Finding, Severity

__all__ = ["AuditFinding", "FileResult", "FileTask", "MemberResult", "Status", "storable"]


def storable(text: str) -> str:
    """A path or member name the database can store: bytes that are not UTF-8 (kept by Python as
    surrogate escapes) are written as `\\xNN`. Identity does not depend on it (see `inventory.ident`)."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class Status:
    """Values of `MemberResult.status` and of the inventory's file status."""

    CLEAN = "clean"
    FINDINGS = "findings"
    FIXED = "fixed"
    BINARY = "binary"
    SKIPPED = "skipped"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class AuditFinding:
    """A finding plus the line it sits on (text files); HAR findings have a HAR location instead."""

    kind: str
    rule: str
    severity: str
    fingerprint: str
    location: str
    line: int | None = None
    expires_at: int | None = None
    links: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, finding: Finding, *, line: int | None = None) -> AuditFinding:
        return cls(
            kind=finding.kind,
            rule=finding.rule,
            severity=finding.severity.value,
            fingerprint=finding.fingerprint,
            location=finding.location,
            line=line,
            expires_at=finding.expires_at,
            links=finding.links,
        )

    def as_finding(self) -> Finding:
        return Finding(
            kind=self.kind,
            rule=self.rule,
            location=self.location,
            severity=Severity(self.severity),
            fingerprint=self.fingerprint,
            expires_at=self.expires_at,
            links=self.links,
        )


@dataclass(frozen=True, slots=True)
class FileTask:
    """Audit one stored file. `known_hash`: the content hash of its last scan, if any."""

    path: str
    size: int
    mtime_ns: int
    known_hash: str | None = None
    fix: bool = False


@dataclass
class MemberResult:
    """The outcome for the stored file itself (member '') or one member of an archive."""

    member: str
    kind: str
    """har, json, ndjson, saml-tracer, text, binary, empty, or the archive format."""
    size: int
    mtime: float | None
    status: str
    error: str | None = None
    """The harguard error class (e.g. TruncatedError), also when the file was scanned as text after it."""
    message: str | None = None
    findings: list[AuditFinding] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class FileResult:
    """Everything one stored file produced; `staged` is the sanitized copy a fix will move in place."""

    path: str
    size: int
    mtime_ns: int
    hash: str
    unchanged: bool = False
    members: list[MemberResult] = field(default_factory=list)
    staged: str | None = None
    staged_hash: str | None = None
    staged_size: int | None = None
    fix_error: str | None = None
    seconds: float = 0.0

    @property
    def findings(self) -> list[AuditFinding]:
        return [f for m in self.members for f in m.findings]
