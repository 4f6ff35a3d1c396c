"""Exports of stored findings as the core's own JSON and SARIF reports.

The stored rows are turned back into `Report` objects and rendered by `harguard.report.render`,
so an export from the gateway is the same document `harguard scan --format sarif` writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..report.manifest import Report
from ..report.render import render_json, render_sarif
from ..types import Finding, Severity
from .tables import FindingRow, StoredFile

__all__ = ["render_reports", "report_of"]


def report_of(session: Session, stored: StoredFile) -> Report:
    rows = session.scalars(sa.select(FindingRow).where(FindingRow.file_id == stored.id).order_by(FindingRow.seq))
    findings = [
        Finding(
            kind=r.kind,
            rule=r.rule,
            location=r.location,
            severity=Severity(r.severity),
            fingerprint=r.fingerprint,
            expires_at=int(r.expires_at.timestamp()) if r.expires_at is not None else None,
        )
        for r in rows
    ]
    return Report(
        source=stored.name,
        findings=findings,
        notes=list((stored.summary or {}).get("notes", [])),
        entries=stored.entries,
        input_bytes=stored.input_bytes,
        output_bytes=stored.output_bytes,
        engine=stored.engine,
        sanitized=True,
        context=dict(stored.context or {}),
    )


def render_reports(session: Session, files: Sequence[StoredFile], *, fmt: Literal["json", "sarif"]) -> bytes:
    reports = [report_of(session, f) for f in files]
    if fmt == "sarif":
        return render_sarif(reports)
    if not reports:
        return b'{"reports": []}\n'
    return render_json(reports)
