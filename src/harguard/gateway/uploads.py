"""An upload, start to end: receive into memory, sanitize, then store all of it or none of it.

1. The body is read into memory (multipart.py; never spooled), at most `max_concurrent_uploads`
   at a time, so a burst of 512 MB uploads cannot exhaust memory.
2. Each file is sanitized in a worker thread with a pooled Sanitizer; the raw bytes are dropped
   as soon as their sanitized form exists. Any error refuses the whole upload.
3. Only then is anything written: the encrypted blobs, then one transaction with the file rows,
   their findings, the watchlist exposures and the audit event. If the transaction fails, the
   blobs just written are deleted again. (A crash between the two leaves only ciphertext of
   sanitized data, which the purge's orphan sweep removes.)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from ..errors import HarguardError, InputError
from ..watch.watchlist import exposures_from_report
from .audit import Client
from .errors import status_for
from .intake import Sanitized, sanitize_part
from .multipart import Part, read_multipart, read_raw
from .present import file_public
from .runtime import Gateway
from .schemas import UploadPublic
from .security import new_id
from .store import Identity, Store
from .tables import Case, FindingRow, Org, StoredFile, utcnow

__all__ = ["MAX_FINDING_ROWS", "receive_upload"]

log = logging.getLogger("harguard.gateway")

MAX_FINDING_ROWS = 100_000
RESPONSE_FINDINGS = 1000


async def receive_upload(
    gw: Gateway, request: Request, *, who: Identity, case: Case, org: Org, client: Client
) -> UploadPublic:
    started = time.perf_counter()
    gw.metrics.in_flight.inc()
    try:
        async with gw.upload_slots:
            parts = await _read(gw, request)
            size = sum(p.size for p in parts)
            results = await _sanitize_all(gw, parts)
        upload_id = new_id()
        stored = await run_in_threadpool(
            _persist, gw, who=who, case=case, org=org, results=results, upload_id=upload_id, client=client
        )
    except HarguardError as exc:
        _, reason = status_for(exc)
        gw.metrics.uploads.labels(outcome="rejected").inc()
        gw.metrics.rejections.labels(reason=reason).inc()
        await run_in_threadpool(
            gw.audit.record,
            who,
            "file.upload",
            client=client,
            outcome="rejected",
            org_id=case.org_id,
            object_type="case",
            object_id=case.id,
            detail={"reason": reason},
        )
        log.info("upload to case %s rejected: %s", case.id, reason)
        raise
    finally:
        gw.metrics.in_flight.dec()
    _count(gw, results, size=size, seconds=time.perf_counter() - started)
    log.info(
        "upload %s: %d file(s), %d bytes in, %d findings, %.2fs",
        upload_id,
        len(results),
        size,
        sum(len(r.report.findings) for r in results),
        time.perf_counter() - started,
    )
    retention = gw.settings.retention_for(org.retention_days)
    return UploadPublic(
        upload_id=upload_id,
        case_id=case.id,
        files=[file_public(f, retention_days=retention, findings=rows) for f, rows in stored],
    )


async def _read(gw: Gateway, request: Request) -> list[Part]:
    try:
        return await _read_body(gw, request)
    except ClientDisconnect:
        raise InputError("the upload was interrupted before it was complete") from None


async def _read_body(gw: Gateway, request: Request) -> list[Part]:
    settings = gw.settings
    content_type = request.headers.get("content-type", "")
    length = request.headers.get("content-length")
    if content_type.lower().startswith("multipart/form-data"):
        return await read_multipart(
            request.stream(),
            content_type=content_type,
            content_length=length,
            limit=settings.max_upload_bytes,
            max_files=settings.max_files_per_upload,
        )
    filename = request.query_params.get("filename") or _disposition_name(request) or "upload"
    part = await read_raw(
        request.stream(),
        content_length=length,
        limit=settings.max_upload_bytes,
        filename=filename,
        content_type=content_type.split(";")[0].strip(),
    )
    if part.size == 0:
        raise InputError("empty upload")
    return [part]


def _disposition_name(request: Request) -> str | None:
    from python_multipart.multipart import parse_options_header

    _, params = parse_options_header(request.headers.get("content-disposition", ""))
    name = params.get(b"filename")
    return name.decode("utf-8", "replace") if name else None


async def _sanitize_all(gw: Gateway, parts: list[Part]) -> list[Sanitized]:
    results: list[Sanitized] = []
    try:
        for part in parts:
            async with gw.sanitize_slots:
                results.extend(await run_in_threadpool(_sanitize_one, gw, part))
    finally:
        for part in parts:
            part.chunks.clear()  # drop raw bytes on every path
    return results


def _sanitize_one(gw: Gateway, part: Part) -> list[Sanitized]:
    with gw.pool.lease() as sanitizer:
        return sanitize_part(sanitizer, part)


def _persist(
    gw: Gateway,
    *,
    who: Identity,
    case: Case,
    org: Org,
    results: Sequence[Sanitized],
    upload_id: str,
    client: Client,
) -> list[tuple[StoredFile, list[FindingRow]]]:
    blob_ids: list[str] = []
    try:
        for result in results:
            blob_ids.append(gw.blobs.put(result.data))
            result.data = b""
        with gw.sessions.begin() as session:
            Store(session, who).get_case(case.id)  # still there, still visible
            now = utcnow()
            stored = [
                _file_rows(session, who=who, case=case, result=r, blob_id=b, upload_id=upload_id, now=now)
                for r, b in zip(results, blob_ids, strict=True)
            ]
            for (file_row, _), result in zip(stored, results, strict=True):
                exposures = exposures_from_report(
                    result.report,
                    source="gateway",
                    exposed_at=now,
                    tenant=org.slug,
                    case=case.id,
                    origin=file_row.id,
                )
                gw.watchlist.add(exposures, connection=session.connection())
            gw.audit.record(
                who,
                "file.upload",
                client=client,
                org_id=case.org_id,
                object_type="case",
                object_id=case.id,
                session=session,
                detail={"upload_id": upload_id, "files": [f.id for f, _ in stored]},
            )
        return stored
    except BaseException:
        for blob_id in blob_ids:
            gw.blobs.delete(blob_id)
        raise


def _file_rows(
    session: sa.orm.Session,
    *,
    who: Identity,
    case: Case,
    result: Sanitized,
    blob_id: str,
    upload_id: str,
    now: datetime,
) -> tuple[StoredFile, list[FindingRow]]:
    report = result.report
    stored = StoredFile(
        id=new_id(),
        org_id=case.org_id,
        case_id=case.id,
        upload_id=upload_id,
        name=result.name,
        kind=result.kind,
        media_type=result.media_type,
        blob_id=blob_id,
        input_bytes=report.input_bytes,
        output_bytes=report.output_bytes,
        entries=report.entries,
        findings_count=len(report.findings),
        unique_secrets=report.unique_secrets,
        findings_truncated=len(report.findings) > MAX_FINDING_ROWS,
        summary={
            "by_kind": report.counts_by_kind,
            "by_severity": report.counts_by_severity,
            "notes": list(report.notes),
        },
        context=dict(report.context),
        engine=report.engine,
        uploaded_by=who.user_id or None,
        created_at=now,
    )
    session.add(stored)
    session.flush()
    rows = [
        {
            "file_id": stored.id,
            "org_id": case.org_id,
            "seq": i,
            "kind": f.kind,
            "rule": f.rule,
            "location": f.location,
            "severity": f.severity.value,
            "fingerprint": f.fingerprint,
            "expires_at": datetime.fromtimestamp(f.expires_at, UTC) if f.expires_at is not None else None,
        }
        for i, f in enumerate(report.findings[:MAX_FINDING_ROWS])
    ]
    if rows:
        session.execute(sa.insert(FindingRow), rows)
    preview = [FindingRow(**row) for row in rows[:RESPONSE_FINDINGS]]
    return stored, preview


def _count(gw: Gateway, results: Sequence[Sanitized], *, size: int, seconds: float) -> None:
    m = gw.metrics
    m.uploads.labels(outcome="accepted").inc()
    m.bytes_in.inc(size)
    m.upload_size.observe(size)
    m.upload_seconds.observe(seconds)
    for result in results:
        m.files.labels(kind=result.kind).inc()
        m.bytes_out.inc(result.report.output_bytes)
        for kind, count in result.report.counts_by_kind.items():
            m.findings.labels(kind=kind).inc(count)
