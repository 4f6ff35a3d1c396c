"""Registering exposures: a raw HAR, or a report/upload record, into the watchlist.

`import_har` runs the core (`Sanitizer.scan`, or `sanitize` in canary mode) and the read-only
probe over the same document, then writes one exposure per credential with the capture's
context, the upload time *as given* (so last month's uploads can be registered with their real
time and a backfill judges events against it), and the linkable identifiers the probe found.

`import_report` takes what the gateway or `harguard scan --format json` already produced
(`Report.as_dict()`, optionally wrapped as `{"tenant", "case", "uploaded_at", "report"}`), for
uploads whose raw bytes are long gone. Neither keeps a value: only fingerprints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..har.load import load_har, unpack
from ..pipeline import Sanitizer, Source
from ..redact.placeholders import fingerprint
from ..report.manifest import Report
from ..types import Finding, Severity
from .canary import CanaryMinter, canary_exposures
from .events import parse_time
from .ingest._base import as_str
from .probe import HarProbe, SessionCookie
from .watchlist import Exposure, Watchlist, exposures_from_report

__all__ = ["IntakeResult", "import_har", "import_report"]

_OKTA_SESSION_KINDS = frozenset({"okta-session"})
# The session cookies themselves (`DT` is a device token, not the session).
_SESSION_COOKIE_LOCATIONS = ("[idx]", "[sid]", ":idx", ":sid")


@dataclass
class IntakeResult:
    """What one import registered; `cookies` holds raw Okta session cookies for the optional
    intake-time revocation and must be dropped by the caller right after (never persisted)."""

    exposures: list[Exposure]
    added: int
    canaries: int = 0
    sanitized: bytes | None = None
    report: Report | None = None
    cookies: list[SessionCookie] = field(default_factory=list, repr=False)

    def forget_cookies(self) -> None:
        self.cookies.clear()


def import_har(
    source: Source,
    *,
    sanitizer: Sanitizer,
    watchlist: Watchlist,
    uploaded_at: datetime,
    tenant: str | None = None,
    case: str | None = None,
    origin: str | None = None,
    source_label: str = "cli",
    uploader: Mapping[str, Any] | None = None,
    canary: CanaryMinter | None = None,
) -> IntakeResult:
    """Scan (or, with `canary`, sanitize) one HAR and register its credentials.

    `canary` must be the minter the `sanitizer` was built with; the sanitized bytes are then
    in the result and only canaries that really made it into them are registered.
    """
    document = _load(source, origin or "input")
    probe = HarProbe.read(document)
    sanitized: bytes | None = None
    if canary is not None:
        if sanitizer.canary is not canary:
            raise ValueError("the sanitizer must be built with this canary minter")
        result = sanitizer.sanitize(document, name=origin)
        report, sanitized = result.report, result.data
    else:
        report = sanitizer.scan(document, name=origin)
    exposures = exposures_from_report(
        report, source=source_label, exposed_at=uploaded_at, tenant=tenant, case=case, origin=origin
    )
    exposures = _with_session_links(
        exposures,
        probe,
        key=sanitizer.key,
        report=report,
        source=source_label,
        uploaded_at=uploaded_at,
        tenant=tenant,
        case=case,
        origin=origin,
    )
    # After the links: the session-ref exposure they may add needs the uploader's context too.
    exposures = _with_context(exposures, uploader)
    rows = list(exposures)
    canaries = 0
    if canary is not None and sanitized is not None:
        minted = canary.drain(sanitized)
        rows += canary_exposures(minted, {e.fingerprint: e for e in exposures}, exposed_at=uploaded_at)
        canaries = len(minted)
    added = watchlist.add(rows)
    return IntakeResult(rows, added, canaries, sanitized, report, list(probe.cookies))


def import_report(
    record: Mapping[str, Any],
    *,
    watchlist: Watchlist,
    uploaded_at: datetime | None = None,
    tenant: str | None = None,
    case: str | None = None,
    origin: str | None = None,
    source_label: str = "import",
) -> IntakeResult:
    """Register the findings of a report (`Report.as_dict()`) or a gateway upload record.

    Command-line values win over the record's own `tenant`, `case` and `uploaded_at`.
    """
    body = record.get("report", record)
    if not isinstance(body, Mapping) or not isinstance(body.get("findings"), list):
        raise InputError("not a harguard report or upload record (no `findings` list)")
    when = uploaded_at or parse_time(record.get("uploaded_at") or record.get("created_at"))
    if when is None:
        raise InputError("the record has no upload time; pass --uploaded-at")
    report = Report(source=str(body.get("source") or origin or "report"), context=dict(body.get("context") or {}))
    for item in body["findings"]:
        finding = _finding(item)
        if finding is not None:
            report.findings.append(finding)
    exposures = exposures_from_report(
        report,
        source=source_label,
        exposed_at=when,
        tenant=tenant or as_str(record.get("tenant")),
        case=case or as_str(record.get("case")),
        origin=origin or report.source,
    )
    return IntakeResult(exposures, watchlist.add(exposures), report=report)


def _load(source: Source, name: str) -> dict[str, Any]:
    if isinstance(source, Mapping):
        return dict(source)
    data = bytes(source) if isinstance(source, (bytes, bytearray)) else Path(source).read_bytes()
    members = unpack(data, name=name)
    if len(members) != 1:
        raise InputError(f"{name}: the archive holds {len(members)} files; import them one by one")
    return load_har(members[0][1], name=members[0][0]).document


def _with_context(exposures: list[Exposure], uploader: Mapping[str, Any] | None) -> list[Exposure]:
    """The uploader's own network (IP, ASN, UA) is the legitimate baseline for the session."""
    if not uploader:
        return exposures
    extra = {f"uploader_{k}": v for k, v in uploader.items() if v not in (None, "")}
    return [replace(e, context={**e.context, **extra}) for e in exposures]


def _with_session_links(
    exposures: list[Exposure],
    probe: HarProbe,
    *,
    key: bytes,
    report: Report,
    source: str,
    uploaded_at: datetime,
    tenant: str | None,
    case: str | None,
    origin: str | None,
) -> list[Exposure]:
    """Link the Okta session objects found in response bodies to the session-cookie exposures;
    with no such cookie left in the file (Chrome's 'sanitized' export), watch the handle itself."""
    if not probe.sessions:
        return exposures
    links: dict[str, str] = {}
    expiry: datetime | None = None
    for session in probe.sessions[:1]:  # one capture, one signed-in session (the first seen)
        links["okta-session-id"] = fingerprint(key, session.id)
        if session.user_id:
            links["okta-user-id"] = fingerprint(key, session.user_id)
        expiry = session.expires_at
    out = []
    linked = False
    session_cookies = {f.fingerprint for f in report.findings if f.location.endswith(_SESSION_COOKIE_LOCATIONS)}
    for e in exposures:
        if e.kind in _OKTA_SESSION_KINDS and e.fingerprint in session_cookies:
            e = replace(e, links={**e.links, **links}, expires_at=e.expires_at or expiry)
            linked = True
        out.append(e)
    if not linked:
        out.append(
            Exposure(
                fingerprint=links["okta-session-id"],
                kind="okta-session-ref",
                severity=Severity.HIGH.value,
                source=source,
                exposed_at=uploaded_at,
                tenant=tenant,
                case=case,
                origin=origin,
                expires_at=expiry,
                context=dict(report.context),
                links=links,
            )
        )
    return out


def _finding(item: Any) -> Finding | None:
    if not isinstance(item, Mapping):
        return None
    fp, kind, severity = item.get("fingerprint"), item.get("kind"), item.get("severity")
    if not isinstance(fp, str) or len(fp) != 64 or not isinstance(kind, str):
        return None  # a manifest's 12-character prefixes cannot be watched: the full HMAC is needed
    try:
        level = Severity(str(severity))
    except ValueError:
        return None
    links: Mapping[str, Any] = item["links"] if isinstance(item.get("links"), Mapping) else {}
    expires = item.get("expires_at")
    return Finding(
        kind,
        str(item.get("rule") or "import"),
        str(item.get("location") or ""),
        level,
        fp,
        int(expires) if isinstance(expires, (int, float)) else None,
        tuple((str(k), str(v)) for k, v in links.items() if isinstance(v, str)),
    )
