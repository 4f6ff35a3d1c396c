"""Liveness, readiness and Prometheus metrics (no login: probes and scrapers have none)."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from ..db import is_current
from ..deps import GatewayDep
from ..errors import NotAuthenticatedError

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness: the process answers")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: database reachable and migrated, blob folder writable")
def readyz(gw: GatewayDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        with gw.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        checks["database"] = "ok" if is_current(gw.engine) else "not migrated"
    except sa.exc.SQLAlchemyError as exc:
        checks["database"] = f"unreachable ({type(exc).__name__})"
    probe = gw.blobs.root / ".ready"
    try:
        probe.write_bytes(b"")
        probe.unlink()
        checks["blobs"] = "ok"
    except OSError as exc:
        checks["blobs"] = f"not writable ({exc.strerror})"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503
    )


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(gw: GatewayDep, request: Request) -> Response:
    expected = gw.settings.metrics_token
    if expected is not None:
        sent = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not secrets.compare_digest(sent.encode(), expected.get_secret_value().encode()):
            raise NotAuthenticatedError("metrics need the metrics token")
    return Response(gw.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")
