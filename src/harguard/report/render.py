"""Renderers for reports: JSON, SARIF 2.1.0 and a rich table. Pure functions of the reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from rich.markup import escape
from rich.table import Table

from .._version import __version__
from ..har import _json
from ..types import Severity
from .manifest import Report

__all__ = ["render_json", "render_sarif", "sarif_document", "sarif_result", "sarif_rule", "summary_table"]

_SARIF_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "7.5",
    Severity.MEDIUM: "5.0",
    Severity.LOW: "2.0",
}


def render_json(reports: Sequence[Report]) -> bytes:
    doc: Any = reports[0].as_dict() if len(reports) == 1 else {"reports": [r.as_dict() for r in reports]}
    return _json.dumps(doc, indent=True) + b"\n"


def sarif_rule(rule: str, kind: str, severity: str) -> dict[str, Any]:
    """A SARIF `reportingDescriptor` for one rule id."""
    return {
        "id": rule,
        "name": rule,
        "shortDescription": {"text": f"{kind} ({rule})"},
        "properties": {"security-severity": _SECURITY_SEVERITY[Severity(severity)], "tags": ["security"]},
    }


def sarif_result(
    *, rule: str, kind: str, severity: str, location: str, fingerprint: str, physical: dict[str, Any],
    note: str = "", properties: dict[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A SARIF `result` for one finding: kind, logical location and fingerprint, never a value."""
    return {
        "ruleId": rule,
        "level": _SARIF_LEVEL[Severity(severity)],
        "message": {"text": f"{kind} at {location} (fingerprint {fingerprint[:12]}{note})"},
        "locations": [{"physicalLocation": physical,
                       "logicalLocations": [{"fullyQualifiedName": location, "kind": "member"}]}],
        "partialFingerprints": {"harguard/v1": fingerprint},
        "properties": {"kind": kind, "severity": str(severity), **(properties or {})},
    }  # fmt: skip


def sarif_document(driver: dict[str, Any], results: list[dict[str, Any]], **run: Any) -> dict[str, Any]:
    """The SARIF 2.1.0 envelope: one run of one tool."""
    tool = {"version": __version__, "informationUri": "https://github.com/harguard/harguard", **driver}
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": tool}, **run, "results": results}],
    }


def render_sarif(reports: Sequence[Report]) -> bytes:
    """SARIF 2.1.0: one result per finding, located by file and (logical) HAR location."""
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for report in reports:
        for f in report.findings:
            rules.setdefault(f.rule, sarif_rule(f.rule, f.kind, f.severity))
            results.append(sarif_result(
                rule=f.rule, kind=f.kind, severity=f.severity, location=f.location, fingerprint=f.fingerprint,
                physical={"artifactLocation": {"uri": report.source}},
            ))  # fmt: skip
    doc = sarif_document({"name": "harguard", "rules": list(rules.values())}, results)
    return _json.dumps(doc, indent=True) + b"\n"


def summary_table(reports: Sequence[Report], *, title: str = "harguard") -> Table:
    """Counts by kind per file, worst severity first: what a person reads in the terminal."""
    table = Table(title=title, title_justify="left")
    table.add_column("file", overflow="fold")
    table.add_column("entries", justify="right")
    table.add_column("findings", justify="right")
    table.add_column("unique", justify="right")
    table.add_column("critical", justify="right", style="red")
    table.add_column("kinds", overflow="fold")
    for report in reports:
        kinds = Counter(f.kind for f in report.findings)
        severities = report.counts_by_severity
        table.add_row(
            escape(report.source),
            str(report.entries),
            str(len(report.findings)),
            str(report.unique_secrets),
            str(severities.get("critical", 0)),
            ", ".join(f"{k} {n}" for k, n in kinds.most_common(8)) + (" …" if len(kinds) > 8 else ""),
        )
    return table
