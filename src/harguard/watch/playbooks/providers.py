"""Other providers' revocation calls (anchors §4.1), each a small `Playbook`.

- `oauth.revoke` (RFC 7009): `POST <revocation endpoint>` with `token`, `token_type_hint` and
  client authentication; only the client the token was issued to may revoke it, and the server
  answers 200 even for an unknown token (so a repeat is harmless). Needs the raw token: intake.
- `entra.revoke-sign-in-sessions`: `POST /v1.0/users/{id}/revokeSignInSessions` (Graph).
- `auth0.session-delete`: `DELETE /api/v2/sessions/{id}`; the id is the ID token's `sid`.
- `google.sign-out`: `POST /admin/directory/v1/users/{userKey}/signOut`.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

from .._http import check_url
from ._base import Action, AdminApiPlaybook, Playbook, Target

__all__ = ["Auth0SessionDelete", "EntraRevokeSignInSessions", "GoogleSignOut", "OAuthRevoke"]


class OAuthRevoke(Playbook):
    name = "oauth.revoke"

    def __init__(self, *, revoke_url: str, client_id: str, client_secret: str | None = None) -> None:
        self.url = check_url(revoke_url, what=self.name)
        self.client_id = client_id
        self._secret = client_secret

    def plan(self, target: Target) -> list[Action]:
        if not target.token:
            return []
        form = {"token": target.token, "token_type_hint": target.token_type_hint or "refresh_token"}
        headers = {"Accept": "application/json"}
        if self._secret:
            basic = base64.b64encode(f"{quote(self.client_id)}:{quote(self._secret)}".encode()).decode()
            headers["Authorization"] = f"Basic {basic}"
        else:
            form["client_id"] = self.client_id  # a public client identifies itself (RFC 7009 §2.1)
        return [
            Action(
                playbook=self.name,
                method="POST",
                url=self.url,
                url_template="<revocation endpoint>",
                target=target.fp(target.token),
                description="revoke the leaked OAuth token (RFC 7009)",
                disruptive=False,
                headers=headers,
                form=form,
                ok=frozenset({200}),
                exposure_id=target.exposure_id,
                alert_uid=target.alert_uid,
            )
        ]


class EntraRevokeSignInSessions(AdminApiPlaybook):
    name = "entra.revoke-sign-in-sessions"
    path = "/v1.0/users/{}/revokeSignInSessions"
    template = "/v1.0/users/{id}/revokeSignInSessions"
    description = "revoke every refresh token and session cookie of the Entra user"


class Auth0SessionDelete(AdminApiPlaybook):
    name = "auth0.session-delete"
    method = "DELETE"
    path = "/api/v2/sessions/{}"
    template = "/api/v2/sessions/{id}"
    description = "delete exactly the Auth0 session (triggers back-channel logout)"
    disruptive = False

    def _id(self, target: Target) -> str | None:
        return target.session_id


class GoogleSignOut(AdminApiPlaybook):
    name = "google.sign-out"
    path = "/admin/directory/v1/users/{}/signOut"
    template = "/admin/directory/v1/users/{userKey}/signOut"
    description = "sign the Google user out of every web and device session"
