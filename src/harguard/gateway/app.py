"""`create_app(settings)`: the gateway's FastAPI application, built from explicit settings.

Nothing is built at import time: tests create one app per database, and `harguard serve` one
per process. The app owns its `Gateway` (engine, sanitizers, blobs, metrics) in `app.state`,
runs the periodic purge while it lives, and disposes of the engine when it stops.

Every response gets security headers (a strict CSP without inline script, no framing, no
sniffing, no referrer) and `Cache-Control: no-store` on the API. Requests are logged by route
template, status and duration only: never the query string, never a body.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._version import __version__
from .errors import install_error_handlers
from .metrics import Metrics
from .retention import periodic_purge
from .routes import api_router
from .routes.health import router as health_router
from .routes.web import router as web_router
from .runtime import Gateway, build_gateway
from .settings import GatewaySettings

__all__ = ["create_app"]

log = logging.getLogger("harguard.gateway")
access_log = logging.getLogger("harguard.gateway.access")

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def create_app(settings: GatewaySettings, *, gateway: Gateway | None = None) -> FastAPI:
    """The application for `settings` (keys checked, database migrated, sanitizers built)."""
    gw = gateway or build_gateway(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = None
        if settings.purge_interval_seconds > 0:
            task = asyncio.create_task(periodic_purge(gw))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            gw.close()

    app = FastAPI(
        title="harguard gateway",
        version=__version__,
        description="Support uploads, sanitized before anything is stored.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.gateway = gw
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(api_router)
    app.include_router(web_router)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    app.add_middleware(_Edge, metrics=gw.metrics)
    return app


class _Edge:
    """Pure ASGI middleware (streams bodies untouched): headers, latency metric, access log."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                if scope["path"].startswith("/api/") and not any(k == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_of(scope)
            self.metrics.requests.labels(method=scope["method"], route=route, status=str(status)).observe(elapsed)
            access_log.info("%s %s %d %.3fs", scope["method"], route, status, elapsed)


def _route_of(scope: Scope) -> str:
    """The route template of the full path (`/api/v1/files/{file_id}`): ids and values never
    become log text or metric labels. Unmatched paths are all one label."""
    route = scope.get("route")
    if getattr(route, "path", None) is None:
        return "/static" if str(scope.get("path", "")).startswith("/static/") else "unmatched"
    path = str(scope.get("path", ""))
    for name, value in sorted((scope.get("path_params") or {}).items(), key=lambda kv: -len(str(kv[1]))):
        if value:
            path = path.replace(f"/{value}", "/{" + str(name) + "}")
    return path
