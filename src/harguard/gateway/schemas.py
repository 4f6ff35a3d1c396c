"""API shapes: `XCreate` / `XUpdate` in, `XPublic` out. Every field is listed on purpose.

No response field can hold a raw value: findings carry kind, rule, location, severity and the
keyed fingerprint; names and titles were sanitized on the way in; password hashes and token
hashes have no field at all. `TokenCreated.token` is the one exception, and it is the gateway's
own credential, shown once to the person who asked for it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from .store import Role

__all__ = [
    "AuditAlertPublic",
    "AuditEventPublic",
    "CaseCreate",
    "CasePublic",
    "ContextPublic",
    "FilePublic",
    "FindingPublic",
    "LoginRequest",
    "MePublic",
    "OrgCreate",
    "OrgPublic",
    "OrgUpdate",
    "PurgePublic",
    "SummaryPublic",
    "TokenCreate",
    "TokenCreated",
    "TokenPublic",
    "UploadPublic",
    "UserCreate",
    "UserPublic",
    "UserUpdate",
]

SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"
USERNAME = r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$"
REF = r"^[A-Za-z0-9][A-Za-z0-9._:#/-]{0,63}$"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class OrgCreate(_In):
    slug: str = Field(pattern=SLUG, description="Short stable name, e.g. `acme`.")
    name: str = Field(min_length=1, max_length=200)
    retention_days: int | None = Field(default=None, ge=1, le=3650, description="Default: the server's.")


class OrgUpdate(_In):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    retention_days: int | None = Field(default=None, ge=1, le=3650, description="null: back to the default.")


class OrgPublic(_Out):
    id: str
    slug: str
    name: str
    retention_days: int | None
    effective_retention_days: int
    created_at: datetime


class CaseCreate(_In):
    org: str = Field(description="Organisation slug or id.")
    title: str = Field(min_length=1, max_length=300, description="Sanitized before it is stored.")
    ref: str | None = Field(default=None, pattern=REF, description="Your ticket number, e.g. `SUP-1234`.")


class CasePublic(_Out):
    id: str
    org_id: str
    org_slug: str
    ref: str | None
    title: str
    created_at: datetime
    file_count: int = 0


class FindingPublic(_Out):
    seq: int
    kind: str
    rule: str
    location: str
    severity: str
    fingerprint: str
    expires_at: datetime | None = None


class SummaryPublic(BaseModel):
    findings: int
    unique_secrets: int
    by_kind: dict[str, int]
    by_severity: dict[str, int]


class ContextPublic(BaseModel):
    """What was kept: where the capture was made (hosts, browsers, time range)."""

    user_agents: list[str] = []
    hosts: list[str] = []
    first_started: str | None = None
    last_started: str | None = None


class FilePublic(_Out):
    id: str
    case_id: str
    org_id: str
    upload_id: str
    name: str
    kind: str
    media_type: str
    input_bytes: int
    output_bytes: int
    entries: int
    summary: SummaryPublic
    findings_truncated: bool
    context: ContextPublic
    notes: list[str] = []
    created_at: datetime
    expires_at: datetime
    download_url: str
    findings_url: str
    findings: list[FindingPublic] | None = Field(default=None, description="First findings (uploads only).")


class UploadPublic(BaseModel):
    upload_id: str
    case_id: str
    files: list[FilePublic]


class LoginRequest(_In):
    username: str = Field(default="", max_length=128)
    password: SecretStr | None = None
    token: SecretStr | None = None


class UserCreate(_In):
    username: str = Field(pattern=USERNAME)
    role: Role
    org: str | None = Field(default=None, description="For customers: their organisation.")
    password: SecretStr | None = Field(default=None, min_length=12, max_length=1024)


class UserUpdate(_In):
    active: bool | None = None
    password: SecretStr | None = Field(default=None, min_length=12, max_length=1024)
    orgs: list[str] | None = Field(default=None, description="Support engineers: the assigned organisations.")


class UserPublic(_Out):
    id: str
    username: str
    role: str
    org_id: str | None
    orgs: list[str] = []
    active: bool
    created_at: datetime


class MePublic(UserPublic):
    csrf_token: str | None = None


class TokenCreate(_In):
    name: str = Field(default="api", min_length=1, max_length=100)
    expires_days: int | None = Field(default=None, ge=1, le=3650)


class TokenPublic(_Out):
    id: str
    user_id: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenPublic):
    token: str = Field(description="Shown once; only its hash is stored.")


class AuditEventPublic(_Out):
    id: int
    at: datetime
    actor_id: str | None
    actor: str
    role: str | None
    action: str
    outcome: str
    org_id: str | None
    object_type: str | None
    object_id: str | None
    ip: str | None
    user_agent: str | None
    detail: dict[str, Any]


class AuditAlertPublic(_Out):
    id: int
    at: datetime
    rule: str
    actor_id: str | None
    actor: str
    window_start: datetime
    window_end: datetime
    org_count: int
    event_count: int
    detail: dict[str, Any]


class PurgePublic(BaseModel):
    files: int
    blobs: int
    orphans: int
    sessions: int
