"""Cases: opened by customers (own organisation), support (assigned) or admins."""

from __future__ import annotations

from typing import Annotated, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Query
from fastapi.responses import Response

from ..deps import ClientDep, GatewayDep, StoreDep
from ..present import case_public
from ..reports import render_reports
from ..schemas import CaseCreate, CasePublic
from ..store import Store
from ..tables import Case, Org, StoredFile

__all__ = ["router"]

router = APIRouter(prefix="/cases", tags=["cases"])


def case_publics(store: Store, cases: list[Case]) -> list[CasePublic]:
    if not cases:
        return []
    ids = [c.id for c in cases]
    counts = dict(
        store.session.execute(
            sa.select(StoredFile.case_id, sa.func.count())
            .where(StoredFile.case_id.in_(ids))
            .group_by(StoredFile.case_id)
        ).all()
    )
    slugs = dict(store.session.execute(sa.select(Org.id, Org.slug).where(Org.id.in_({c.org_id for c in cases}))).all())
    return [case_public(c, org_slug=slugs.get(c.org_id, ""), file_count=counts.get(c.id, 0)) for c in cases]


@router.get("", summary="Cases visible to the caller, newest first")
def list_cases(store: StoreDep, org: Annotated[str | None, Query()] = None) -> list[CasePublic]:
    org_id = store.get_org(org).id if org else None
    return case_publics(store, list(store.list_cases(org_id=org_id)))


@router.post("", status_code=201, summary="Open a case in an organisation")
def create_case(body: CaseCreate, store: StoreDep, gw: GatewayDep, client: ClientDep) -> CasePublic:
    with gw.pool.lease() as sanitizer:  # people paste tokens into titles too
        title, _ = sanitizer.sanitize_text(body.title, name="case title")
    case = store.create_case(org_ref=body.org, title=title[:500], ref=body.ref)
    gw.audit.commit(store, "case.create", client=client, org_id=case.org_id, object_type="case", object_id=case.id)
    return case_publics(store, [case])[0]


@router.get("/{case_id}", summary="One case")
def get_case(case_id: str, store: StoreDep) -> CasePublic:
    return case_publics(store, [store.get_case(case_id)])[0]


@router.get("/{case_id}/report", summary="Export the findings of every file in a case (JSON or SARIF)")
def case_report(
    case_id: str,
    store: StoreDep,
    gw: GatewayDep,
    client: ClientDep,
    format: Literal["json", "sarif"] = "json",
) -> Response:  # noqa: A002
    case = store.get_case(case_id)
    files = list(store.list_files(case_id=case.id))
    body = render_reports(store.session, files, fmt=format)
    gw.audit.record(
        store.who,
        "file.export",
        client=client,
        org_id=case.org_id,
        object_type="case",
        object_id=case.id,
        detail={"format": format, "files": len(files)},
    )
    return Response(body, media_type="application/json")
