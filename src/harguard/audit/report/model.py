"""The audit report: one run's view of the inventory, as plain data every renderer shares.

A run covers every stored file it saw, scanned or skipped as unchanged, so an incremental run
still reports the secrets that sit unfixed in files it did not need to read again. Findings are
`open` (still in the file) or `fixed` (removed by a fix); both count as found, since a fixed
credential was still exposed and must be rotated.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ...types import Severity
from ..inventory import Inventory
from ..model import Status
from ..tables import actions, files, findings, runs

__all__ = ["AGE_BUCKETS", "AuditReport", "FileRow", "FindingRow", "build_report"]

SEVERITY_WEIGHT = {"critical": 10, "high": 5, "medium": 2, "low": 1}
AGE_BUCKETS: tuple[tuple[str, float], ...] = (
    ("< 7 days", 7),
    ("7-30 days", 30),
    ("30-90 days", 90),
    ("90 days-1 year", 365),
    ("1-2 years", 730),
    ("> 2 years", float("inf")),
)


@dataclass(frozen=True, slots=True)
class FindingRow:
    path: str
    member: str
    line: int | None
    location: str
    kind: str
    rule: str
    severity: str
    fingerprint: str
    state: str
    tenant: str
    case: str
    mtime: float | None


@dataclass
class FileRow:
    """A stored file (members folded in) with what it holds, for the riskiest-files tables."""

    path: str
    kind: str
    size: int
    mtime: float | None
    status: str
    tenant: str
    case: str
    findings: int = 0
    open: int = 0
    score: int = 0
    severities: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    """(member, error class, message) for every member that could not be read fully."""


@dataclass
class AuditReport:
    run: dict[str, Any]
    totals: dict[str, Any]
    generated_at: datetime
    files: list[FileRow]
    findings: list[FindingRow]
    actions: list[dict[str, Any]]
    unique_credentials: int
    exposures_by_kind: dict[str, int]
    """Distinct credentials (high or critical: what the watchlist watches) by kind."""

    @property
    def by_kind(self) -> dict[str, int]:
        return dict(Counter(f.kind for f in self.findings).most_common())

    @property
    def by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.findings)
        return {s.value: counts.get(s.value, 0) for s in sorted(Severity, key=lambda s: -s.rank)}

    @property
    def by_tenant(self) -> dict[str, int]:
        return dict(Counter(f.tenant or "(none)" for f in self.findings).most_common())

    @property
    def by_age(self) -> dict[str, int]:
        """Findings by how long the file holding them has existed unchanged (its mtime)."""
        counts = dict.fromkeys((name for name, _ in AGE_BUCKETS), 0)
        now = self.generated_at.timestamp()
        for f in self.findings:
            days = (now - (f.mtime or now)) / 86400
            counts[next(name for name, limit in AGE_BUCKETS if days < limit)] += 1
        return counts

    @property
    def riskiest(self) -> list[FileRow]:
        """Files with findings, the most dangerous first: weighted severities, then the oldest."""
        hit = [f for f in self.files if f.findings]
        return sorted(hit, key=lambda f: (-f.score, -f.severities.get("critical", 0), f.mtime or 0, f.path))

    @property
    def errors(self) -> list[FileRow]:
        return [f for f in self.files if f.errors]

    def at_least(self, severity: Severity) -> list[FindingRow]:
        """Findings this run must answer for: still open, or found (and fixed) by this run."""
        return [f for f in self.findings if Severity(f.severity).at_least(severity)]


def build_report(inventory: Inventory, run_id: int) -> AuditReport:
    with inventory.engine.connect() as conn:
        run = conn.execute(sa.select(runs).where(runs.c.id == run_id)).one()
        file_rows = list(conn.execute(sa.select(files).where(files.c.last_run == run_id).order_by(files.c.path)))
        query = (
            sa.select(findings, files.c.path, files.c.member, files.c.tenant, files.c.case_ref, files.c.mtime)
            .join(files, files.c.id == findings.c.file_id)
            .where(files.c.last_run == run_id, sa.or_(findings.c.state == "open", findings.c.run_id == run_id))
            .order_by(files.c.path, files.c.member, findings.c.line, findings.c.id)
        )
        finding_rows = [
            FindingRow(
                r.path,
                r.member,
                r.line,
                r.location,
                r.kind,
                r.rule,
                r.severity,
                r.fingerprint,
                r.state,
                r.tenant,
                r.case_ref,
                r.mtime,
            )
            for r in conn.execute(query)
        ]
        action_rows = [
            {
                "path": r.path,
                "action": r.action,
                "detail": r.detail,
                "findings": r.findings,
                "quarantined_to": r.quarantined_to,
                "at": r.at.isoformat(),
            }
            for r in conn.execute(sa.select(actions).where(actions.c.run_id == run_id).order_by(actions.c.id))
        ]
    credentials: dict[str, str] = {}
    for f in finding_rows:
        if Severity(f.severity).at_least(Severity.HIGH):
            credentials.setdefault(f.fingerprint, f.kind)
    return AuditReport(
        run=_run_dict(run),
        totals=dict(run.counts or {}),
        generated_at=datetime.now(UTC),
        files=_fold(file_rows, finding_rows),
        findings=finding_rows,
        actions=action_rows,
        unique_credentials=len({f.fingerprint for f in finding_rows}),
        exposures_by_kind=dict(Counter(credentials.values()).most_common()),
    )


def _run_dict(run: sa.Row[Any]) -> dict[str, Any]:
    return {
        "id": run.id,
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "roots": list(run.roots),
        "options": dict(run.options),
        "tool_version": run.tool_version,
    }


def _fold(file_rows: list[sa.Row[Any]], finding_rows: list[FindingRow]) -> list[FileRow]:
    """One row per stored file: its members' findings and errors folded in."""
    folded: dict[str, FileRow] = {}
    for r in file_rows:
        row = folded.get(r.path)
        if row is None or r.member == "":
            fresh = FileRow(r.path, r.kind, r.size, r.mtime, r.status, r.tenant, r.case_ref)
            if row is not None:
                fresh.errors = row.errors
            folded[r.path] = row = fresh
        if r.error and r.status in (Status.ERROR, Status.FINDINGS, Status.CLEAN):
            row.errors.append((r.member, r.error, r.message or ""))
    for f in finding_rows:
        row = folded.get(f.path)
        if row is None:
            continue
        row.findings += 1
        row.open += f.state == "open"
        row.score += SEVERITY_WEIGHT.get(f.severity, 1)
        row.severities[f.severity] += 1
        row.kinds[f.kind] += 1
    return list(folded.values())
