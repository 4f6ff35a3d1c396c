"""The customer-recovery bundle of one case: what was exposed, what happened, what to do now.

For the customer's security team, per case: every exposed credential (kind, fingerprint
prefix, upload time, expiry, status and its history), the capture's context, a timeline of
alerts and containment actions, ready-made log queries for their own SIEM (Okta System Log
filters, Entra KQL, Auth0 log search, grep/Splunk for edge fingerprints), and a rotation
checklist for *every* credential in the file, not only the session cookie: Cloudflare's
Thanksgiving 2023 intrusion used credentials from the Okta HARs that had not been rotated.
The bundle is checked by the outbound guard before it is written (it leaves our hands).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .._version import __version__
from .alerts import Alert
from .guard import OutboundGuard
from .watchlist import Exposure, StatusChange

__all__ = ["ROTATION", "build_bundle", "render_markdown"]

ROTATION: dict[str, str] = {
    "okta-session": "End the user's Okta sessions (Admin > Directory > People > Clear User Sessions, or "
    "DELETE /api/v1/users/{id}/sessions?oauthTokens=true); confirm ASN session binding is on.",
    "okta-session-ref": "End the Okta session named in the HAR (same as okta-session).",
    "okta-device-token": "Clear the user's devices (forgetDevices) so the DT cookie is no longer trusted.",
    "okta-api-token": "Revoke the SSWS token (Security > API > Tokens); issue a new one to its owner.",
    "okta-session-token": "One-time token: confirm it was used or has expired; end the user's sessions.",
    "okta-state-handle": "Short-lived: no action beyond ending the user's sessions.",
    "oauth-refresh-token": "Revoke it (RFC 7009) or the user's grants; refresh-token rotation catches reuse.",
    "oauth-access-token": "Revoke the grant; the token lives until `exp` unless the API checks revocation.",
    "bearer-token": "Revoke the grant that issued it; shorten lifetimes or require DPoP (RFC 9449).",
    "oidc-id-token": "End the session it names (`sid`); an ID token alone does not grant API access.",
    "client-secret": "Rotate the client secret in the application's settings; update its deployments.",
    "client-assertion": "Rotate the signing key behind the assertion.",
    "api-key": "Revoke and reissue the key at its issuer; check its audit log since the upload time.",
    "password": "Reset the password; check for MFA changes and new factors since the upload.",
    "saml-response": "End the SP session it created; check the IdP for sessions from the same time.",
    "entra-session": "POST /users/{id}/revokeSignInSessions (Graph); consider Token Protection.",
    "auth0-session": "Delete the session (DELETE /api/v2/sessions/{sid}) or all of the user's sessions.",
    "google-session": "Sign the user out (POST /admin/directory/v1/users/{userKey}/signOut).",
}
_DEFAULT_ROTATION = "Rotate or revoke at the issuer, then confirm the old value is refused."


def build_bundle(
    *,
    case: str | None,
    tenant: str | None,
    exposures: Sequence[Exposure],
    history: dict[int, list[StatusChange]],
    alerts: Sequence[Alert],
    actions: Sequence[dict[str, Any]] = (),
    guard: OutboundGuard | None = None,
) -> dict[str, Any]:
    """The bundle as a JSON-able dict (checked by `guard` when given)."""
    uploaded = min((e.exposed_at for e in exposures), default=None)
    bundle: dict[str, Any] = {
        "format": "harguard-recovery/1",
        "tool": {"name": "harguard", "version": __version__},
        "case": case,
        "tenant": tenant,
        "uploaded_at": uploaded.isoformat() if uploaded else None,
        "exposures": [_exposure(e, history.get(e.id or -1, [])) for e in exposures],
        "capture": _capture(exposures),
        "timeline": _timeline(exposures, alerts, actions),
        "queries": _queries(exposures, alerts, uploaded),
        "rotation": [
            {
                "kind": kind,
                "fingerprints": sorted({e.short for e in exposures if e.kind == kind}),
                "action": ROTATION.get(kind, _DEFAULT_ROTATION),
            }
            for kind in sorted({e.kind for e in exposures if e.status != "canary"})
        ],
    }
    if guard is not None:
        guard.check(json.dumps(bundle, sort_keys=True), what="recovery bundle")
    return bundle


def _exposure(e: Exposure, history: list[StatusChange]) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "fingerprint": e.short,
        "placeholder": f"[REDACTED:{e.kind}:{e.short}]",
        "severity": e.severity,
        "status": e.status,
        "exposed_at": e.exposed_at.isoformat(),
        "expires_at": e.expires_at.isoformat() if e.expires_at else None,
        "origin": e.origin,
        "linked": ", ".join(sorted(e.links)),
        "history": [{"status": h.status, "at": h.at.isoformat(), "reason": h.reason} for h in history],
    }


def _capture(exposures: Sequence[Exposure]) -> dict[str, Any]:
    context = exposures[0].context if exposures else {}
    return {k: context.get(k) for k in ("user_agents", "hosts", "first_started", "last_started") if context.get(k)}


def _timeline(
    exposures: Sequence[Exposure], alerts: Sequence[Alert], actions: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    items: list[tuple[str, dict[str, Any]]] = []
    for e in exposures:
        items.append(
            (
                e.exposed_at.isoformat(),
                {
                    "at": e.exposed_at.isoformat(),
                    "what": "uploaded",
                    "detail": f"{e.kind} {e.short} ({e.origin or 'upload'})",
                },
            )
        )
    for a in alerts:
        items.append(
            (
                a.time.isoformat(),
                {
                    "at": a.time.isoformat(),
                    "what": f"alert {a.severity.value}",
                    "detail": f"{a.rule}: {a.summary}",
                    "alert": a.uid,
                },
            )
        )
    for act in actions:
        items.append(
            (
                str(act.get("at")),
                {
                    "at": act.get("at"),
                    "what": f"action {act.get('outcome')}",
                    "detail": f"{act.get('playbook')} {act.get('method')} {act.get('url')}",
                },
            )
        )
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


def _queries(exposures: Sequence[Exposure], alerts: Sequence[Alert], uploaded: datetime | None) -> dict[str, list[str]]:
    since = uploaded.strftime("%Y-%m-%dT%H:%M:%S.000Z") if uploaded else "<upload time>"
    sessions = sorted({str(a.session["uid"]) for a in alerts if a.session and a.session.get("uid")})
    users = sorted({str(a.actor["uid"]) for a in alerts if a.actor and a.actor.get("uid")})
    okta = [f'published gt "{since}" and authenticationContext.externalSessionId eq "{s}"' for s in sessions]
    okta += [f'published gt "{since}" and actor.id eq "{u}"' for u in users]
    if not okta:
        okta.append(f'published gt "{since}" and actor.id eq "<the uploader\'s Okta user id>"')
    kql_ids = " or ".join(f'SessionId == "{s}"' for s in sessions) or 'UserId == "<the uploader\'s object id>"'
    entra = [
        f"union SigninLogs, AADNonInteractiveUserSignInLogs | where TimeGenerated > datetime({since}) "
        f"| where {kql_ids} | project TimeGenerated, IPAddress, AutonomousSystemNumber, UserAgent, "
        "SessionId, UniqueTokenIdentifier, TokenProtectionStatusDetails"
    ]
    auth0 = [f'GET /api/v2/logs?q=date:[{since} TO *] AND user_id:"{u}"' for u in users] or [
        f'GET /api/v2/logs?q=date:[{since} TO *] AND user_id:"<the uploader\'s user id>"'
    ]
    edge = sorted({f"hm1:{e.fingerprint[:16]}" for e in exposures})
    return {
        "okta": okta,
        "entra": entra,
        "auth0": auth0,
        "edge_grep": [f"grep -F '{fp}' access.log" for fp in edge],
        "splunk": [f'search earliest="{since}" (sess_fp="{fp}" OR credential_fp="{fp}")' for fp in edge],
    }


def render_markdown(bundle: dict[str, Any]) -> str:
    """The same bundle as a page for people (the JSON is for tools)."""
    lines = [
        f"# Recovery bundle: case {bundle.get('case') or '-'}",
        "",
        f"Tenant: {bundle.get('tenant') or '-'} · uploaded {bundle.get('uploaded_at') or '-'} · "
        f"harguard {bundle['tool']['version']}",
        "",
        "## What was exposed",
        "",
        "| kind | fingerprint | status | exposed | expires |",
        "|---|---|---|---|---|",
    ]
    for e in bundle["exposures"]:
        expires = e["expires_at"] or "-"
        lines.append(f"| {e['kind']} | `{e['fingerprint']}` | {e['status']} | {e['exposed_at']} | {expires} |")
    lines += ["", "## Timeline", ""]
    lines += [f"- {t['at']} · {t['what']} · {t['detail']}" for t in bundle["timeline"]]
    lines += ["", "## Log queries", ""]
    for source, queries in bundle["queries"].items():
        lines.append(f"**{source}**")
        lines += [f"    {q}" for q in queries]
        lines.append("")
    lines += ["## Rotation checklist", ""]
    lines += [f"- [ ] **{r['kind']}** ({', '.join(r['fingerprints'])}): {r['action']}" for r in bundle["rotation"]]
    return "\n".join(lines) + "\n"
