"""The gateway's long-lived parts, built once per app from its settings and passed around.

`build_gateway(settings)` is the one place that turns configuration into objects: keys,
policy, database engine (migrated), blob store, the pool of sanitizers, metrics, audit log.
Nothing here runs at import time, so tests build one gateway per database.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from ..har.load import LoadLimits
from ..pipeline import Sanitizer
from ..policy import Policy
from ..watch.watchlist import Watchlist
from .audit import AlertRules, AuditLog
from .auth import LoginThrottle
from .blobs import BlobStore
from .db import create_engine, migrate, session_factory
from .intake import SanitizerPool
from .keyring import resolve_keys
from .metrics import Metrics
from .settings import GatewaySettings

__all__ = ["Gateway", "build_gateway"]

log = logging.getLogger("harguard.gateway")


@dataclass(eq=False)
class Gateway:
    settings: GatewaySettings
    engine: sa.Engine
    sessions: sessionmaker[Session]
    pool: SanitizerPool
    blobs: BlobStore
    metrics: Metrics
    audit: AuditLog
    watchlist: Watchlist
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    upload_slots: asyncio.Semaphore = field(init=False)
    sanitize_slots: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self.upload_slots = asyncio.Semaphore(self.settings.max_concurrent_uploads)
        self.sanitize_slots = asyncio.Semaphore(self.pool.size)

    def __repr__(self) -> str:
        return f"<Gateway {self.engine.url.render_as_string(hide_password=True)}>"

    def close(self) -> None:
        self.engine.dispose()


def build_gateway(settings: GatewaySettings) -> Gateway:
    """Validate keys and policy, connect and migrate the database, build the sanitizers."""
    keys = resolve_keys(settings)
    policy = Policy.from_toml(settings.policy_file) if settings.policy_file else Policy()
    engine = create_engine(settings.resolved_database_url())
    if settings.auto_migrate:
        migrate(engine)
    load_limits = LoadLimits(
        max_input_bytes=settings.max_expanded_bytes, max_expanded_bytes=settings.max_expanded_bytes
    )
    pool = SanitizerPool(
        lambda: Sanitizer(policy, key=keys.fingerprint, load_limits=load_limits), size=settings.workers()
    )
    metrics = Metrics()
    rules = AlertRules(
        window=timedelta(minutes=settings.alert_window_minutes),
        org_threshold=settings.alert_org_threshold,
        download_threshold=settings.alert_download_threshold,
    )
    sessions = session_factory(engine)
    audit = AuditLog(sessions, rules, on_alert=lambda rule: metrics.alerts.labels(rule=rule).inc())
    blobs = BlobStore(settings.resolved_blob_dir(), key=keys.data)
    # Built once, here, outside any transaction: the watch package may add its own tables at
    # construction, and on SQLite that DDL must not run while an upload holds the write lock.
    watchlist = Watchlist(engine, create=False)
    return Gateway(
        settings=settings,
        engine=engine,
        sessions=sessions,
        pool=pool,
        blobs=blobs,
        metrics=metrics,
        audit=audit,
        watchlist=watchlist,
    )
