"""The exposure inventory: what every audited file holds, in SQLite (default) or PostgreSQL.

Written in batches, one transaction per batch, by the coordinating process only (workers
never touch the database), so a run killed at any moment leaves whole batches: the next run
skips every file recorded with the same size, time, keyed content hash and rule set, which is
how a run resumes. See `tables.py` for the schema.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from .._version import __version__
from ..errors import StoreError
from ..settings import normalize_database_url
from ..types import Severity
from .exposures import record_exposures
from .model import FileResult, MemberResult, Status, storable
from .tables import actions, audit_metadata, exposures, files, findings, runs

__all__ = ["Inventory", "KnownFile", "Placed", "RunInfo", "ident", "storable"]


def ident(path: str, member: str = "") -> str:
    """The stable identity of a stored file or member (paths are not secret; they are shown)."""
    return hashlib.sha256(f"{path}\0{member}".encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True, slots=True)
class KnownFile:
    """What the inventory remembers of a stored file, to decide whether to scan it again."""

    size: int
    mtime_ns: int | None
    hash: str | None
    ruleset: str
    status: str
    last_run: int


@dataclass(frozen=True, slots=True)
class RunInfo:
    id: int
    status: str
    roots: list[str]
    options: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Placed:
    """A result with where it belongs: tenant and case per member (from the path)."""

    result: FileResult
    places: dict[str, tuple[str | None, str | None]]


def _now() -> datetime:
    return datetime.now(UTC)


def _worst(severities: Iterable[str]) -> str | None:
    return max(severities, key=lambda s: Severity(s).rank, default=None)


class Inventory:
    """The audit's database. Build one per run in the coordinating process."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        url = normalize_database_url(url)
        self.engine = sa.create_engine(url, connect_args={"timeout": 60} if url.startswith("sqlite") else {})
        if url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        if create:
            audit_metadata.create_all(self.engine)

    def __repr__(self) -> str:
        return f"<Inventory {self.engine.url.render_as_string(hide_password=True)}>"

    def close(self) -> None:
        self.engine.dispose()

    # -- runs ------------------------------------------------------------------------------
    def start_run(self, *, key_id: str, ruleset: str, roots: Sequence[str], options: dict[str, Any]) -> int:
        with self.engine.begin() as conn:
            other = conn.execute(sa.select(runs.c.id).where(runs.c.key_id != key_id).limit(1)).first()
            if other is not None:
                raise StoreError("this inventory was built with another fingerprint key; use that key or a new --db")
            inserted = conn.execute(
                runs.insert().values(
                    started_at=_now(),
                    status="running",
                    key_id=key_id,
                    ruleset=ruleset,
                    tool_version=__version__,
                    roots=list(roots),
                    options=options,
                    counts={},
                )
            )
            return _new_id(inserted)

    def unfinished_run(self) -> RunInfo | None:
        """The latest run that did not complete (killed or interrupted), if any."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(runs).order_by(runs.c.id.desc()).limit(1)).first()
        if row is None or row.status == "completed":
            return None
        return RunInfo(id=row.id, status=row.status, roots=list(row.roots), options=dict(row.options))

    def reopen_run(self, run_id: int, *, key_id: str, ruleset: str) -> None:
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(runs.c.key_id).where(runs.c.id == run_id)).first()
            if row is None or row.key_id != key_id:
                raise StoreError("the run to resume used another fingerprint key")
            conn.execute(runs.update().where(runs.c.id == run_id).values(status="running", ruleset=ruleset))

    def finish_run(self, run_id: int, *, status: str, counts: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                runs.update().where(runs.c.id == run_id).values(status=status, finished_at=_now(), counts=counts)
            )

    def last_run(self) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(runs.c.id))).scalar()

    # -- files -----------------------------------------------------------------------------
    def known_files(self) -> dict[str, KnownFile]:
        """Every stored file the inventory knows, by `ident(path)`."""
        query = sa.select(
            files.c.ident,
            files.c.size,
            files.c.mtime_ns,
            files.c.hash,
            files.c.ruleset,
            files.c.status,
            files.c.last_run,
        ).where(files.c.member == "")
        with self.engine.connect() as conn:
            return {
                r.ident: KnownFile(r.size, r.mtime_ns, r.hash, r.ruleset, r.status, r.last_run)
                for r in conn.execute(query)
            }

    def touch(self, run_id: int, results: Sequence[FileResult]) -> None:
        """Unchanged files: they belong to this run too (reports cover them), nothing else changes."""
        parents = [ident(r.path) for r in results]
        with self.engine.begin() as conn:
            for chunk in _chunks(parents, 500):
                conn.execute(files.update().where(files.c.parent.in_(chunk)).values(last_run=run_id))
            for r in results:  # a touched file keeps its content (same hash) but may have a new time
                conn.execute(
                    files.update().where(files.c.ident == ident(r.path)).values(size=r.size, mtime_ns=r.mtime_ns)
                )

    def record(self, run_id: int, placed: Sequence[Placed], *, ruleset: str) -> None:
        """Files, their findings and the exposures they reveal, in one transaction."""
        with self.engine.begin() as conn:
            for item in placed:
                self._record_one(conn, run_id, item, ruleset=ruleset)

    def record_failure(
        self,
        run_id: int,
        *,
        path: str,
        size: int,
        mtime_ns: int,
        error: str,
        place: tuple[str | None, str | None],
        ruleset: str,
    ) -> None:
        """A file that could not be audited at all (unreadable, a bomb): kept, and retried next run."""
        cls = error.split(":", 1)[0] if ":" in error else "Error"
        result = FileResult(path=path, size=size, mtime_ns=mtime_ns, hash="")
        result.members.append(
            MemberResult(
                member="",
                kind="unknown",
                size=size,
                mtime=mtime_ns / 1e9,
                status=Status.ERROR,
                error=cls[:64],
                message=error,
            )
        )
        with self.engine.begin() as conn:
            self._record_one(conn, run_id, Placed(result, {"": place}), ruleset=ruleset, failed=True)

    def _record_one(
        self, conn: sa.Connection, run_id: int, item: Placed, *, ruleset: str, failed: bool = False
    ) -> None:
        result = item.result
        parent = ident(result.path)
        if not failed and self._settle_pending(conn, result) and not result.findings:
            conn.execute(files.update().where(files.c.parent == parent).values(last_run=run_id, scanned_at=_now()))
            return
        existing = _clear(conn, parent, keep={ident(result.path, m.member) for m in result.members})
        now = _now()
        for member in result.members:
            key = ident(result.path, member.member)
            tenant, case = item.places.get(member.member, (None, None))
            values = _file_row(result, member, parent=parent, tenant=tenant, case=case, ruleset=ruleset)
            values.update(scanned_at=now, last_run=run_id)
            if member.member == "":
                values.update(mtime_ns=result.mtime_ns, hash=None if failed else result.hash)
            if key in existing:
                conn.execute(files.update().where(files.c.id == existing[key]).values(**values))
                file_id = existing[key]
            else:
                file_id = _new_id(conn.execute(files.insert().values(ident=key, **values)))
            if member.findings:
                conn.execute(findings.insert(), _finding_rows(file_id, member, run_id=run_id))
                record_exposures(conn, path=result.path, member=member, tenant=tenant, case=case)

    # -- fixes -----------------------------------------------------------------------------
    def record_fix(
        self,
        run_id: int,
        *,
        path: str,
        action: str,
        detail: str = "",
        findings_count: int = 0,
        before_hash: str | None = None,
        after_hash: str | None = None,
        size: int | None = None,
        quarantined_to: str | None = None,
    ) -> None:
        """What a fix did. `pending` is written before the swap, so a crash right after it is
        recognised by the next run (the file then has `after_hash`); `rewritten` completes it and
        marks the file fixed and its findings `fixed`."""
        parent = ident(path)
        values = dict(
            run_id=run_id,
            path=storable(path),
            file_ident=parent,
            action=action,
            detail=detail,
            findings=findings_count,
            before_hash=before_hash,
            after_hash=after_hash,
            quarantined_to=quarantined_to,
            at=_now(),
        )
        with self.engine.begin() as conn:
            pending = conn.execute(
                sa.select(actions.c.id).where(actions.c.file_ident == parent, actions.c.action == "pending")
            ).first()
            if pending is not None and action != "pending":
                conn.execute(actions.update().where(actions.c.id == pending.id).values(**values))
            else:
                conn.execute(actions.insert().values(**values))
            if action == "rewritten":
                self._mark_fixed(conn, parent, after_hash=after_hash, size=size)

    def _mark_fixed(self, conn: sa.Connection, parent: str, *, after_hash: str | None, size: int | None) -> None:
        now = _now()
        ids = [r.id for r in conn.execute(sa.select(files.c.id).where(files.c.parent == parent))]
        conn.execute(findings.update().where(findings.c.file_id.in_(ids)).values(state="fixed"))
        conn.execute(
            files.update()
            .where(files.c.parent == parent, files.c.status == Status.FINDINGS)
            .values(status=Status.FIXED, fixed_at=now)
        )
        top: dict[str, Any] = dict(hash=after_hash, status=Status.FIXED, fixed_at=now)
        if size is not None:
            top["size"] = size
        conn.execute(files.update().where(files.c.ident == parent).values(**top))

    def _settle_pending(self, conn: sa.Connection, result: FileResult) -> bool:
        """A fix interrupted after its swap: the file now has the staged hash. Complete it, and
        keep what it fixed (True); a pending fix that never happened is abandoned (False)."""
        parent = ident(result.path)
        pending = list(
            conn.execute(
                sa.select(actions.c.id, actions.c.after_hash, actions.c.findings).where(
                    actions.c.file_ident == parent, actions.c.action == "pending"
                )
            )
        )
        applied = False
        for row in pending:
            done = row.after_hash == result.hash
            applied = applied or done
            conn.execute(
                actions.update()
                .where(actions.c.id == row.id)
                .values(
                    action="rewritten" if done else "abandoned",
                    detail="completed by the next run" if done else "the run stopped before the swap",
                )
            )
        if applied:
            self._mark_fixed(conn, parent, after_hash=result.hash, size=result.size)
        return applied

    # -- exposures -------------------------------------------------------------------------
    def unpublished_exposures(self) -> list[sa.Row[Any]]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(exposures)
                    .where(exposures.c.published.is_(False))
                    .order_by(exposures.c.exposed_at, exposures.c.id)
                )
            )

    def mark_published(self, ids: Sequence[int]) -> None:
        with self.engine.begin() as conn:
            for chunk in _chunks(list(ids), 500):
                conn.execute(exposures.update().where(exposures.c.id.in_(chunk)).values(published=True))


def _clear(conn: sa.Connection, parent: str, *, keep: set[str]) -> dict[str, int]:
    """Drop members that are gone and every open finding of the file: a rescan replaces them
    (fixed findings stay, as history). Returns the rows kept, by ident."""
    existing = {
        r.ident: r.id for r in conn.execute(sa.select(files.c.id, files.c.ident).where(files.c.parent == parent))
    }
    gone = [fid for key, fid in existing.items() if key not in keep]
    if gone:
        conn.execute(findings.delete().where(findings.c.file_id.in_(gone)))
        conn.execute(files.delete().where(files.c.id.in_(gone)))
    if existing:
        conn.execute(
            findings.delete().where(findings.c.file_id.in_(list(existing.values())), findings.c.state == "open")
        )
    return {key: fid for key, fid in existing.items() if key in keep}


def _file_row(
    result: FileResult, member: MemberResult, *, parent: str, tenant: str | None, case: str | None, ruleset: str
) -> dict[str, Any]:
    return dict(
        path=storable(result.path),
        member=storable(member.member),
        parent=parent,
        kind=member.kind[:64],
        size=member.size,
        mtime=member.mtime,
        status=member.status,
        error=member.error,
        message=member.message,
        findings=len(member.findings),
        max_severity=_worst(f.severity for f in member.findings),
        tenant=tenant or "",
        case_ref=case or "",
        ruleset=ruleset,
    )


def _finding_rows(file_id: int, member: MemberResult, *, run_id: int) -> list[dict[str, Any]]:
    return [
        dict(file_id=file_id, kind=f.kind, rule=f.rule, severity=f.severity, fingerprint=f.fingerprint,
             location=f.location, line=f.line, state="open", run_id=run_id, expires_at=f.expires_at)
        for f in member.findings
    ]  # fmt: skip


def _new_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every table here has an integer primary key
        raise StoreError("the database returned no id for a new row")
    return int(key[0])


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
