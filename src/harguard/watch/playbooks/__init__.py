"""Response playbooks: plan (pure) → run (dry-run by default) → append-only action log.

okta.session-revoke            DELETE /api/v1/sessions/me with the leaked idx/sid (intake only)
okta.clear-user-sessions       DELETE /api/v1/users/{id}/sessions?oauthTokens=true   (approval)
oauth.revoke                   RFC 7009 token revocation (intake only: needs the token)
entra.revoke-sign-in-sessions  POST /v1.0/users/{id}/revokeSignInSessions            (approval)
auth0.session-delete           DELETE /api/v2/sessions/{sid}
google.sign-out                POST /admin/directory/v1/users/{userKey}/signOut      (approval)
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ...errors import PolicyError
from ..config import PlaybookConfig
from ._base import Action, Playbook, Target
from .actionlog import ActionLog
from .okta import OktaClearUserSessions, OktaSessionRevoke
from .providers import Auth0SessionDelete, EntraRevokeSignInSessions, GoogleSignOut, OAuthRevoke
from .runner import ActionResult, Runner

__all__ = [
    "Action",
    "ActionLog",
    "ActionResult",
    "Auth0SessionDelete",
    "EntraRevokeSignInSessions",
    "GoogleSignOut",
    "OAuthRevoke",
    "OktaClearUserSessions",
    "OktaSessionRevoke",
    "Playbook",
    "Runner",
    "Target",
    "build_playbook",
]

PLAYBOOKS = (
    "okta.session-revoke",
    "okta.clear-user-sessions",
    "oauth.revoke",
    "entra.revoke-sign-in-sessions",
    "auth0.session-delete",
    "google.sign-out",
)


def build_playbook(
    name: str, config: PlaybookConfig, *, env: Mapping[str, str] | None = None, dry_run: bool = True
) -> Playbook:
    """A playbook from the config. In a dry run a missing admin token is not an error (nothing
    is sent); in a live run it is (fail closed, with the variable's name and not its value)."""
    env = os.environ if env is None else env

    def secret(var: str | None) -> str:
        value = env.get(var or "", "")
        if not value and not dry_run:
            raise PolicyError(f"{name}: the environment variable {var} is not set")
        return value or "dry-run"

    def need(value: str | None, what: str) -> str:
        if not value:
            raise PolicyError(f"{name}: set `{what}` in the [playbooks] config")
        return value

    if name == "okta.session-revoke":
        return OktaSessionRevoke(org_url=need(config.okta_org, "okta_org"))
    if name == "okta.clear-user-sessions":
        return OktaClearUserSessions(org_url=need(config.okta_org, "okta_org"), token=secret(config.okta_token_env))
    if name == "oauth.revoke":
        return OAuthRevoke(
            revoke_url=need(config.oauth_revoke_url, "oauth_revoke_url"),
            client_id=need(config.oauth_client_id, "oauth_client_id"),
            client_secret=env.get(config.oauth_client_secret_env or "") or None,
        )
    if name == "entra.revoke-sign-in-sessions":
        return EntraRevokeSignInSessions(base_url=config.entra_graph, token=secret(config.entra_token_env))
    if name == "auth0.session-delete":
        return Auth0SessionDelete(
            base_url=need(config.auth0_domain, "auth0_domain"), token=secret(config.auth0_token_env)
        )
    if name == "google.sign-out":
        return GoogleSignOut(base_url=config.google_admin, token=secret(config.google_token_env))
    raise PolicyError(f"unknown playbook {name!r}; one of: {', '.join(PLAYBOOKS)}")
