"""Alerts kept in the watch database: the history `harguard watch alerts` lists, the source of
the recovery bundle, and the reason a re-processed log does not page anyone twice (an alert's
uid is deterministic, and a uid already stored is not delivered again)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..types import Severity
from .alerts import Alert
from .tables import ensure_watch_tables, watch_alerts_table

__all__ = ["AlertStore"]


class AlertStore:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        ensure_watch_tables(engine)

    def __repr__(self) -> str:
        return f"<AlertStore {self.engine.url.render_as_string(hide_password=True)}>"

    def add(self, alert: Alert) -> bool:
        """Store an alert; False when its uid is already there (a repeat, not to be re-sent)."""
        t = watch_alerts_table
        exposure_id = (alert.exposure or {}).get("id")
        with self.engine.begin() as conn:
            if conn.execute(sa.select(t.c.id).where(t.c.uid == alert.uid)).first() is not None:
                return False
            try:
                with conn.begin_nested():
                    conn.execute(
                        t.insert().values(
                            uid=alert.uid,
                            rule=alert.rule,
                            severity=alert.severity.value,
                            time=alert.time,
                            tenant=alert.tenant,
                            case_ref=alert.case,
                            exposure_id=exposure_id if isinstance(exposure_id, int) else None,
                            payload=alert.as_dict(),
                        )
                    )
            except sa.exc.IntegrityError:
                return False  # another monitor process stored it first
        return True

    def list(
        self,
        *,
        since: datetime | None = None,
        min_severity: Severity = Severity.LOW,
        case: str | None = None,
        tenant: str | None = None,
        exposure_ids: list[int] | None = None,
        limit: int = 1000,
    ) -> list[Alert]:
        t = watch_alerts_table
        query = sa.select(t.c.payload).order_by(t.c.time, t.c.id).limit(limit)
        if since is not None:
            query = query.where(t.c.time >= since)
        if case is not None:
            query = query.where(t.c.case_ref == case)
        if tenant is not None:
            query = query.where(t.c.tenant == tenant)
        if exposure_ids is not None:
            query = query.where(t.c.exposure_id.in_(exposure_ids))
        allowed = [s.value for s in Severity if s.at_least(min_severity)]
        query = query.where(t.c.severity.in_(allowed))
        with self.engine.connect() as conn:
            return [Alert.from_dict(_payload(row.payload)) for row in conn.execute(query)]

    def get(self, uid_prefix: str) -> Alert | None:
        t = watch_alerts_table
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(t.c.payload).where(t.c.uid.startswith(uid_prefix, autoescape=True)).limit(2)
            ).all()
        return Alert.from_dict(_payload(rows[0].payload)) if len(rows) == 1 else None


def _payload(value: Any) -> dict[str, Any]:
    return dict(value)
