"""HTTP routes, one module per resource; `api_router` collects the JSON API under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

from . import audit, auth, cases, files, orgs, tokens, uploads, users

__all__ = ["api_router"]

api_router = APIRouter(prefix="/api/v1")
for module in (auth, orgs, cases, uploads, files, users, tokens, audit):
    api_router.include_router(module.router)
