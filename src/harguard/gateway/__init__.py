"""The gateway: a support-upload service that sanitizes on intake and never stores raw data.

settings = load_settings()              # environment, TOML file, defaults; validated
app = create_app(settings)              # FastAPI; run with uvicorn, or `harguard serve`
"""

from __future__ import annotations

from .app import create_app
from .settings import GatewaySettings, load_settings

__all__ = ["GatewaySettings", "create_app", "load_settings"]
