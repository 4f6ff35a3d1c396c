"""Stored (sanitized) files: list, view, findings, download, export, delete, fingerprint search.

Every one of these is recorded in the audit log, including refusals: an id that is not visible
to the caller is logged as `not-found` with the id that was tried, so guessing shows up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from ...errors import NotFoundError
from ..audit import Client
from ..deps import ClientDep, GatewayDep, StoreDep
from ..present import file_public, finding_public
from ..reports import render_reports
from ..runtime import Gateway
from ..schemas import FilePublic, FindingPublic
from ..store import Store
from ..tables import Org, StoredFile

__all__ = ["router"]

router = APIRouter(tags=["files"])
T = TypeVar("T")


def audited(
    gw: Gateway,
    store: Store,
    client: Client,
    action: str,
    object_type: str,
    object_id: str,
    fetch: Callable[[], T],
) -> T:
    """Run `fetch`; a miss is logged with the id that was tried, then answered 404."""
    try:
        return fetch()
    except NotFoundError:
        gw.audit.record(
            store.who,
            action,
            client=client,
            outcome="not-found",
            object_type=object_type,
            object_id=object_id,
        )
        raise


def retention_days_of(store: Store, gw: Gateway, org_id: str) -> int:
    org = store.session.get(Org, org_id)
    return gw.settings.retention_for(org.retention_days if org else None)


@router.get("/cases/{case_id}/files", summary="Files of a case (audited as a listing)")
def list_case_files(case_id: str, store: StoreDep, gw: GatewayDep, client: ClientDep) -> list[FilePublic]:
    case = audited(gw, store, client, "file.list", "case", case_id, lambda: store.get_case(case_id))
    files = store.list_files(case_id=case.id)
    days = retention_days_of(store, gw, case.org_id)
    gw.audit.record(
        store.who,
        "file.list",
        client=client,
        org_id=case.org_id,
        object_type="case",
        object_id=case.id,
        detail={"count": len(files)},
    )
    return [file_public(f, retention_days=days) for f in files]


@router.get("/files", summary="Files visible to the caller, optionally of one organisation")
def list_files(
    store: StoreDep, gw: GatewayDep, client: ClientDep, org: Annotated[str | None, Query()] = None
) -> list[FilePublic]:
    org_id = store.get_org(org).id if org else None
    files = store.list_files(org_id=org_id)
    for listed_org in sorted({f.org_id for f in files}):
        gw.audit.record(
            store.who,
            "file.list",
            client=client,
            org_id=listed_org,
            object_type="org",
            object_id=listed_org,
            detail={"count": sum(f.org_id == listed_org for f in files)},
        )
    return [file_public(f, retention_days=retention_days_of(store, gw, f.org_id)) for f in files]


@router.get("/files/{file_id}", summary="A file's metadata and summary of findings")
def get_file(file_id: str, store: StoreDep, gw: GatewayDep, client: ClientDep) -> FilePublic:
    stored = audited(gw, store, client, "file.view", "file", file_id, lambda: store.get_file(file_id))
    gw.audit.record(
        store.who, "file.view", client=client, org_id=stored.org_id, object_type="file", object_id=stored.id
    )
    return file_public(stored, retention_days=retention_days_of(store, gw, stored.org_id))


@router.get("/files/{file_id}/findings", summary="A file's findings: kind, rule, location, fingerprint")
def get_findings(
    file_id: str,
    store: StoreDep,
    gw: GatewayDep,
    client: ClientDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[FindingPublic]:
    stored, rows = audited(
        gw,
        store,
        client,
        "file.findings",
        "file",
        file_id,
        lambda: store.findings(file_id, offset=offset, limit=limit),
    )
    gw.audit.record(
        store.who,
        "file.findings",
        client=client,
        org_id=stored.org_id,
        object_type="file",
        object_id=stored.id,
    )
    return [finding_public(r) for r in rows]


@router.get("/files/{file_id}/content", summary="Download the sanitized file", response_class=StreamingResponse)
def download(file_id: str, store: StoreDep, gw: GatewayDep, client: ClientDep) -> StreamingResponse:
    stored = audited(gw, store, client, "file.download", "file", file_id, lambda: store.get_file(file_id))
    chunks = gw.blobs.open(stored.blob_id)  # raises before the response starts if the blob is gone
    gw.audit.record(
        store.who,
        "file.download",
        client=client,
        org_id=stored.org_id,
        object_type="file",
        object_id=stored.id,
    )
    return StreamingResponse(
        chunks,
        media_type=stored.media_type,
        headers={
            "Content-Disposition": _disposition(_download_name(stored)),
            "Content-Length": str(stored.output_bytes),
            "Cache-Control": "no-store",
        },
    )


@router.get("/files/{file_id}/report", summary="Export a file's findings as JSON or SARIF")
def export(
    file_id: str,
    store: StoreDep,
    gw: GatewayDep,
    client: ClientDep,
    format: Literal["json", "sarif"] = "json",
) -> Response:  # noqa: A002
    stored = audited(gw, store, client, "file.export", "file", file_id, lambda: store.get_file(file_id))
    body = render_reports(store.session, [stored], fmt=format)
    gw.audit.record(
        store.who,
        "file.export",
        client=client,
        org_id=stored.org_id,
        object_type="file",
        object_id=stored.id,
        detail={"format": format},
    )
    return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})


@router.delete("/files/{file_id}", status_code=204, summary="Delete a file now: blob and rows")
def delete_file(file_id: str, store: StoreDep, gw: GatewayDep, client: ClientDep) -> Response:
    stored = audited(gw, store, client, "file.delete", "file", file_id, lambda: store.delete_file(file_id))
    gw.audit.commit(store, "file.delete", client=client, org_id=stored.org_id, object_type="file", object_id=stored.id)
    gw.blobs.delete(stored.blob_id)
    return Response(status_code=204)


@router.get("/findings", summary="Where a credential was seen, by fingerprint (full, or a placeholder's 12 hex)")
def search_findings(
    store: StoreDep,
    gw: GatewayDep,
    client: ClientDep,
    fingerprint: Annotated[str, Query(pattern=r"^[0-9a-f]{12,64}$")],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, object]]:
    rows = store.search_fingerprint(fingerprint, limit=limit)
    gw.audit.record(store.who, "finding.search", client=client, detail={"results": len(rows)})
    return [{"file_id": r.file_id, **finding_public(r).model_dump()} for r in rows]


def _download_name(stored: StoredFile) -> str:
    name = stored.name.rsplit(":", 1)[-1] or "file"
    stem = name.rsplit(".", 1)[0] if "." in name else name
    suffix = ".har" if stored.kind == "har" else ("." + name.rsplit(".", 1)[1] if "." in name else ".txt")
    return f"{stem}.sanitized{suffix}"


def _disposition(name: str) -> str:
    ascii_name = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
