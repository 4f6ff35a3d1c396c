"""Rows to API shapes (schemas.py), in one place, so every route shows the same fields."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from .schemas import (
    CasePublic,
    ContextPublic,
    FilePublic,
    FindingPublic,
    OrgPublic,
    SummaryPublic,
    UserPublic,
)
from .settings import GatewaySettings
from .tables import Case, FindingRow, Org, StoredFile, User

__all__ = ["case_public", "file_public", "finding_public", "org_public", "user_public"]

API = "/api/v1"


def org_public(org: Org, *, settings: GatewaySettings) -> OrgPublic:
    return OrgPublic(
        id=org.id,
        slug=org.slug,
        name=org.name,
        retention_days=org.retention_days,
        effective_retention_days=settings.retention_for(org.retention_days),
        created_at=org.created_at,
    )


def case_public(case: Case, *, org_slug: str, file_count: int = 0) -> CasePublic:
    return CasePublic(
        id=case.id,
        org_id=case.org_id,
        org_slug=org_slug,
        ref=case.ref,
        title=case.title,
        created_at=case.created_at,
        file_count=file_count,
    )


def finding_public(row: FindingRow) -> FindingPublic:
    return FindingPublic.model_validate(row)


def file_public(stored: StoredFile, *, retention_days: int, findings: Sequence[FindingRow] | None = None) -> FilePublic:
    summary = stored.summary or {}
    context = {k: v for k, v in (stored.context or {}).items() if k in ContextPublic.model_fields}
    return FilePublic(
        id=stored.id,
        case_id=stored.case_id,
        org_id=stored.org_id,
        upload_id=stored.upload_id,
        name=stored.name,
        kind=stored.kind,
        media_type=stored.media_type,
        input_bytes=stored.input_bytes,
        output_bytes=stored.output_bytes,
        entries=stored.entries,
        summary=SummaryPublic(
            findings=stored.findings_count,
            unique_secrets=stored.unique_secrets,
            by_kind=summary.get("by_kind", {}),
            by_severity=summary.get("by_severity", {}),
        ),
        findings_truncated=stored.findings_truncated,
        context=ContextPublic(**context),
        notes=list(summary.get("notes", [])),
        created_at=stored.created_at,
        expires_at=stored.created_at + timedelta(days=retention_days),
        download_url=f"{API}/files/{stored.id}/content",
        findings_url=f"{API}/files/{stored.id}/findings",
        findings=[finding_public(f) for f in findings] if findings is not None else None,
    )


def user_public(user: User, *, orgs: Sequence[str] = ()) -> UserPublic:
    return UserPublic(
        id=user.id,
        username=user.username,
        role=user.role,
        org_id=user.org_id,
        orgs=list(orgs),
        active=user.active,
        created_at=user.created_at,
    )
