"""API tokens: your own (any role), or anyone's (admin). Shown once, stored as a hash."""

from __future__ import annotations

from fastapi import APIRouter

from ..audit import Client
from ..deps import ClientDep, GatewayDep, StoreDep
from ..runtime import Gateway
from ..schemas import TokenCreate, TokenCreated, TokenPublic
from ..store import Store

__all__ = ["issue_token", "router"]

router = APIRouter(prefix="/tokens", tags=["tokens"])


def issue_token(store: Store, gw: Gateway, client: Client, *, user_ref: str, body: TokenCreate) -> TokenCreated:
    token, value = store.create_token(user_ref=user_ref, name=body.name, expires_days=body.expires_days)
    gw.audit.commit(
        store,
        "token.create",
        client=client,
        object_type="token",
        object_id=token.id,
        detail={"user_id": token.user_id},
    )
    return TokenCreated(**TokenPublic.model_validate(token).model_dump(), token=value)


@router.get("", summary="Your tokens (admins: everyone's)")
def list_tokens(store: StoreDep) -> list[TokenPublic]:
    return [TokenPublic.model_validate(t) for t in store.list_tokens()]


@router.post("", status_code=201, summary="Create a token for yourself")
def create_token(body: TokenCreate, store: StoreDep, gw: GatewayDep, client: ClientDep) -> TokenCreated:
    return issue_token(store, gw, client, user_ref=store.who.user_id, body=body)


@router.delete("/{token_id}", summary="Revoke a token")
def revoke_token(token_id: str, store: StoreDep, gw: GatewayDep, client: ClientDep) -> TokenPublic:
    token = store.revoke_token(token_id)
    gw.audit.commit(store, "token.revoke", client=client, object_type="token", object_id=token.id)
    return TokenPublic.model_validate(token)
