"""Sessions for the web page (JSON variant of the login form) and "who am I"."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Response

from ..auth import login, logout
from ..deps import ClientDep, GatewayDep, Principal, SessionDep, StoreDep, cookie_name
from ..errors import NotAuthenticatedError
from ..present import user_public
from ..schemas import LoginRequest, MePublic
from ..security import csrf_token_for
from ..settings import GatewaySettings
from ..store import Identity
from ..tables import User

__all__ = ["clear_session_cookie", "router", "set_session_cookie", "try_login"]

router = APIRouter(prefix="/auth", tags=["auth"])


def set_session_cookie(response: Response, settings: GatewaySettings, value: str) -> None:
    response.set_cookie(
        cookie_name(settings),
        value,
        max_age=settings.session_ttl_minutes * 60,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response, settings: GatewaySettings) -> None:
    response.delete_cookie(
        cookie_name(settings), path="/", secure=settings.cookie_secure, httponly=True, samesite="strict"
    )


def try_login(gw: GatewayDep, session: SessionDep, client: ClientDep, body: LoginRequest) -> tuple[Identity, str]:
    """Throttled login shared by the JSON API and the HTML form; every attempt is audited."""
    keys = (f"user:{body.username.lower()}", f"ip:{client.ip}")
    gw.throttle.check(*keys)
    result = login(
        session,
        username=body.username,
        password=body.password.get_secret_value() if body.password else None,
        token=body.token.get_secret_value() if body.token else None,
        ttl=timedelta(minutes=gw.settings.session_ttl_minutes),
    )
    if result is None:
        gw.throttle.failed(*keys)
        # The attempted name is not recorded: people type passwords into the username field.
        gw.audit.record(None, "auth.login", client=client, outcome="denied")
        raise NotAuthenticatedError("wrong username, password or token")
    who, value = result
    gw.throttle.succeeded(*keys)
    gw.audit.record(who, "auth.login", client=client, detail={"method": "token" if body.token else "password"})
    return who, value


@router.post("/login", summary="Log in; sets the session cookie and returns the CSRF token")
def api_login(
    body: LoginRequest, gw: GatewayDep, session: SessionDep, client: ClientDep, response: Response
) -> MePublic:
    who, value = try_login(gw, session, client, body)
    set_session_cookie(response, gw.settings, value)
    user = session.get(User, who.user_id)
    if user is None:
        raise NotAuthenticatedError("no user")
    return MePublic(**user_public(user).model_dump(), csrf_token=csrf_token_for(value))


@router.post("/logout", summary="End the browser session", status_code=204)
def api_logout(who: Principal, gw: GatewayDep, session: SessionDep, client: ClientDep) -> Response:
    response = Response(status_code=204)
    if who.session_value:
        logout(session, who.session_value)
    clear_session_cookie(response, gw.settings)
    gw.audit.record(who, "auth.logout", client=client)
    return response


@router.get("/me", summary="The caller, with the CSRF token when logged in by cookie")
def me(store: StoreDep) -> MePublic:
    who = store.who
    if who.via not in ("token", "session"):
        raise NotAuthenticatedError("no user")
    user = store.get_user(who.user_id)
    csrf = csrf_token_for(who.session_value) if who.session_value else None
    return MePublic(**user_public(user, orgs=store.assigned_orgs(user.id)).model_dump(), csrf_token=csrf)
