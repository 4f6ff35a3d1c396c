"""The exposure watchlist: every credential that ever passed through support, as fingerprints.

The gateway (at upload), the CLI and the audit (for files already stored) write to it; the
replay monitor reads it. It never holds a value: only the keyed HMAC fingerprint (the same key
the sanitizer and the edge sensor use), the kind, where and when it was exposed, the capture's
context (browsers, hosts, time range) and linkable identifiers (fingerprints of JWT `sid`,
`jti`, `uti`, `sub` …), which let an event that names the session match without the token.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ..report.manifest import Report
from ..types import Severity

__all__ = [
    "Exposure",
    "Watchlist",
    "exposures_from_report",
    "watchlist_metadata",
    "watchlist_table",
]

watchlist_metadata = sa.MetaData()

watchlist_table = sa.Table(
    "watchlist",
    watchlist_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("fingerprint", sa.String(64), nullable=False, index=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("tenant", sa.String(128), nullable=True, index=True),
    sa.Column("case_ref", sa.String(128), nullable=True),
    sa.Column("origin", sa.String(512), nullable=True),
    sa.Column("exposed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("status", sa.String(16), nullable=False, default="live"),
    sa.Column("context", sa.JSON, nullable=False, default=dict),
    sa.Column("links", sa.JSON, nullable=False, default=dict),
    sa.UniqueConstraint("fingerprint", "tenant", "case_ref", "source", name="uq_watchlist_exposure"),
)

watchlist_links_table = sa.Table(
    "watchlist_links",
    watchlist_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("exposure_id", sa.Integer, sa.ForeignKey("watchlist.id", ondelete="CASCADE"), nullable=False),
    sa.Column("claim", sa.String(32), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False, index=True),
)

STATUSES = ("live", "revoked", "expired", "canary")


@dataclass(frozen=True)
class Exposure:
    """One credential seen in one place (a case, a stored file), identified by fingerprint."""

    fingerprint: str
    kind: str
    severity: str
    source: str
    exposed_at: datetime
    tenant: str | None = None
    case: str | None = None
    origin: str | None = None
    expires_at: datetime | None = None
    status: str = "live"
    context: dict[str, Any] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    id: int | None = None


def exposures_from_report(
    report: Report,
    *,
    source: str,
    exposed_at: datetime,
    tenant: str | None = None,
    case: str | None = None,
    origin: str | None = None,
    min_severity: Severity = Severity.HIGH,
) -> list[Exposure]:
    """One exposure per distinct credential in a report (PII is not watched for replay)."""
    by_fingerprint: dict[str, Exposure] = {}
    for finding in report.findings:
        if not finding.severity.at_least(min_severity):
            continue
        known = by_fingerprint.get(finding.fingerprint)
        if known is not None and Severity(known.severity).rank >= finding.severity.rank:
            continue
        expires = datetime.fromtimestamp(finding.expires_at, UTC) if finding.expires_at is not None else None
        by_fingerprint[finding.fingerprint] = Exposure(
            fingerprint=finding.fingerprint,
            kind=finding.kind,
            severity=finding.severity.value,
            source=source,
            exposed_at=exposed_at,
            tenant=tenant,
            case=case,
            origin=origin,
            expires_at=expires,
            context=dict(report.context),
            links=dict(finding.links),
        )
    return list(by_fingerprint.values())


class Watchlist:
    """The watchlist in a SQL database (SQLite or PostgreSQL), through SQLAlchemy Core."""

    def __init__(self, engine: sa.Engine | str, *, create: bool = True) -> None:
        self.engine = sa.create_engine(engine) if isinstance(engine, str) else engine
        if create:
            watchlist_metadata.create_all(self.engine)

    def __repr__(self) -> str:
        return f"<Watchlist {self.engine.url.render_as_string(hide_password=True)}>"

    def add(self, exposures: Iterable[Exposure], *, connection: sa.Connection | None = None) -> int:
        """Insert exposures; one already listed (same fingerprint, tenant, case, source) is kept."""
        items = list(exposures)
        if not items:
            return 0
        if connection is not None:
            return self._add(connection, items)
        with self.engine.begin() as conn:
            return self._add(conn, items)

    def _add(self, conn: sa.Connection, items: Sequence[Exposure]) -> int:
        added = 0
        for item in items:
            existing = conn.execute(
                sa.select(watchlist_table.c.id).where(
                    watchlist_table.c.fingerprint == item.fingerprint,
                    _is(watchlist_table.c.tenant, item.tenant),
                    _is(watchlist_table.c.case_ref, item.case),
                    watchlist_table.c.source == item.source,
                )
            ).first()
            if existing is not None:
                continue
            exposure_id = conn.execute(
                watchlist_table.insert().values(
                    fingerprint=item.fingerprint, kind=item.kind, severity=item.severity, source=item.source,
                    tenant=item.tenant, case_ref=item.case, origin=item.origin, exposed_at=item.exposed_at,
                    expires_at=item.expires_at, status=item.status, context=item.context, links=item.links,
                )  # fmt: skip
            ).inserted_primary_key[0]
            for claim, fingerprint in item.links.items():
                conn.execute(watchlist_links_table.insert().values(
                    exposure_id=exposure_id, claim=claim, fingerprint=fingerprint))  # fmt: skip
            added += 1
        return added

    def lookup(self, fingerprints: Iterable[str]) -> list[Exposure]:
        """Exposures whose credential, or one of whose linked identifiers, has a fingerprint."""
        wanted = list(set(fingerprints))
        if not wanted:
            return []
        t, links = watchlist_table, watchlist_links_table
        with self.engine.connect() as conn:
            linked = sa.select(links.c.exposure_id).where(links.c.fingerprint.in_(wanted))
            rows = conn.execute(sa.select(t).where(sa.or_(t.c.fingerprint.in_(wanted), t.c.id.in_(linked)))).all()
        return [_row_to_exposure(r) for r in rows]

    def all(self, *, tenant: str | None = None) -> list[Exposure]:
        query = sa.select(watchlist_table)
        if tenant is not None:
            query = query.where(watchlist_table.c.tenant == tenant)
        with self.engine.connect() as conn:
            return [_row_to_exposure(r) for r in conn.execute(query.order_by(watchlist_table.c.id)).all()]

    def set_status(self, exposure_id: int, status: str) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self.engine.begin() as conn:
            conn.execute(watchlist_table.update().where(watchlist_table.c.id == exposure_id).values(status=status))

    def delete_case(self, *, tenant: str | None, case: str | None) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(watchlist_table.delete().where(
                _is(watchlist_table.c.tenant, tenant), _is(watchlist_table.c.case_ref, case)))  # fmt: skip
            return int(result.rowcount or 0)


def _is(column: sa.ColumnElement[Any], value: str | None) -> sa.ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _row_to_exposure(row: sa.Row[Any]) -> Exposure:
    def aware(value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value

    exposed = aware(row.exposed_at)
    assert exposed is not None
    return Exposure(
        fingerprint=row.fingerprint, kind=row.kind, severity=row.severity, source=row.source,
        exposed_at=exposed, tenant=row.tenant, case=row.case_ref, origin=row.origin,
        expires_at=aware(row.expires_at), status=row.status, context=dict(row.context or {}),
        links=dict(row.links or {}), id=row.id,
    )  # fmt: skip


def with_status(exposure: Exposure, status: str) -> Exposure:
    return replace(exposure, status=status)
