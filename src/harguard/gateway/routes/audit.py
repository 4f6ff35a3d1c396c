"""The audit log and its alerts (admins), and the retention purge on demand (admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from ..deps import ClientDep, GatewayDep, SessionDep, require_admin
from ..retention import purge
from ..schemas import AuditAlertPublic, AuditEventPublic, PurgePublic
from ..store import Identity

__all__ = ["router"]

router = APIRouter(tags=["audit"])
Admin = Annotated[Identity, Depends(require_admin)]


@router.get("/audit/events", summary="Audit events, newest first (admin)")
def events(
    who: Admin,
    gw: GatewayDep,
    session: SessionDep,
    client: ClientDep,
    actor: str | None = None,
    org: str | None = None,
    action: Annotated[str | None, Query(description="Exact, or a prefix ending in '.'")] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEventPublic]:
    rows = gw.audit.events(
        session,
        actor=actor,
        org_id=org,
        action=action,
        since=since,
        until=until,
        before_id=before_id,
        limit=limit,
    )
    gw.audit.record(who, "audit.read", client=client, detail={"results": len(rows)})
    return [AuditEventPublic.model_validate(r) for r in rows]


@router.get("/audit/alerts", summary="Alert-worthy access patterns, newest first (admin)")
def alerts(
    who: Admin,
    gw: GatewayDep,
    session: SessionDep,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditAlertPublic]:
    return [AuditAlertPublic.model_validate(a) for a in gw.audit.alerts(session, since=since, limit=limit)]


@router.post("/admin/purge", summary="Run the retention purge now (admin)")
async def purge_now(who: Admin, gw: GatewayDep, dry_run: bool = False) -> PurgePublic:
    return await run_in_threadpool(purge, gw, dry_run=dry_run, actor=f"user:{who.username}")
