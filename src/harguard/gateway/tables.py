"""The gateway's tables (SQLAlchemy ORM). API shapes live in schemas.py, never here.

No column holds a raw secret: tokens and web sessions are stored as SHA-256 of 256-bit random
values, passwords as scrypt hashes, files as encrypted blobs outside the database, findings as
kind/rule/location/keyed fingerprint. Free text that customers type (case titles, file names)
goes through the sanitizer before it gets here.

The audit log has no foreign keys on purpose: it must outlive the users, files and
organisations it talks about, and the migration makes it append-only in the database itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ApiToken",
    "Assignment",
    "AuditAlert",
    "AuditEvent",
    "Base",
    "Case",
    "FindingRow",
    "Org",
    "StoredFile",
    "User",
    "WebSession",
    "utcnow",
]

# Integer primary keys that autoincrement on SQLite too (it only does so for INTEGER).
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC in and out; SQLite forgets the zone, so put it back on the way out."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: sa.JSON()}


class Org(Base):
    """A customer organisation: the tenant."""

    __tablename__ = "orgs"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    retention_days: Mapped[int | None] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """A person or a robot. Customers belong to one org; support engineers are assigned to orgs."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(128), unique=True)
    role: Mapped[str] = mapped_column(sa.String(16))
    org_id: Mapped[str | None] = mapped_column(sa.ForeignKey("orgs.id", ondelete="RESTRICT"), index=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """A support engineer may read the sanitized files of this organisation."""

    __tablename__ = "assignments"
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[str] = mapped_column(sa.ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True)


class ApiToken(Base):
    """An API token, kept as SHA-256 of its 256 random bits (see security.py for why unsalted)."""

    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class WebSession(Base):
    """A browser login; the cookie holds the random value, this row only its SHA-256."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class Case(Base):
    """A support case of one organisation; files are uploaded to cases."""

    __tablename__ = "cases"
    __table_args__ = (sa.UniqueConstraint("org_id", "ref"),)
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    org_id: Mapped[str] = mapped_column(sa.ForeignKey("orgs.id", ondelete="RESTRICT"), index=True)
    ref: Mapped[str | None] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(500))
    created_by: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoredFile(Base):
    """A sanitized file: metadata and summary here, the content in an encrypted blob."""

    __tablename__ = "files"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    org_id: Mapped[str] = mapped_column(sa.ForeignKey("orgs.id", ondelete="RESTRICT"), index=True)
    case_id: Mapped[str] = mapped_column(sa.ForeignKey("cases.id", ondelete="RESTRICT"), index=True)
    upload_id: Mapped[str] = mapped_column(sa.String(32), index=True)
    name: Mapped[str] = mapped_column(sa.String(500))
    kind: Mapped[str] = mapped_column(sa.String(16))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    blob_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    input_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    output_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    entries: Mapped[int] = mapped_column(default=0)
    findings_count: Mapped[int] = mapped_column(default=0)
    unique_secrets: Mapped[int] = mapped_column(default=0)
    findings_truncated: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    engine: Mapped[str] = mapped_column(sa.String(32), default="")
    uploaded_by: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class FindingRow(Base):
    """One finding of one file: where, what kind, which rule, keyed fingerprint. Never a value."""

    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    file_id: Mapped[str] = mapped_column(sa.ForeignKey("files.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(sa.String(32), index=True)
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(64))
    rule: Mapped[str] = mapped_column(sa.String(128))
    location: Mapped[str] = mapped_column(sa.Text)
    severity: Mapped[str] = mapped_column(sa.String(16))
    fingerprint: Mapped[str] = mapped_column(sa.String(64), index=True)
    expires_at: Mapped[datetime | None]


class AuditEvent(Base):
    """Who did what to which object, when, from where. Append-only (enforced by triggers)."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_actor_at", "actor_id", "at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[str | None] = mapped_column(sa.String(32))
    actor: Mapped[str] = mapped_column(sa.String(128))
    role: Mapped[str | None] = mapped_column(sa.String(16))
    action: Mapped[str] = mapped_column(sa.String(48), index=True)
    outcome: Mapped[str] = mapped_column(sa.String(16))
    org_id: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(16))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(256))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AuditAlert(Base):
    """An alert-worthy pattern in the audit log, e.g. one account reading many organisations."""

    __tablename__ = "audit_alerts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    rule: Mapped[str] = mapped_column(sa.String(48))
    actor_id: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    actor: Mapped[str] = mapped_column(sa.String(128))
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    org_count: Mapped[int] = mapped_column(default=0)
    event_count: Mapped[int] = mapped_column(default=0)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
