"""Retention: files older than their organisation's time to live are deleted, blob and rows.

Each deletion is recorded in the audit log (`file.purge`, by `system`), so the fact survives the
file. The watchlist keeps its exposures on purpose: a credential that was exposed stays exposed
after the file is gone, and the replay monitor still needs its fingerprint (which holds no value).

The purge also sweeps orphan blobs (ciphertext whose row never committed, e.g. after a crash)
once they are an hour old, half-written temporary files, and expired browser sessions. It is
idempotent, so several gateway replicas may run it at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool

from .audit import Client
from .runtime import Gateway
from .schemas import PurgePublic
from .tables import FindingRow, Org, StoredFile, WebSession, utcnow

__all__ = ["periodic_purge", "purge"]

log = logging.getLogger("harguard.gateway")

ORPHAN_AGE = 3600.0
_BATCH = 200


def purge(gw: Gateway, *, now: datetime | None = None, dry_run: bool = False, actor: str = "system") -> PurgePublic:
    """Delete every expired file (or, with dry_run, count them)."""
    now = now or utcnow()
    files = blobs = 0
    with gw.sessions() as session:
        orgs = session.execute(sa.select(Org.id, Org.retention_days)).all()
    for org_id, days in orgs:
        cutoff = now - timedelta(days=gw.settings.retention_for(days))
        while True:
            deleted = _purge_batch(gw, org_id=org_id, cutoff=cutoff, dry_run=dry_run, actor=actor)
            files += len(deleted)
            if not dry_run:
                blobs += sum(gw.blobs.delete(blob_id) for blob_id in deleted)
            if dry_run or len(deleted) < _BATCH:
                break
    orphans = 0 if dry_run else _sweep_orphans(gw)
    sessions = 0 if dry_run else _expire_sessions(gw, now)
    if files or orphans:
        gw.metrics.purged.inc(files)
        log.info("purge: %d expired file(s), %d orphan blob(s) removed", files, orphans)
    return PurgePublic(files=files, blobs=blobs, orphans=orphans, sessions=sessions)


def _purge_batch(gw: Gateway, *, org_id: str, cutoff: datetime, dry_run: bool, actor: str) -> list[str]:
    """One transaction: the rows and their audit events; blobs go after the commit."""
    with gw.sessions.begin() as session:
        expired = session.execute(
            sa.select(StoredFile.id, StoredFile.blob_id, StoredFile.case_id, StoredFile.created_at)
            .where(StoredFile.org_id == org_id, StoredFile.created_at < cutoff)
            .order_by(StoredFile.created_at)
            .limit(None if dry_run else _BATCH)
        ).all()
        if dry_run or not expired:
            return [row.blob_id for row in expired]
        ids = [row.id for row in expired]
        session.execute(sa.delete(FindingRow).where(FindingRow.file_id.in_(ids)))
        session.execute(sa.delete(StoredFile).where(StoredFile.id.in_(ids)))
        for row in expired:
            gw.audit.record(
                None,
                "file.purge",
                client=Client(),
                org_id=org_id,
                object_type="file",
                object_id=row.id,
                session=session,
                actor=actor,
                detail={"case_id": row.case_id, "created_at": row.created_at.isoformat()},
            )
    return [row.blob_id for row in expired]


def _sweep_orphans(gw: Gateway) -> int:
    cutoff = time.time() - ORPHAN_AGE
    candidates = [blob_id for blob_id, mtime in gw.blobs.ids() if mtime < cutoff]
    removed = gw.blobs.sweep_temporary(older_than=ORPHAN_AGE)
    for start in range(0, len(candidates), 500):
        chunk = candidates[start : start + 500]
        with gw.sessions() as session:
            known = set(session.scalars(sa.select(StoredFile.blob_id).where(StoredFile.blob_id.in_(chunk))))
        removed += sum(gw.blobs.delete(blob_id) for blob_id in chunk if blob_id not in known)
    return removed


def _expire_sessions(gw: Gateway, now: datetime) -> int:
    with gw.sessions.begin() as session:
        result = session.execute(sa.delete(WebSession).where(WebSession.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)


async def periodic_purge(gw: Gateway) -> None:
    """Run `purge` every `purge_interval_seconds` until cancelled; a failed run is logged, not fatal."""
    interval = gw.settings.purge_interval_seconds
    while True:
        try:
            await run_in_threadpool(purge, gw)
        except Exception as exc:  # keep the loop alive; the next run retries
            log.error("periodic purge failed (%s)", type(exc).__name__)
        await asyncio.sleep(interval)
