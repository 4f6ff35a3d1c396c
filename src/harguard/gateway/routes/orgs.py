"""Organisations (tenants): admins create and configure them; everyone lists those they see."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import ClientDep, GatewayDep, StoreDep
from ..present import org_public
from ..schemas import OrgCreate, OrgPublic, OrgUpdate

__all__ = ["router"]

router = APIRouter(prefix="/orgs", tags=["orgs"])


@router.get("", summary="Organisations visible to the caller")
def list_orgs(store: StoreDep, gw: GatewayDep) -> list[OrgPublic]:
    return [org_public(o, settings=gw.settings) for o in store.list_orgs()]


@router.post("", status_code=201, summary="Create an organisation (admin)")
def create_org(body: OrgCreate, store: StoreDep, gw: GatewayDep, client: ClientDep) -> OrgPublic:
    org = store.create_org(slug=body.slug, name=body.name, retention_days=body.retention_days)
    gw.audit.commit(store, "org.create", client=client, org_id=org.id, object_type="org", object_id=org.id)
    return org_public(org, settings=gw.settings)


@router.get("/{org}", summary="One organisation, by slug or id")
def get_org(org: str, store: StoreDep, gw: GatewayDep) -> OrgPublic:
    return org_public(store.get_org(org), settings=gw.settings)


@router.patch("/{org}", summary="Rename or change retention (admin)")
def update_org(org: str, body: OrgUpdate, store: StoreDep, gw: GatewayDep, client: ClientDep) -> OrgPublic:
    updated = store.update_org(
        org,
        name=body.name,
        retention_days=body.retention_days,
        clear_retention="retention_days" in body.model_fields_set,
    )
    gw.audit.commit(
        store,
        "org.update",
        client=client,
        org_id=updated.id,
        object_type="org",
        object_id=updated.id,
        detail={"retention_days": updated.retention_days},
    )
    return org_public(updated, settings=gw.settings)
