"""Uploads: POST one or more files to a case; the answer is what was removed, per file.

Send `multipart/form-data` (one or more `file` fields, as `curl -F file=@capture.har` does) or
the raw file as the body with `?filename=capture.har` (`curl --data-binary @capture.har`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from ..deps import ClientDep, GatewayDep, Principal, SessionDep
from ..schemas import UploadPublic
from ..store import Store
from ..tables import Org
from ..uploads import receive_upload

__all__ = ["router"]

router = APIRouter(tags=["files"])

_BODY = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"}}},
            }
        },
        "application/json": {"schema": {"type": "string", "format": "binary"}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        "application/gzip": {"schema": {"type": "string", "format": "binary"}},
        "application/zip": {"schema": {"type": "string", "format": "binary"}},
        "text/plain": {"schema": {"type": "string"}},
    },
    "required": True,
}


@router.post(
    "/cases/{case_id}/files",
    status_code=201,
    summary="Upload files to a case; they are sanitized before anything is stored",
    openapi_extra={"requestBody": _BODY},
    responses={
        400: {"description": "Bad input (not JSON, truncated, not UTF-8)"},
        413: {"description": "Larger than the upload limit, or expands too far (zip bomb)"},
        415: {"description": "Not a HAR, an archive of HARs or a text log"},
        422: {"description": "Not a HAR, or the output would still hold a credential"},
    },
)
async def upload(
    case_id: str, request: Request, who: Principal, gw: GatewayDep, session: SessionDep, client: ClientDep
) -> UploadPublic:
    from starlette.concurrency import run_in_threadpool

    def resolve() -> tuple[object, Org]:
        case = Store(session, who).get_case(case_id)
        org = session.get(Org, case.org_id)
        assert org is not None
        session.close()  # release the connection before the long part
        return case, org

    case, org = await run_in_threadpool(resolve)
    return await receive_upload(gw, request, who=who, case=case, org=org, client=client)  # type: ignore[arg-type]
