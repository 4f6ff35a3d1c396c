"""Every read and write of tenant data goes through here, scoped to the caller.

`Store(session, who)` filters each query by the organisations `who` may see, in one place
(`_scoped`): an object of another tenant is simply not found (404), exactly like an id that
was never issued, so guessing ids tells nothing. Role checks (`require`) answer 403 only for
things that are not tenant objects (creating organisations, reading the audit log).

Roles:
- admin: everything.
- support: reads sanitized files of the organisations they are assigned to; may open cases
  and upload there on a customer's behalf; cannot delete.
- customer: their own organisation only: open cases, upload, read and delete its files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from . import security
from .errors import AccessDeniedError, ConflictError
from .tables import ApiToken, Assignment, Case, FindingRow, Org, StoredFile, User, WebSession, utcnow

__all__ = ["Identity", "Role", "Store", "identity_for"]

Role = Literal["admin", "support", "customer"]
T = TypeVar("T")
S = TypeVar("S", bound=sa.Select[Any])


@dataclass(frozen=True)
class Identity:
    """Who is calling: the user, their role and the organisations they may see."""

    user_id: str
    username: str
    role: Role
    org_id: str | None
    orgs: frozenset[str]
    via: Literal["token", "session", "cli", "system"] = "token"
    session_value: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def sees(self, org_id: str) -> bool:
        return self.is_admin or org_id in self.orgs

    def __repr__(self) -> str:
        return f"<Identity {self.username} role={self.role}>"


def identity_for(session: Session, user: User, *, via: Any = "token", session_value: str | None = None) -> Identity:
    if user.role == "customer":
        orgs = frozenset({user.org_id} if user.org_id else set())
    elif user.role == "support":
        rows = session.scalars(sa.select(Assignment.org_id).where(Assignment.user_id == user.id))
        orgs = frozenset(rows)
    else:
        orgs = frozenset()
    return Identity(
        user_id=user.id,
        username=user.username,
        role=user.role,  # type: ignore[arg-type]
        org_id=user.org_id,
        orgs=orgs,
        via=via,
        session_value=session_value,
    )


class Store:
    """Tenant-scoped data access for one caller in one database session."""

    def __init__(self, session: Session, who: Identity) -> None:
        self.session = session
        self.who = who

    # -- the one place where tenancy is enforced -----------------------------------------------
    def _scoped(self, stmt: S, column: Any) -> S:
        if self.who.is_admin:
            return stmt
        return stmt.where(column.in_(sorted(self.who.orgs)))

    def _one(self, stmt: sa.Select[T], column: Any) -> T:
        found = self.session.scalars(self._scoped(stmt, column)).first()
        if found is None:
            raise NotFoundError("not found")
        return found

    def require(self, *roles: Role) -> None:
        if self.who.role not in roles:
            raise AccessDeniedError(f"this needs the {' or '.join(roles)} role")

    # -- organisations ---------------------------------------------------------------------------
    def list_orgs(self) -> Sequence[Org]:
        return self.session.scalars(self._scoped(sa.select(Org).order_by(Org.slug), Org.id)).all()

    def get_org(self, ref: str) -> Org:
        """By id or slug."""
        return self._one(sa.select(Org).where(sa.or_(Org.id == ref, Org.slug == ref)), Org.id)

    def create_org(self, *, slug: str, name: str, retention_days: int | None) -> Org:
        self.require("admin")
        if self.session.scalar(sa.select(Org.id).where(Org.slug == slug)) is not None:
            raise ConflictError(f"organisation {slug} exists")
        org = Org(id=security.new_id(), slug=slug, name=name, retention_days=retention_days)
        self.session.add(org)
        self.session.flush()
        return org

    def update_org(self, ref: str, *, name: str | None, retention_days: int | None, clear_retention: bool) -> Org:
        self.require("admin")
        org = self.get_org(ref)
        if name is not None:
            org.name = name
        if retention_days is not None or clear_retention:
            org.retention_days = retention_days
        self.session.flush()
        return org

    # -- cases -----------------------------------------------------------------------------------
    def list_cases(self, *, org_id: str | None = None) -> Sequence[Case]:
        stmt = sa.select(Case).order_by(Case.created_at.desc(), Case.id)
        if org_id is not None:
            stmt = stmt.where(Case.org_id == org_id)
        return self.session.scalars(self._scoped(stmt, Case.org_id)).all()

    def get_case(self, case_id: str) -> Case:
        return self._one(sa.select(Case).where(Case.id == case_id), Case.org_id)

    def create_case(self, *, org_ref: str, title: str, ref: str | None) -> Case:
        org = self.get_org(org_ref)
        if (
            ref is not None
            and self.session.scalar(sa.select(Case.id).where(Case.org_id == org.id, Case.ref == ref)) is not None
        ):
            raise ConflictError(f"case {ref} exists in this organisation")
        case = Case(id=security.new_id(), org_id=org.id, ref=ref, title=title, created_by=self.who.user_id or None)
        self.session.add(case)
        self.session.flush()
        return case

    # -- files -----------------------------------------------------------------------------------
    def list_files(self, *, case_id: str | None = None, org_id: str | None = None) -> Sequence[StoredFile]:
        stmt = sa.select(StoredFile).order_by(StoredFile.created_at.desc(), StoredFile.id)
        if case_id is not None:
            stmt = stmt.where(StoredFile.case_id == case_id)
        if org_id is not None:
            stmt = stmt.where(StoredFile.org_id == org_id)
        return self.session.scalars(self._scoped(stmt, StoredFile.org_id)).all()

    def get_file(self, file_id: str) -> StoredFile:
        return self._one(sa.select(StoredFile).where(StoredFile.id == file_id), StoredFile.org_id)

    def findings(self, file_id: str, *, offset: int, limit: int) -> tuple[StoredFile, Sequence[FindingRow]]:
        stored = self.get_file(file_id)
        rows = self.session.scalars(
            sa.select(FindingRow)
            .where(FindingRow.file_id == stored.id)
            .order_by(FindingRow.seq)
            .offset(offset)
            .limit(limit)
        ).all()
        return stored, rows

    def search_fingerprint(self, fingerprint: str, *, limit: int) -> Sequence[FindingRow]:
        """Where else a credential was seen, by full fingerprint or a placeholder's 12-hex prefix."""
        column = FindingRow.fingerprint
        condition = column == fingerprint if len(fingerprint) == 64 else column.startswith(fingerprint)
        stmt = sa.select(FindingRow).where(condition).order_by(FindingRow.id).limit(limit)
        return self.session.scalars(self._scoped(stmt, FindingRow.org_id)).all()

    def delete_file(self, file_id: str) -> StoredFile:
        stored = self.get_file(file_id)
        self.require("admin", "customer")
        self.session.execute(sa.delete(FindingRow).where(FindingRow.file_id == stored.id))
        self.session.delete(stored)
        self.session.flush()
        return stored

    # -- users and tokens ------------------------------------------------------------------------
    def list_users(self) -> Sequence[User]:
        self.require("admin")
        return self.session.scalars(sa.select(User).order_by(User.username)).all()

    def get_user(self, ref: str) -> User:
        """Admins see every user; others only themselves (anyone else is 'not found')."""
        stmt = sa.select(User).where(sa.or_(User.id == ref, User.username == ref))
        if not self.who.is_admin:
            stmt = stmt.where(User.id == self.who.user_id)
        found = self.session.scalars(stmt).first()
        if found is None:
            raise NotFoundError("not found")
        return found

    def create_user(self, *, username: str, role: Role, org_ref: str | None, password: str | None) -> User:
        self.require("admin")
        if self.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
            raise ConflictError(f"user {username} exists")
        org_id = None
        if role == "customer":
            if org_ref is None:
                raise ConflictError("a customer belongs to an organisation: give one")
            org_id = self.get_org(org_ref).id
        elif org_ref is not None:
            raise ConflictError("only customers belong to an organisation; assign support engineers instead")
        user = User(
            id=security.new_id(),
            username=username,
            role=role,
            org_id=org_id,
            password_hash=security.hash_password(password) if password else None,
        )
        self.session.add(user)
        self.session.flush()
        return user

    def set_password(self, user_ref: str, password: str) -> User:
        user = self.get_user(user_ref)
        user.password_hash = security.hash_password(password)
        self.session.execute(sa.delete(WebSession).where(WebSession.user_id == user.id))
        self.session.flush()
        return user

    def set_active(self, user_ref: str, active: bool) -> User:
        self.require("admin")
        user = self.get_user(user_ref)
        user.active = active
        if not active:
            self.session.execute(sa.delete(WebSession).where(WebSession.user_id == user.id))
        self.session.flush()
        return user

    def assign(self, user_ref: str, org_refs: Sequence[str], *, remove: bool = False) -> list[str]:
        self.require("admin")
        user = self.get_user(user_ref)
        if user.role != "support":
            raise ConflictError("only support engineers are assigned to organisations")
        for ref in org_refs:
            org = self.get_org(ref)
            existing = self.session.get(Assignment, (user.id, org.id))
            if remove and existing is not None:
                self.session.delete(existing)
            elif not remove and existing is None:
                self.session.add(Assignment(user_id=user.id, org_id=org.id))
        self.session.flush()
        return self.assigned_orgs(user.id)

    def assigned_orgs(self, user_id: str) -> list[str]:
        query = sa.select(Org.slug).join(Assignment, Assignment.org_id == Org.id).where(Assignment.user_id == user_id)
        return list(self.session.scalars(query.order_by(Org.slug)))

    def create_token(self, *, user_ref: str, name: str, expires_days: int | None) -> tuple[ApiToken, str]:
        """A new token for yourself, or for anyone if you are an admin; the value is returned once."""
        user = self.get_user(user_ref)
        value = security.new_token()
        expires = utcnow() + timedelta(days=expires_days) if expires_days else None
        token = ApiToken(
            id=security.new_id(),
            user_id=user.id,
            name=name,
            token_hash=security.hash_token(value),
            prefix=value[:10],
            expires_at=expires,
        )
        self.session.add(token)
        self.session.flush()
        return token, value

    def list_tokens(self, *, user_ref: str | None = None) -> Sequence[ApiToken]:
        stmt = sa.select(ApiToken).order_by(ApiToken.created_at)
        if user_ref is not None:
            stmt = stmt.where(ApiToken.user_id == self.get_user(user_ref).id)
        elif not self.who.is_admin:
            stmt = stmt.where(ApiToken.user_id == self.who.user_id)
        return self.session.scalars(stmt).all()

    def revoke_token(self, token_id: str) -> ApiToken:
        stmt = sa.select(ApiToken).where(ApiToken.id == token_id)
        if not self.who.is_admin:
            stmt = stmt.where(ApiToken.user_id == self.who.user_id)
        token = self.session.scalars(stmt).first()
        if token is None:
            raise NotFoundError("not found")
        token.revoked_at = token.revoked_at or utcnow()
        self.session.flush()
        return token
