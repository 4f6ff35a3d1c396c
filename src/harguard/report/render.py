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

__all__ = ["render_json", "render_sarif", "summary_table"]

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


def render_sarif(reports: Sequence[Report]) -> bytes:
    """SARIF 2.1.0: one result per finding, located by file and (logical) HAR location."""
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for report in reports:
        for f in report.findings:
            rules.setdefault(f.rule, {
                "id": f.rule,
                "name": f.rule,
                "shortDescription": {"text": f"{f.kind} ({f.rule})"},
                "properties": {"security-severity": _SECURITY_SEVERITY[f.severity], "tags": ["security"]},
            })  # fmt: skip
            results.append({
                "ruleId": f.rule,
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f"{f.kind} at {f.location} (fingerprint {f.fingerprint[:12]})"},
                "locations": [{
                    "physicalLocation": {"artifactLocation": {"uri": report.source}},
                    "logicalLocations": [{"fullyQualifiedName": f.location, "kind": "member"}],
                }],
                "partialFingerprints": {"harguard/v1": f.fingerprint},
                "properties": {"kind": f.kind, "severity": f.severity.value},
            })  # fmt: skip
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "harguard", "version": __version__,
                                "informationUri": "https://github.com/harguard/harguard",
                                "rules": list(rules.values())}},
            "results": results,
        }],
    }  # fmt: skip
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
