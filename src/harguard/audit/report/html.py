"""A self-contained HTML audit report: inline CSS and SVG charts, no script, no external request.

A Content-Security-Policy that forbids everything but inline styles makes the file safe to
open from a ticket or a mail; every path, kind and location is HTML-escaped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from ..._version import __version__
from .charts import bar_chart
from .model import AuditReport, FileRow

__all__ = ["render_html"]

_MAX_FILES = 200
_MAX_FINDINGS = 1000
_SEVERITY_COLORS = {"critical": "#b42318", "high": "#d9480f", "medium": "#e67700", "low": "#1864ab"}
_CSP = "default-src 'none'; style-src 'unsafe-inline'"
_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#212529;max-width:1200px}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #dee2e6}
.muted{color:#6c757d}.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.card{border:1px solid #dee2e6;border-radius:6px;padding:.6rem .9rem;min-width:8rem}
.card b{display:block;font-size:1.4rem}.bad b{color:#b42318}.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
.chart{margin:0}.chart figcaption{font-weight:600;margin-bottom:.3rem}.chart svg text{font-size:12px}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border-bottom:1px solid #e9ecef;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f8f9fa}td.n{text-align:right}code{font-size:12px;word-break:break-all}
.sev-critical{color:#b42318;font-weight:600}.sev-high{color:#d9480f}.sev-medium{color:#e67700}
"""


def render_html(report: AuditReport) -> bytes:
    t = report.totals
    title = f"harguard audit — run {report.run['id']}"
    cards = [
        ("files seen", t.get("files", 0), False),
        ("scanned", t.get("scanned", 0), False),
        ("files with findings", sum(1 for f in report.files if f.findings), True),
        ("findings", len(report.findings), True),
        ("still open", sum(f.state == "open" for f in report.findings), True),
        ("distinct credentials", report.unique_credentials, True),
        ("fixed files", t.get("rewritten", 0), False),
        ("unreadable", t.get("failed", 0), bool(t.get("failed", 0))),
    ]
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="muted">generated {escape(report.generated_at.strftime("%Y-%m-%d %H:%M UTC"))} · '
        f"harguard {escape(__version__)} · status {escape(report.run['status'])} · roots "
        f"{escape(', '.join(report.run['roots']))}</p>",
        '<div class="cards">'
        + "".join(
            f'<div class="card{" bad" if bad and n else ""}"><b>{n}</b>{escape(label)}</div>' for label, n, bad in cards
        )
        + "</div>",
        "<h2>Findings</h2><div class='charts'>",
        bar_chart(report.by_severity, title="by severity", colors=_SEVERITY_COLORS),
        bar_chart(report.by_kind, title="by kind"),
        bar_chart(report.by_age, title="by age of the file"),
        bar_chart(report.by_tenant, title="by tenant"),
        "</div>",
        _riskiest(report.riskiest),
        _problems(report.errors),
        _actions(report),
        _findings(report),
    ]
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{_CSP}\">"
        "<meta name='referrer' content='no-referrer'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{''.join(body)}</body></html>\n"
    )
    return page.encode("utf-8", "surrogateescape")


def _date(epoch: float | None) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d") if epoch else ""


def _table(headers: list[str], rows: list[list[str]], *, numeric: tuple[int, ...] = ()) -> str:
    """Cells are HTML already (escaped by the caller); `numeric` columns are right-aligned."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f"<td class='n'>{c}</td>" if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _more(total: int, shown: int) -> str:
    return f"<p class='muted'>{total - shown} more in the JSON or CSV report.</p>" if total > shown else ""


def _riskiest(rows: list[FileRow]) -> str:
    if not rows:
        return "<h2>Riskiest files</h2><p>No findings.</p>"
    cells = [
        [
            _code(f.path),
            escape(f.tenant),
            escape(f.case),
            _date(f.mtime),
            str(f.findings),
            str(f.severities.get("critical", 0)),
            escape(", ".join(f"{k} {n}" for k, n in f.kinds.most_common(5))),
        ]
        for f in rows[:_MAX_FILES]
    ]
    headers = ["file", "tenant", "case", "modified", "findings", "critical", "kinds"]
    return f"<h2>Riskiest files</h2>{_table(headers, cells, numeric=(4, 5))}{_more(len(rows), _MAX_FILES)}"


def _problems(rows: list[FileRow]) -> str:
    if not rows:
        return ""
    cells = [
        [_code(f.path), _code(member), escape(error), escape(message)]
        for f in rows[:_MAX_FILES]
        for member, error, message in f.errors[:5]
    ]
    return f"<h2>Damaged or unreadable</h2>{_table(['file', 'member', 'error', 'detail'], cells)}"


def _actions(report: AuditReport) -> str:
    if not report.actions:
        return ""
    cells = [
        [
            _code(a["path"]),
            escape(a["action"]),
            str(a["findings"]),
            escape(a["detail"] or ""),
            _code(a["quarantined_to"] or ""),
        ]
        for a in report.actions[:_MAX_FILES]
    ]
    headers = ["file", "action", "findings", "detail", "raw copy"]
    return f"<h2>Fixes</h2>{_table(headers, cells, numeric=(2,))}{_more(len(report.actions), _MAX_FILES)}"


def _findings(report: AuditReport) -> str:
    if not report.findings:
        return ""
    cells = [
        [
            _code(f.path),
            _code(f.member),
            str(f.line or ""),
            _code(f.location),
            escape(f.kind),
            f"<span class='sev-{escape(f.severity)}'>{escape(f.severity)}</span>",
            _code(f.fingerprint[:12]),
            escape(f.state),
        ]
        for f in report.findings[:_MAX_FINDINGS]
    ]
    headers = ["file", "member", "line", "location", "kind", "severity", "fingerprint", "state"]
    table = _table(headers, cells, numeric=(2,))
    return f"<h2>Findings</h2>{table}{_more(len(report.findings), _MAX_FINDINGS)}"
