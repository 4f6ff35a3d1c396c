"""The web page: login, cases, the upload page, a file's findings, the audit log (admins).

Server-rendered (Jinja2, autoescaped) with one small script for drag-and-drop uploads. The
login form is protected by a double-submit token (a cookie and a hidden field); everything
after login by the session's CSRF token. Forms are parsed here from the raw body, never by
Starlette's form parser, which would spool multipart file parts to disk.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import SecretStr
from starlette.concurrency import run_in_threadpool

from ...errors import HarguardError, InputError
from ..auth import logout
from ..deps import ClientDep, GatewayDep, OptionalPrincipal, SessionDep, cookie_name
from ..errors import UnsupportedMediaError, status_for
from ..present import file_public, finding_public
from ..schemas import LoginRequest
from ..security import csrf_token_for
from ..store import Identity, Store
from .auth import clear_session_cookie, set_session_cookie, try_login
from .cases import case_publics
from .files import audited, list_case_files, retention_days_of

__all__ = ["router", "templates"]

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent.parent / "templates"))
templates.env.filters["filesize"] = lambda n: _filesize(int(n))
LOGIN_COOKIE = "harguard_login"
PAGE = 200


def _filesize(n: int) -> str:
    size, unit = float(n), "B"
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            break
        size /= 1000
    return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"


def _page(request: Request, name: str, who: Identity | None, status: int = 200, **context: Any) -> HTMLResponse:
    csrf = csrf_token_for(who.session_value) if who and who.session_value else None
    return templates.TemplateResponse(
        request,
        name,
        {"who": who, "csrf_token": csrf, **context},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def _to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


async def _form(request: Request, limit: int = 16 * 1024) -> dict[str, str]:
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise UnsupportedMediaError("this form is sent as application/x-www-form-urlencoded")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise InputError("form too large")
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, gw: GatewayDep, next: str = "/") -> HTMLResponse:  # noqa: A002
    token = secrets.token_urlsafe(24)
    response = _page(request, "login.html", None, login_csrf=token, next=_safe_next(next))
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        path="/login",
        secure=gw.settings.cookie_secure,
        httponly=True,
        samesite="strict",
    )
    return response


@router.post("/login")
async def login_submit(request: Request, gw: GatewayDep, session: SessionDep, client: ClientDep) -> Response:
    form = await _form(request)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    sent = form.get("login_csrf", "")
    if not expected or not secrets.compare_digest(expected.encode(), sent.encode()):
        return _page(
            request,
            "login.html",
            None,
            status=403,
            error="The form expired; please try again.",
            login_csrf=expected or secrets.token_urlsafe(24),
            next="/",
        )
    body = LoginRequest(
        username=form.get("username", "")[:128],
        password=SecretStr(form["password"]) if form.get("password") else None,
        token=SecretStr(form["token"]) if form.get("token") else None,
    )
    try:
        _, value = await run_in_threadpool(try_login, gw, session, client, body)
    except HarguardError as exc:
        status, _ = status_for(exc)
        message = "Wrong username, password or token." if status == 401 else str(exc)
        return _page(
            request,
            "login.html",
            None,
            status=status,
            error=message,
            login_csrf=expected,
            next=_safe_next(form.get("next")),
        )
    response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    set_session_cookie(response, gw.settings, value)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout_submit(request: Request, gw: GatewayDep, session: SessionDep) -> Response:
    """A plain form post: the CSRF token comes as a form field, not the header the API wants."""
    form = await _form(request)
    value = request.cookies.get(cookie_name(gw.settings), "")
    if value:
        if not secrets.compare_digest(form.get("csrf_token", "").encode(), csrf_token_for(value).encode()):
            return Response("missing or wrong CSRF token", status_code=403)
        await run_in_threadpool(logout, session, value)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, gw.settings)
    return response


@router.get("/", response_class=HTMLResponse)
def index(request: Request, who: OptionalPrincipal, session: SessionDep) -> Response:
    if who is None:
        return _to_login(request)
    store = Store(session, who)
    cases = case_publics(store, list(store.list_cases()))
    return _page(request, "index.html", who, cases=cases, orgs=store.list_orgs())


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    case_id: str,
    request: Request,
    who: OptionalPrincipal,
    session: SessionDep,
    gw: GatewayDep,
    client: ClientDep,
) -> Response:
    if who is None:
        return _to_login(request)
    store = Store(session, who)
    case = case_publics(store, [store.get_case(case_id)])[0]
    files = list_case_files(case_id, store, gw, client)
    limit = gw.settings.max_upload_bytes
    return _page(request, "case.html", who, case=case, files=files, max_bytes=limit, max_human=_filesize(limit))


@router.get("/files/{file_id}", response_class=HTMLResponse)
def file_page(
    file_id: str,
    request: Request,
    who: OptionalPrincipal,
    session: SessionDep,
    gw: GatewayDep,
    client: ClientDep,
    page: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    if who is None:
        return _to_login(request)
    store = Store(session, who)
    stored, rows = audited(
        gw,
        store,
        client,
        "file.view",
        "file",
        file_id,
        lambda: store.findings(file_id, offset=page * PAGE, limit=PAGE + 1),
    )
    gw.audit.record(who, "file.view", client=client, org_id=stored.org_id, object_type="file", object_id=stored.id)
    public = file_public(stored, retention_days=retention_days_of(store, gw, stored.org_id))
    return _page(
        request,
        "file.html",
        who,
        file=public,
        findings=[finding_public(r) for r in rows[:PAGE]],
        page=page,
        more=len(rows) > PAGE,
    )


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, who: OptionalPrincipal, session: SessionDep, gw: GatewayDep, client: ClientDep
) -> Response:
    if who is None:
        return _to_login(request)
    Store(session, who).require("admin")
    events = gw.audit.events(session, limit=200)
    alerts = gw.audit.alerts(session, limit=50)
    gw.audit.record(who, "audit.read", client=client, detail={"results": len(events)})
    return _page(request, "audit.html", who, events=events, alerts=alerts)
