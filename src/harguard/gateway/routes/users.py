"""Users (admin only, except that everyone can read themselves at /auth/me)."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import ClientDep, GatewayDep, StoreDep
from ..present import user_public
from ..schemas import TokenCreate, TokenCreated, UserCreate, UserPublic, UserUpdate
from .tokens import issue_token

__all__ = ["router"]

router = APIRouter(prefix="/users", tags=["users"])


@router.get("", summary="All users (admin)")
def list_users(store: StoreDep) -> list[UserPublic]:
    return [user_public(u, orgs=store.assigned_orgs(u.id)) for u in store.list_users()]


@router.post("", status_code=201, summary="Create a user (admin)")
def create_user(body: UserCreate, store: StoreDep, gw: GatewayDep, client: ClientDep) -> UserPublic:
    user = store.create_user(
        username=body.username,
        role=body.role,
        org_ref=body.org,
        password=body.password.get_secret_value() if body.password else None,
    )
    gw.audit.commit(
        store,
        "user.create",
        client=client,
        org_id=user.org_id,
        object_type="user",
        object_id=user.id,
        detail={"role": user.role},
    )
    return user_public(user)


@router.get("/{user}", summary="One user, by id or username (admins; others only themselves)")
def get_user(user: str, store: StoreDep) -> UserPublic:
    found = store.get_user(user)
    return user_public(found, orgs=store.assigned_orgs(found.id))


@router.patch("/{user}", summary="Disable, re-enable, set a password, or assign organisations (admin)")
def update_user(user: str, body: UserUpdate, store: StoreDep, gw: GatewayDep, client: ClientDep) -> UserPublic:
    store.require("admin")
    found = store.get_user(user)
    if body.active is not None:
        store.set_active(found.id, body.active)
    if body.password is not None:
        store.set_password(found.id, body.password.get_secret_value())
    if body.orgs is not None:
        current = set(store.assigned_orgs(found.id))
        wanted = {store.get_org(o).slug for o in body.orgs}
        store.assign(found.id, sorted(wanted - current))
        store.assign(found.id, sorted(current - wanted), remove=True)
    gw.audit.commit(
        store,
        "user.update",
        client=client,
        object_type="user",
        object_id=found.id,
        detail={"fields": sorted(body.model_fields_set)},
    )
    return user_public(found, orgs=store.assigned_orgs(found.id))


@router.post("/{user}/tokens", status_code=201, summary="Issue an API token for a user (admin)")
def create_user_token(user: str, body: TokenCreate, store: StoreDep, gw: GatewayDep, client: ClientDep) -> TokenCreated:
    store.require("admin")
    return issue_token(store, gw, client, user_ref=user, body=body)
