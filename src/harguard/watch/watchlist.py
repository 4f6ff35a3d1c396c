"""The exposure watchlist: every credential that ever passed through support, as fingerprints.

The gateway (at upload), the CLI and the audit (for files already stored) write to it; the
replay monitor reads it. It never holds a value: only the keyed HMAC fingerprint (the same key
the sanitizer and the edge sensor use), the kind, where and when it was exposed, the capture's
context (browsers, hosts, time range) and linkable identifiers (fingerprints of JWT `sid`,
`jti`, `uti`, `sub` …), which let an event that names the session match without the token.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa

from ..report.manifest import Report
from ..types import Severity
from .tables import ensure_watch_tables, watch_status_table

T = TypeVar("T")

__all__ = [
    "STATUSES",
    "Exposure",
    "StatusChange",
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

    @property
    def short(self) -> str:
        """The fingerprint prefix the sanitized file's placeholder shows (`[REDACTED:kind:<short>]`)."""
        return self.fingerprint[:12]


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
    """The watchlist in a SQL database (SQLite or PostgreSQL), through SQLAlchemy Core.

    Written at upload time by the gateway, by `harguard watch import` and by the audit; read by
    the monitor, which keeps an in-memory prefix index (`watch.index.WatchIndex`) for the hot
    path and comes back here only for the few events that hit it.
    """

    def __init__(self, engine: sa.Engine | str, *, create: bool = True) -> None:
        self.engine = sa.create_engine(engine) if isinstance(engine, str) else engine
        self._watch_tables = False
        if create:
            watchlist_metadata.create_all(self.engine)
            self._ensure_watch_tables()

    def _ensure_watch_tables(self) -> None:
        """The status-history table is watch's own and additive (see watch.tables). With
        `create=False` (the gateway, whose Alembic owns the schema) it is created only when a
        status actually changes, so merely opening the watchlist never alters a database."""
        if not self._watch_tables:
            ensure_watch_tables(self.engine)
            self._watch_tables = True

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
        """Batch insert: one query per 500 fingerprints to skip known rows, executemany for the rest.

        The unique constraint cannot skip duplicates by itself: tenant and case may be NULL, and
        NULLs never collide in a unique index (SQLite and PostgreSQL alike).
        """
        unique: dict[tuple[str, str | None, str | None, str], Exposure] = {}
        for item in items:
            unique.setdefault((item.fingerprint, item.tenant, item.case, item.source), item)
        t = watchlist_table
        existing: set[tuple[str, str | None, str | None, str]] = set()
        fingerprints = sorted({key[0] for key in unique})
        for fingerprint_chunk in _chunks(fingerprints, 500):
            rows = conn.execute(
                sa.select(t.c.fingerprint, t.c.tenant, t.c.case_ref, t.c.source).where(
                    t.c.fingerprint.in_(fingerprint_chunk)
                )
            )
            existing.update((r.fingerprint, r.tenant, r.case_ref, r.source) for r in rows)
        new = [item for key, item in unique.items() if key not in existing]
        return sum(self._insert(conn, chunk) for chunk in _chunks(new, 1000))

    def _insert(self, conn: sa.Connection, items: Sequence[Exposure]) -> int:
        """INSERT … ON CONFLICT DO NOTHING RETURNING: a row a concurrent writer (the gateway)
        inserted meanwhile is skipped, without a savepoint, so this runs inside the caller's
        transaction (the gateway's upload) and stays atomic with it, on SQLite and PostgreSQL."""
        t = watchlist_table
        rows = [
            {
                "fingerprint": i.fingerprint,
                "kind": i.kind,
                "severity": i.severity,
                "source": i.source,
                "tenant": i.tenant,
                "case_ref": i.case,
                "origin": i.origin,
                "exposed_at": i.exposed_at,
                "expires_at": i.expires_at,
                "status": i.status,
                "context": i.context,
                "links": i.links,
            }
            for i in items
        ]
        insert = _insert_ignoring_conflicts(conn, t)
        # SQLite's executemany reports an exact rowcount, so rows without links skip RETURNING
        # (much faster for a bulk import); elsewhere the RETURNING rows are the count.
        fast = conn.dialect.name == "sqlite"
        plain = [row for row, item in zip(rows, items, strict=True) if fast and not item.links]
        linked_items = [item for item in items if item.links or not fast]
        added = 0
        if plain:
            added += max(conn.execute(insert, plain).rowcount or 0, 0)
        if not linked_items:
            return added
        key_columns = (t.c.fingerprint, t.c.tenant, t.c.case_ref, t.c.source)
        stmt = insert.returning(t.c.id, *key_columns)
        linked_rows = [row for row, item in zip(rows, items, strict=True) if item.links or not fast]
        ids = {(r.fingerprint, r.tenant, r.case_ref, r.source): r.id for r in conn.execute(stmt, linked_rows)}
        links = [
            {"exposure_id": ids[key], "claim": claim, "fingerprint": fingerprint}
            for item in linked_items
            if (key := (item.fingerprint, item.tenant, item.case, item.source)) in ids
            for claim, fingerprint in item.links.items()
        ]
        if links:
            conn.execute(watchlist_links_table.insert(), links)
        return added + len(ids)

    def lookup(self, fingerprints: Iterable[str]) -> list[Exposure]:
        """Exposures whose credential, or one of whose linked identifiers, has a fingerprint."""
        wanted = list(set(fingerprints))
        if not wanted:
            return []
        t, links = watchlist_table, watchlist_links_table
        found: dict[int, Exposure] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(wanted, 500):
                linked = sa.select(links.c.exposure_id).where(links.c.fingerprint.in_(chunk))
                query = sa.select(t).where(sa.or_(t.c.fingerprint.in_(chunk), t.c.id.in_(linked)))
                for row in conn.execute(query):
                    found[row.id] = _row_to_exposure(row)
        return [found[i] for i in sorted(found)]

    def by_ids(self, ids: Iterable[int]) -> list[Exposure]:
        """Exposures by primary key (what the in-memory index resolves to), in id order."""
        wanted = sorted(set(ids))
        out: list[Exposure] = []
        with self.engine.connect() as conn:
            for chunk in _chunks(wanted, 500):
                rows = conn.execute(sa.select(watchlist_table).where(watchlist_table.c.id.in_(chunk)))
                out.extend(_row_to_exposure(r) for r in rows)
        return sorted(out, key=lambda e: e.id or 0)

    def by_prefix(self, prefix: str, *, tenant: str | None = None) -> list[Exposure]:
        """Exposures whose fingerprint starts with `prefix` (what people copy from a placeholder)."""
        prefix = prefix.lower()
        if not prefix or any(c not in "0123456789abcdef" for c in prefix):
            return []
        t = watchlist_table
        query = sa.select(t).where(t.c.fingerprint.startswith(prefix, autoescape=True))
        if tenant is not None:
            query = query.where(t.c.tenant == tenant)
        with self.engine.connect() as conn:
            return [_row_to_exposure(r) for r in conn.execute(query.order_by(t.c.id))]

    def all(self, *, tenant: str | None = None, case: str | None = None) -> list[Exposure]:
        query = sa.select(watchlist_table)
        if tenant is not None:
            query = query.where(watchlist_table.c.tenant == tenant)
        if case is not None:
            query = query.where(watchlist_table.c.case_ref == case)
        with self.engine.connect() as conn:
            return [_row_to_exposure(r) for r in conn.execute(query.order_by(watchlist_table.c.id)).all()]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(watchlist_table)).scalar_one())

    def set_status(
        self, exposure_id: int, status: str, *, at: datetime | None = None, reason: str | None = None
    ) -> None:
        """Change an exposure's status and record when (the time use-after-revoke is judged by).

        `at` defaults to now: a revocation is a real-world act whose time is the wall clock of
        the call; pass the provider's own timestamp when you have it.
        """
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        when = at or datetime.now(UTC)
        self._ensure_watch_tables()
        with self.engine.begin() as conn:
            conn.execute(watchlist_table.update().where(watchlist_table.c.id == exposure_id).values(status=status))
            conn.execute(
                watch_status_table.insert().values(
                    exposure_id=exposure_id, status=status, at=when, reason=(reason or "")[:256] or None
                )
            )

    def status_changes(self, ids: Iterable[int]) -> dict[int, list[StatusChange]]:
        """Every recorded status change of the given exposures, oldest first."""
        wanted = sorted(set(ids))
        out: dict[int, list[StatusChange]] = {i: [] for i in wanted}
        if not self._watch_tables and not sa.inspect(self.engine).has_table(watch_status_table.name):
            return out  # nothing ever changed status here
        s = watch_status_table
        with self.engine.connect() as conn:
            for chunk in _chunks(wanted, 500):
                query = sa.select(s).where(s.c.exposure_id.in_(chunk)).order_by(s.c.at, s.c.id)
                for row in conn.execute(query):
                    out[row.exposure_id].append(StatusChange(row.status, _aware(row.at), row.reason))
        return out

    def delete_case(self, *, tenant: str | None, case: str | None) -> int:
        t = watchlist_table
        self._ensure_watch_tables()
        with self.engine.begin() as conn:
            ids = sa.select(t.c.id).where(_is(t.c.tenant, tenant), _is(t.c.case_ref, case))
            # SQLite does not enforce ON DELETE CASCADE unless asked, so children go first.
            conn.execute(watchlist_links_table.delete().where(watchlist_links_table.c.exposure_id.in_(ids)))
            conn.execute(watch_status_table.delete().where(watch_status_table.c.exposure_id.in_(ids)))
            result = conn.execute(t.delete().where(_is(t.c.tenant, tenant), _is(t.c.case_ref, case)))
            return int(result.rowcount or 0)

    def keys_since(
        self, *, exposure_id: int = 0, link_id: int = 0, batch: int = 100_000
    ) -> Iterator[tuple[list[tuple[str, int]], int, int]]:
        """(fingerprint, exposure id) pairs added after the given row ids, in batches, with the
        new high-water marks: the feed of the in-memory index.

        A bulk scan of two columns, so it talks to the DBAPI cursor directly: SQLAlchemy's row
        processing costs more than the query for a million rows. The SQL is fixed text; the
        only variables are the two integer marks, formatted as integers.
        """
        exposures, links = watchlist_table.name, watchlist_links_table.name
        scans = (
            (
                f"SELECT id, fingerprint, id FROM {exposures} WHERE id > {int(exposure_id)} ORDER BY id",
                "exposure",
            ),
            (
                f"SELECT id, fingerprint, exposure_id FROM {links} WHERE id > {int(link_id)} ORDER BY id",
                "link",
            ),
        )
        with self.engine.connect() as conn:
            cursor = conn.connection.cursor()
            try:
                for sql, which in scans:
                    cursor.execute(sql)
                    while rows := cursor.fetchmany(batch):
                        if which == "exposure":
                            exposure_id = rows[-1][0]
                        else:
                            link_id = rows[-1][0]
                        yield [(fp, owner) for _, fp, owner in rows], exposure_id, link_id
            finally:
                cursor.close()


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One status change of an exposure: what, when, why (a playbook, a person, an expiry)."""

    status: str
    at: datetime
    reason: str | None = None


def _is(column: sa.ColumnElement[Any], value: str | None) -> sa.ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _insert_ignoring_conflicts(conn: sa.Connection, table: sa.Table) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing()
    return table.insert()


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes even for timezone=True columns; everything here is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _row_to_exposure(row: sa.Row[Any]) -> Exposure:
    return Exposure(
        fingerprint=row.fingerprint,
        kind=row.kind,
        severity=row.severity,
        source=row.source,
        exposed_at=_aware(row.exposed_at),
        tenant=row.tenant,
        case=row.case_ref,
        origin=row.origin,
        expires_at=_aware(row.expires_at) if row.expires_at is not None else None,
        status=row.status,
        context=dict(row.context or {}),
        links=dict(row.links or {}),
        id=row.id,
    )
