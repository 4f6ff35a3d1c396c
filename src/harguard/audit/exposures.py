"""Exposures: one row per credential and tenant/case, with the earliest time a stored file held it.

Derived with the watch package's `exposures_from_report` (credentials only: PII is not watched
for replay), so the audit and the watchlist agree on what an exposure is. The file's own time
(its mtime, or a member's time inside its archive) is the exposure time: that is when the
credential started sitting in the store, whoever finds it later.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ..report.manifest import Report
from ..watch.watchlist import exposures_from_report
from .model import AuditFinding, MemberResult, storable
from .tables import exposures

__all__ = ["record_exposures"]


def record_exposures(
    conn: sa.Connection, *, path: str, member: MemberResult, tenant: str | None, case: str | None
) -> None:
    """Add what `member` exposes; a credential already known keeps the earlier of the two times."""
    origin = storable(f"{path}:{member.member}" if member.member else path)
    when = datetime.fromtimestamp(member.mtime or 0, UTC)
    report = Report(source=origin, findings=[f.as_finding() for f in member.findings], context=member.context)
    found = exposures_from_report(report, source="audit", exposed_at=when, tenant=tenant, case=case, origin=origin)
    if not found:
        return
    first: dict[str, AuditFinding] = {}
    for f in member.findings:
        first.setdefault(f.fingerprint, f)
    known: dict[str, Any] = {}
    prints = [e.fingerprint for e in found]
    for i in range(0, len(prints), 500):
        query = sa.select(exposures.c.id, exposures.c.fingerprint, exposures.c.exposed_at).where(
            exposures.c.tenant == (tenant or ""),
            exposures.c.case_ref == (case or ""),
            exposures.c.fingerprint.in_(prints[i : i + 500]),
        )
        known.update({r.fingerprint: r for r in conn.execute(query)})
    fresh = []
    for exposure in found:
        finding = first[exposure.fingerprint]
        values = dict(
            kind=exposure.kind,
            rule=finding.rule,
            severity=exposure.severity,
            location=finding.location,
            exposed_at=when,
            origin=origin,
            expires_at=finding.expires_at,
            links=dict(exposure.links),
            context=_jsonable(exposure.context),
        )
        row = known.get(exposure.fingerprint)
        if row is None:
            fresh.append(
                dict(
                    fingerprint=exposure.fingerprint,
                    tenant=tenant or "",
                    case_ref=case or "",
                    published=False,
                    **values,
                )
            )
        elif _aware(row.exposed_at) > when:
            conn.execute(exposures.update().where(exposures.c.id == row.id).values(**values))
    if fresh:
        conn.execute(exposures.insert(), fresh)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _jsonable(value: Any) -> Any:
    """Capture context as JSON (sets and tuples become lists)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
