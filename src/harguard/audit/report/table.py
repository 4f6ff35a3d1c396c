"""The audit summary for a terminal (rich): totals, findings by severity and kind, riskiest files."""

from __future__ import annotations

from rich.console import Group
from rich.markup import escape
from rich.table import Table

from .model import AuditReport

__all__ = ["summary_tables"]

_SHOWN = 15


def summary_tables(report: AuditReport) -> Group:
    t = report.totals
    overview = Table(
        title=f"audit run {report.run['id']} ({report.run['status']})",
        title_justify="left",
        show_header=False,
    )
    overview.add_column("what")
    overview.add_column("count", justify="right")
    rows = [
        ("files seen", t.get("files", 0)),
        ("scanned", t.get("scanned", 0)),
        ("unchanged (skipped)", t.get("unchanged", 0) + t.get("resumed", 0)),
        ("binary (skipped)", t.get("by_status", {}).get("binary", 0)),
        ("could not be read", t.get("failed", 0)),
        ("files with findings", sum(1 for f in report.files if f.findings)),
        ("findings", len(report.findings)),
        ("still open", sum(f.state == "open" for f in report.findings)),
        ("distinct credentials", report.unique_credentials),
        ("files fixed", t.get("rewritten", 0)),
        ("fixes refused", t.get("refused", 0)),
    ]
    for label, value in rows:
        overview.add_row(label, str(value))
    kinds = Table(title="findings by kind", title_justify="left")
    kinds.add_column("kind")
    kinds.add_column("findings", justify="right")
    for kind, count in list(report.by_kind.items())[:_SHOWN]:
        kinds.add_row(escape(kind), str(count))
    severity = Table(title="by severity", title_justify="left")
    for name in report.by_severity:
        severity.add_column(name, justify="right", style="red" if name == "critical" else None)
    severity.add_row(*(str(v) for v in report.by_severity.values()))
    parts: list[Table] = [overview, severity, kinds, _riskiest(report)]
    if report.errors:
        parts.append(_errors(report))
    return Group(*parts)


def _riskiest(report: AuditReport) -> Table:
    table = Table(title="riskiest files", title_justify="left")
    for column in ("file", "tenant", "case", "findings", "critical", "kinds"):
        table.add_column(column, overflow="fold", justify="right" if column in ("findings", "critical") else "left")
    for f in report.riskiest[:_SHOWN]:
        kinds = ", ".join(f"{k} {n}" for k, n in f.kinds.most_common(4))
        table.add_row(
            escape(f.path),
            escape(f.tenant),
            escape(f.case),
            str(f.findings),
            str(f.severities.get("critical", 0)),
            escape(kinds),
        )
    return table


def _errors(report: AuditReport) -> Table:
    table = Table(title="damaged or unreadable", title_justify="left")
    for column in ("file", "member", "error"):
        table.add_column(column, overflow="fold")
    for f in report.errors[:_SHOWN]:
        for member, error, _ in f.errors[:3]:
            table.add_row(escape(f.path), escape(member), escape(error))
    return table
