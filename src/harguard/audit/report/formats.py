"""Machine-readable audit reports: JSON, CSV (one row per finding) and SARIF 2.1.0. Pure functions.

Every field is a path, a kind, a location, a line, a count or a keyed fingerprint; values never
reach a report because the inventory never had them.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..._version import __version__
from ...report.render import sarif_document, sarif_result, sarif_rule
from ..config import AUDIT_SCHEME
from .model import AuditReport, FindingRow

__all__ = ["render_csv", "render_json", "render_sarif"]

_CSV_COLUMNS = (
    "path",
    "member",
    "line",
    "location",
    "kind",
    "rule",
    "severity",
    "fingerprint",
    "state",
    "tenant",
    "case",
    "file_mtime",
)


def render_json(report: AuditReport) -> bytes:
    doc: dict[str, Any] = {
        "format": AUDIT_SCHEME,
        "tool": {"name": "harguard", "version": __version__},
        "generated_at": report.generated_at.isoformat(),
        "run": report.run,
        "totals": report.totals,
        "summary": {
            "findings": len(report.findings),
            "open": sum(f.state == "open" for f in report.findings),
            "unique_credentials": report.unique_credentials,
            "by_severity": report.by_severity,
            "by_kind": report.by_kind,
            "by_tenant": report.by_tenant,
            "by_age": report.by_age,
            "exposures_by_kind": report.exposures_by_kind,
        },
        "files": [
            {
                "path": f.path,
                "kind": f.kind,
                "size": f.size,
                "mtime": f.mtime,
                "status": f.status,
                "tenant": f.tenant or None,
                "case": f.case or None,
                "findings": f.findings,
                "open": f.open,
                "score": f.score,
                "by_severity": dict(f.severities),
                "by_kind": dict(f.kinds),
                "errors": [{"member": m, "error": e, "message": msg} for m, e, msg in f.errors],
            }
            for f in report.files
            if f.findings or f.errors
        ],
        "findings": [
            {
                "path": f.path,
                "member": f.member or None,
                "line": f.line,
                "location": f.location,
                "kind": f.kind,
                "rule": f.rule,
                "severity": f.severity,
                "fingerprint": f.fingerprint,
                "state": f.state,
                "tenant": f.tenant or None,
                "case": f.case or None,
            }
            for f in report.findings
        ],
        "actions": report.actions,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8", "surrogateescape") + b"\n"


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not execute (OWASP: no leading = + - @ tab or CR)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_csv(report: AuditReport) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for f in report.findings:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    f.path,
                    f.member,
                    f.line,
                    f.location,
                    f.kind,
                    f.rule,
                    f.severity,
                    f.fingerprint,
                    f.state,
                    f.tenant,
                    f.case,
                    f.mtime,
                )
            ]
        )
    return buffer.getvalue().encode("utf-8", "surrogateescape")


class _Artifacts:
    """SARIF artifacts: one per stored file, one per archive member with `parentIndex` its file."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self._index: dict[tuple[str, str], int] = {}

    def __repr__(self) -> str:
        return f"<_Artifacts {len(self.entries)}>"

    def location(self, path: str, member: str) -> dict[str, Any]:
        i = self._add(path, member)
        return {"uri": self.entries[i]["location"]["uri"], "index": i}

    def _add(self, path: str, member: str) -> int:
        key = (path, member)
        if key not in self._index:
            if member:
                entry: dict[str, Any] = {"location": {"uri": member}, "parentIndex": self._add(path, "")}
            else:
                entry = {"location": {"uri": Path(path).as_uri() if Path(path).is_absolute() else path}}
            self._index[key] = len(self.entries)
            self.entries.append(entry)
        return self._index[key]


def _sarif_result(f: FindingRow, artifacts: _Artifacts) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifacts.location(f.path, f.member)}
    if f.line is not None:
        physical["region"] = {"startLine": f.line}
    return sarif_result(
        rule=f.rule, kind=f.kind, severity=f.severity, location=f.location, fingerprint=f.fingerprint,
        physical=physical, note=f", {f.state}",
        properties={"state": f.state, "tenant": f.tenant or None, "case": f.case or None},
    )  # fmt: skip


def render_sarif(report: AuditReport) -> bytes:
    """SARIF 2.1.0: archive members are artifacts whose `parentIndex` is their archive; text
    findings carry their line as `region.startLine`."""
    artifacts = _Artifacts()
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for f in report.findings:
        rules.setdefault(f.rule, sarif_rule(f.rule, f.kind, f.severity))
        results.append(_sarif_result(f, artifacts))
    doc = sarif_document(
        {"name": "harguard-audit", "rules": list(rules.values())},
        results,
        artifacts=artifacts.entries,
        properties={"totals": report.totals, "run": report.run["id"]},
    )
    return json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8", "surrogateescape") + b"\n"
