"""First start: create the first admin and their API token, once, if there are no users.

The token is returned to the caller (`harguard serve` prints it) and only its hash is stored,
so it can never be shown again; `harguard admin create-token` issues new ones.
"""

from __future__ import annotations

import sqlalchemy as sa

from .audit import Client
from .runtime import Gateway
from .store import Identity, Store
from .tables import User

__all__ = ["cli_identity", "ensure_first_admin"]


def cli_identity(name: str) -> Identity:
    """The admin acting from the command line (recorded in the audit log as `cli:<name>`)."""
    return Identity(user_id="", username=f"cli:{name}"[:128], role="admin", org_id=None, orgs=frozenset(), via="cli")


def ensure_first_admin(gw: Gateway, *, username: str = "admin") -> str | None:
    """The first admin's token, or None when users exist already (then nothing is done)."""
    who = cli_identity("bootstrap")
    with gw.sessions.begin() as session:
        if session.scalar(sa.select(sa.func.count()).select_from(User)):
            return None
        store = Store(session, who)
        user = store.create_user(username=username, role="admin", org_ref=None, password=None)
        token, value = store.create_token(user_ref=user.id, name="first admin token", expires_days=None)
        gw.audit.record(
            who,
            "user.create",
            client=Client(),
            object_type="user",
            object_id=user.id,
            session=session,
            detail={"role": "admin", "token_id": token.id},
        )
    return value
