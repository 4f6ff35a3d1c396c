"""Okta containment.

- `okta.session-revoke`: `DELETE /api/v1/sessions/me` with `Cookie: idx=<leaked>` (Okta KB,
  "Invalidate individual sessions in OIE"; Classic's `sid` goes back as `sid`). Kills exactly
  that session and needs no admin token, which is why it is opt-in and runs only at intake,
  before the raw value is discarded.
- `okta.clear-user-sessions`: `DELETE /api/v1/users/{id}/sessions?oauthTokens=true`, every IdP
  session and OAuth token of the user (the Workflows "Clear User Sessions" card). Disruptive:
  approval required.
"""

from __future__ import annotations

from .._http import check_url
from ..probe import SESSION_COOKIES
from ._base import USER_AGENT, Action, AdminApiPlaybook, Playbook, Target

__all__ = ["OktaClearUserSessions", "OktaSessionRevoke"]


class OktaSessionRevoke(Playbook):
    name = "okta.session-revoke"

    def __init__(self, *, org_url: str) -> None:
        self.org = check_url(org_url.rstrip("/"), what=self.name)

    def plan(self, target: Target) -> list[Action]:
        if not target.cookie or target.cookie_name not in SESSION_COOKIES:
            return []
        return [
            Action(
                playbook=self.name,
                method="DELETE",
                url=f"{self.org}/api/v1/sessions/me",
                url_template=f"/api/v1/sessions/me (with the leaked {target.cookie_name} cookie)",
                target=target.fp(target.cookie),
                description="revoke exactly the leaked Okta session",
                disruptive=False,
                headers={
                    "Cookie": f"{target.cookie_name}={target.cookie}",
                    "Accept": "application/json",
                    "User-Agent": USER_AGENT,
                },
                exposure_id=target.exposure_id,
                alert_uid=target.alert_uid,
            )
        ]


class OktaClearUserSessions(AdminApiPlaybook):
    name = "okta.clear-user-sessions"
    scheme = "SSWS"
    method = "DELETE"
    path = "/api/v1/users/{}/sessions?oauthTokens=true"
    template = "/api/v1/users/{userId}/sessions?oauthTokens=true"
    description = "end every Okta session and OAuth token of the user"

    def __init__(self, *, org_url: str, token: str) -> None:
        super().__init__(base_url=org_url, token=token)
