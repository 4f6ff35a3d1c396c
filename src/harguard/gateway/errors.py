"""Errors to HTTP: the one table (subclasses before parents) and the handlers that use it.

Every error response is `{"detail": message, "code": code}`. Messages come from harguard's
own exceptions, which never hold a value; anything unexpected becomes a bare 500 with no text
from the exception, and FastAPI's validation errors lose their `input` echo (a rejected field
may hold exactly what we must not repeat) and the name of an unknown field (`<extra field>`).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import errors

__all__ = [
    "AccessDeniedError",
    "ConflictError",
    "ERROR_STATUS",
    "NotAuthenticatedError",
    "UnsupportedMediaError",
    "UploadTooLargeError",
    "install_error_handlers",
    "status_for",
]

log = logging.getLogger("harguard.gateway")


class NotAuthenticatedError(errors.HarguardError):
    """No valid credential came with the request (401)."""


class AccessDeniedError(errors.HarguardError):
    """The caller is known but their role does not allow this (403). Never used to hide objects of
    other tenants: those are NotFoundError (404), so existence does not leak."""


class ConflictError(errors.StoreError):
    """A unique name is taken (409)."""


class UploadTooLargeError(errors.LimitExceededError):
    """The request body is larger than max_upload_bytes (413)."""


class UnsupportedMediaError(errors.InputError):
    """Neither a HAR, an archive of HARs, nor a text log (415)."""


# (error class, HTTP status, machine-readable code); subclasses before parents.
ERROR_STATUS: tuple[tuple[type[BaseException], int, str], ...] = (
    (NotAuthenticatedError, 401, "not-authenticated"),
    (AccessDeniedError, 403, "forbidden"),
    (UploadTooLargeError, 413, "too-large"),
    (UnsupportedMediaError, 415, "unsupported-media-type"),
    (errors.NotJSONError, 400, "not-json"),
    (errors.TruncatedError, 400, "truncated"),
    (errors.EncodingError, 400, "encoding"),
    (errors.NotHARError, 422, "not-har"),
    (errors.LimitExceededError, 413, "limit-exceeded"),
    (errors.InputError, 400, "bad-input"),
    (errors.ResidualLeakError, 422, "residual-leak"),
    (errors.PolicyError, 500, "policy"),
    (ConflictError, 409, "conflict"),
    (errors.NotFoundError, 404, "not-found"),
    (errors.StoreError, 503, "store"),
    (errors.DeliveryError, 502, "delivery"),
    (errors.HarguardError, 500, "error"),
)


def status_for(exc: BaseException) -> tuple[int, str]:
    for cls, status, code in ERROR_STATUS:
        if isinstance(exc, cls):
            return status, code
    return 500, "internal"


def _message(exc: errors.HarguardError, status: int) -> str:
    if status == 404:
        return "not found"  # one message for missing and invisible alike
    if status >= 500 and not isinstance(exc, errors.StoreError):
        return "internal error"
    return str(exc) or type(exc).__name__


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(errors.HarguardError)
    async def _harguard(request: Request, exc: errors.HarguardError) -> JSONResponse:
        status, code = status_for(exc)
        if status >= 500:
            log.error("request failed: %s %s (%s)", request.method, _route(request), type(exc).__name__)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"detail": _message(exc, status), "code": code}, status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"loc": _location(e), "msg": str(e.get("msg", "invalid")), "type": e.get("type")} for e in exc.errors()
        ]
        return JSONResponse({"detail": problems, "code": "invalid-request"}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        return JSONResponse(
            {"detail": detail, "code": f"http-{exc.status_code}"},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # No message, no traceback text from the exception: it may quote request data.
        log.error("unexpected %s in %s %s", type(exc).__name__, request.method, _route(request))
        return JSONResponse({"detail": "internal error", "code": "internal"}, status_code=500)


def _location(error: Any) -> list[str]:
    """Where the problem is; an unknown field's name is the client's text, so it is not repeated."""
    loc = [str(part) for part in error.get("loc", ())]
    if error.get("type") == "extra_forbidden" and loc:
        loc[-1] = "<extra field>"
    return loc


def _route(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", "?"))
