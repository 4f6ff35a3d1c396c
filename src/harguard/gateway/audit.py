"""The access audit log: every view, download, listing and export, and the patterns to flag.

Each event says who (user id and name, role), what (action, object, organisation), when, from
where (client address, user agent) and how it ended (ok, denied, rejected). Rows are only ever
inserted; the database refuses UPDATE and DELETE on the table (see the first migration).

After each successful read the log is asked two questions about the reader's last
`alert_window_minutes`: did they read files of `alert_org_threshold` or more organisations,
and did they download `alert_download_threshold` or more files? Either one raises an alert (a
row in `audit_alerts`, a WARNING log line and a metric), once per window. The incident this
guards against read files across 134 customers, unnoticed for two weeks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from .store import Identity, Store
from .tables import AuditAlert, AuditEvent, utcnow

__all__ = ["READ_ACTIONS", "AuditLog", "Client"]

log = logging.getLogger("harguard.gateway.audit")

READ_ACTIONS = frozenset({"file.view", "file.findings", "file.download", "file.list", "file.export"})


@dataclass(frozen=True)
class Client:
    """Where a request came from."""

    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class AlertRules:
    window: timedelta = timedelta(minutes=15)
    org_threshold: int = 5
    download_threshold: int = 50


@dataclass
class AuditLog:
    sessions: sessionmaker[Session]
    rules: AlertRules = field(default_factory=AlertRules)
    on_alert: Callable[[str], None] = lambda rule: None

    def record(
        self,
        who: Identity | None,
        action: str,
        *,
        client: Client,
        outcome: str = "ok",
        org_id: str | None = None,
        object_type: str | None = None,
        object_id: str | None = None,
        detail: dict[str, Any] | None = None,
        session: Session | None = None,
        actor: str | None = None,
    ) -> None:
        """Append one event: inside `session` (committed with the change it records) or alone."""
        event = AuditEvent(
            at=utcnow(),
            actor_id=(who.user_id or None) if who else None,
            actor=actor or (who.username if who else "anonymous"),
            role=who.role if who else None,
            action=action,
            outcome=outcome,
            org_id=org_id,
            object_type=object_type,
            object_id=object_id[:64] if object_id else None,
            ip=(client.ip or None),
            user_agent=(client.user_agent or "")[:256] or None,
            detail=detail or {},
        )
        if session is not None:
            session.add(event)
            return
        with self.sessions.begin() as own:
            own.add(event)
        if who is not None and who.user_id and outcome == "ok" and action in READ_ACTIONS:
            self._check_alerts(who)

    def add(self, store: Store, action: str, *, client: Client, **fields: Any) -> None:
        """Record a change by the store's caller in the store's session: it is committed with
        the change, or not at all. `fields` as for `record`."""
        self.record(store.who, action, client=client, session=store.session, **fields)

    def commit(self, store: Store, action: str, *, client: Client, **fields: Any) -> None:
        """`add`, then commit the store's session: the change and its event land together."""
        self.add(store, action, client=client, **fields)
        store.session.commit()

    def _check_alerts(self, who: Identity) -> None:
        now = utcnow()
        start = now - self.rules.window
        with self.sessions.begin() as session:
            base = sa.select(AuditEvent).where(
                AuditEvent.actor_id == who.user_id, AuditEvent.at >= start, AuditEvent.outcome == "ok"
            )
            reads = base.where(AuditEvent.action.in_(sorted(READ_ACTIONS)), AuditEvent.org_id.is_not(None))
            org_count = int(session.scalar(sa.select(sa.func.count(sa.distinct(reads.subquery().c.org_id)))) or 0)
            downloads = int(
                session.scalar(
                    sa.select(sa.func.count()).select_from(base.where(AuditEvent.action == "file.download").subquery())
                )
                or 0
            )
            if org_count >= self.rules.org_threshold:
                self._raise(session, who, "many-organisations", start, now, org_count=org_count)
            if downloads >= self.rules.download_threshold:
                self._raise(session, who, "many-downloads", start, now, event_count=downloads)

    def _raise(
        self,
        session: Session,
        who: Identity,
        rule: str,
        start: datetime,
        now: datetime,
        *,
        org_count: int = 0,
        event_count: int = 0,
    ) -> None:
        recent = session.scalar(
            sa.select(AuditAlert.id)
            .where(AuditAlert.actor_id == who.user_id, AuditAlert.rule == rule, AuditAlert.at >= start)
            .limit(1)
        )
        if recent is not None:
            return
        session.add(
            AuditAlert(
                at=now,
                rule=rule,
                actor_id=who.user_id,
                actor=who.username,
                window_start=start,
                window_end=now,
                org_count=org_count,
                event_count=event_count,
                detail={"role": who.role},
            )
        )
        log.warning(
            "audit alert %s: account %s (%s) read %d organisations / %d downloads within %s",
            rule,
            who.username,
            who.role,
            org_count,
            event_count,
            self.rules.window,
        )
        self.on_alert(rule)

    # -- queries (admins only; routes check the role) -------------------------------------------
    @staticmethod
    def events(
        session: Session,
        *,
        actor: str | None = None,
        org_id: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> Sequence[AuditEvent]:
        stmt = sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if actor:
            stmt = stmt.where(sa.or_(AuditEvent.actor == actor, AuditEvent.actor_id == actor))
        if org_id:
            stmt = stmt.where(AuditEvent.org_id == org_id)
        if action:
            stmt = stmt.where(
                AuditEvent.action.startswith(action) if action.endswith(".") else AuditEvent.action == action
            )
        if since:
            stmt = stmt.where(AuditEvent.at >= since)
        if until:
            stmt = stmt.where(AuditEvent.at < until)
        if before_id:
            stmt = stmt.where(AuditEvent.id < before_id)
        return session.scalars(stmt).all()

    @staticmethod
    def alerts(session: Session, *, since: datetime | None = None, limit: int = 100) -> Sequence[AuditAlert]:
        stmt = sa.select(AuditAlert).order_by(AuditAlert.id.desc()).limit(limit)
        if since:
            stmt = stmt.where(AuditAlert.at >= since)
        return session.scalars(stmt).all()
