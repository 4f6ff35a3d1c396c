"""Who is calling: API tokens (Bearer), browser sessions (cookie), password logins.

Lookups go by the SHA-256 of the presented value (security.py explains why that is enough),
so neither tokens nor session cookies are ever stored. Failed logins are throttled per
username in memory (per process): enough to stop a password-guessing loop, while the audit
log keeps every failure for the slower kind.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from datetime import timedelta
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import security
from .errors import AccessDeniedError
from .store import Identity, identity_for
from .tables import ApiToken, User, WebSession, utcnow

__all__ = ["LoginThrottle", "authenticate_session", "authenticate_token", "login", "logout"]

T = TypeVar("T", ApiToken, WebSession)


def authenticate_token(session: Session, token: str) -> Identity | None:
    if not token.startswith(security.TOKEN_PREFIX) or len(token) > 200:
        return None
    row = _with_user(session, ApiToken, ApiToken.token_hash, token)
    if row is None:
        return None
    api_token, user = row
    now = utcnow()
    if not user.active or api_token.revoked_at is not None:
        return None
    if api_token.expires_at is not None and api_token.expires_at <= now:
        return None
    if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=1):
        api_token.last_used_at = now  # at most once a minute: no write per request
        session.commit()
    return identity_for(session, user, via="token")


def authenticate_session(session: Session, value: str) -> Identity | None:
    if not value or len(value) > 200:
        return None
    row = _with_user(session, WebSession, WebSession.id, value)
    if row is None:
        return None
    web_session, user = row
    if not user.active or web_session.expires_at <= utcnow():
        return None
    return identity_for(session, user, via="session", session_value=value)


def _with_user(
    session: Session, table: type[T], hash_column: sa.orm.InstrumentedAttribute[str], value: str
) -> tuple[T, User] | None:
    """The row of `table` (tokens or sessions) whose `hash_column` holds the hash of `value`,
    with its user."""
    row = session.execute(
        sa.select(table, User).join(User, User.id == table.user_id).where(hash_column == security.hash_token(value))
    ).first()
    return None if row is None else (row[0], row[1])


def login(
    session: Session, *, username: str, password: str | None, token: str | None, ttl: timedelta
) -> tuple[Identity, str] | None:
    """Check a password (or an API token, for the first admin) and open a browser session."""
    user: User | None
    if token:
        who = authenticate_token(session, token)
        user = session.get(User, who.user_id) if who else None
    else:
        user = session.scalars(sa.select(User).where(User.username == username)).first()
        ok = security.verify_password(password or "", user.password_hash if user else None)
        if not ok:
            user = None
    if user is None or not user.active:
        return None
    value = security.new_session_value()
    now = utcnow()
    session.execute(sa.delete(WebSession).where(WebSession.user_id == user.id, WebSession.expires_at <= now))
    session.add(WebSession(id=security.hash_token(value), user_id=user.id, expires_at=now + ttl))
    session.commit()
    return identity_for(session, user, via="session", session_value=value), value


def logout(session: Session, value: str) -> None:
    session.execute(sa.delete(WebSession).where(WebSession.id == security.hash_token(value)))
    session.commit()


class LoginThrottle:
    """At most `limit` failed logins per username, and ten times that per client address (many
    people may share one address behind a NAT), per `window` seconds."""

    def __init__(self, *, limit: int = 10, window: float = 900.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                failures = self._failures.get(key)
                while failures and failures[0] < now - self.window:
                    failures.popleft()
                limit = self.limit * 10 if key.startswith("ip:") else self.limit
                if failures is not None and len(failures) >= limit:
                    raise AccessDeniedError("too many failed logins; try again later")

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 100_000:
                self._failures.clear()  # bounded memory under a spray of made-up names
            for key in keys:
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
