"""FastAPI dependencies: the gateway, a database session, the caller, their store, the client.

`Principal` authenticates every API request: a Bearer token, or the session cookie of the web
page. Cookie-authenticated requests that change something must also carry the CSRF token
(header `X-CSRF-Token`); Bearer requests need none, as a browser never adds that header on its
own. Routes take `StoreDep`, so they can only reach data through the tenant-scoped store.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from .audit import Client
from .auth import authenticate_session, authenticate_token
from .errors import AccessDeniedError, NotAuthenticatedError
from .runtime import Gateway
from .security import csrf_token_for
from .settings import GatewaySettings
from .store import Identity, Store

__all__ = [
    "ClientDep",
    "GatewayDep",
    "OptionalPrincipal",
    "Principal",
    "SessionDep",
    "StoreDep",
    "cookie_name",
    "require_admin",
]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"


def cookie_name(settings: GatewaySettings) -> str:
    """`__Host-` makes the browser insist on Secure, Path=/ and no Domain."""
    return "__Host-harguard_session" if settings.cookie_secure else "harguard_session"


def get_gateway(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


GatewayDep = Annotated[Gateway, Depends(get_gateway)]


def get_session(gw: GatewayDep) -> Iterator[Session]:
    with gw.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_client(request: Request, gw: GatewayDep) -> Client:
    ip = request.client.host if request.client else None
    if gw.settings.trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "")
        ip = forwarded.split(",")[0].strip()[:64] or ip
    return Client(ip=ip, user_agent=request.headers.get("user-agent"))


ClientDep = Annotated[Client, Depends(get_client)]


def optional_principal(request: Request, gw: GatewayDep, session: SessionDep) -> Identity | None:
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            raise NotAuthenticatedError("use `Authorization: Bearer <token>`")
        who = authenticate_token(session, token.strip())
        if who is None:
            raise NotAuthenticatedError("invalid, expired or revoked token")
        return who
    value = request.cookies.get(cookie_name(gw.settings))
    if not value:
        return None
    who = authenticate_session(session, value)
    if who is None:
        return None
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not secrets.compare_digest(sent.encode(), csrf_token_for(value).encode()):
            raise AccessDeniedError("missing or wrong CSRF token (X-CSRF-Token header)")
    return who


OptionalPrincipal = Annotated[Identity | None, Depends(optional_principal)]


def principal(who: OptionalPrincipal) -> Identity:
    if who is None:
        raise NotAuthenticatedError("log in or send an API token")
    return who


Principal = Annotated[Identity, Depends(principal)]


def get_store(session: SessionDep, who: Principal) -> Store:
    return Store(session, who)


StoreDep = Annotated[Store, Depends(get_store)]


def require_admin(who: Principal) -> Identity:
    if not who.is_admin:
        raise AccessDeniedError("this needs the admin role")
    return who
