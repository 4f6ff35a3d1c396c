"""Partial redaction of JWTs: keep what helps debugging, drop what allows replay or identifies.

A support engineer needs the header (`alg`, `kid`) and the claims that explain an auth problem
(`iss`, `aud`, `exp`, `iat`, `scp` …). The signature is what makes the token usable, so it goes;
identifying claims (`sub`, `email`, `name`, `sid`, `jti` …) become placeholders, the same ones
those values get anywhere else in the file. Anything we cannot parse is replaced whole.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from .placeholders import Redactor, placeholder_text

__all__ = ["JWT_SHAPE", "LINK_CLAIMS", "jwt_facts", "parse_jwt", "redact_jwt"]

# Claims that name a session, a token or a user: a log event carrying one of them can be linked
# to the exposed token without the token itself.
LINK_CLAIMS = ("sid", "jti", "uti", "sub", "oid", "session_id", "sessionId", "aio")

JWT_SHAPE = re.compile(r"(eyJ[A-Za-z0-9_-]{4,})\.(eyJ[A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)")

# Claims a support engineer needs and that identify no one.
KEPT_CLAIMS = frozenset({
    "alg", "kid", "typ", "cty", "enc", "zip", "x5t", "x5t#S256", "jku", "crit",
    "iss", "aud", "exp", "iat", "nbf", "auth_time", "scp", "scope", "scopes", "ver", "cid",
    "azp", "client_id", "appid", "amr", "acr", "tid", "idp", "token_use", "roles", "wids",
    "token_type", "grant_type", "origin_jti_absent",
})  # fmt: skip

# Kinds for identifying claims, so an email claim gets the same placeholder as that email in a body.
_CLAIM_KINDS = {
    "email": "email", "upn": "username", "preferred_username": "username", "unique_name": "username",
    "name": "person-name", "given_name": "person-name", "family_name": "person-name",
    "sub": "user-id", "oid": "user-id", "uid": "user-id", "sid": "session-id", "jti": "token-id",
    "uti": "token-id",
}  # fmt: skip


def _b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def parse_jwt(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Header and payload of a compact JWS, or None when `token` is not one."""
    m = JWT_SHAPE.fullmatch(token)
    if m is None:
        return None
    try:
        header = json.loads(_b64url_decode(m.group(1)))
        payload = json.loads(_b64url_decode(m.group(2)))
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(header, dict) or not isinstance(payload, dict) or "alg" not in header:
        return None
    return header, payload


def redact_jwt(token: str, *, kind: str, redactor: Redactor, critical: bool = True) -> str | None:
    """`header.payload'.[REDACTED:kind:fp]`, or None when `token` is not a parseable JWT."""
    parsed = parse_jwt(token)
    if parsed is None:
        return None
    header, payload = parsed
    header_segment = token.split(".", 1)[0]
    if any(k not in KEPT_CLAIMS for k in header):
        header_segment = _b64url_encode(_dumps(_scrub_claims(header, redactor)))
    payload_segment = _b64url_encode(_dumps(_scrub_claims(payload, redactor)))
    fp = redactor.fingerprint(token)
    replacement = f"{header_segment}.{payload_segment}.{placeholder_text(kind, fp)}"
    redactor.register(token, replacement, kind, critical=critical)
    return replacement


def _scrub_claims(claims: dict[str, Any], redactor: Redactor) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for name, value in claims.items():
        if name in KEPT_CLAIMS:
            kept[name] = value
        else:
            text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
            kept[name] = redactor.placeholder(text, _CLAIM_KINDS.get(name, "jwt-claim"))
    return kept


def _dumps(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def jwt_facts(token: str, redactor: Redactor) -> tuple[int | None, tuple[tuple[str, str], ...]]:
    """A JWT's expiry (`exp`) and the fingerprints of its linkable claims."""
    parsed = parse_jwt(token)
    if parsed is None:
        return None, ()
    payload = parsed[1]
    exp = payload.get("exp")
    expires_at = int(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None
    links = tuple(
        (claim, redactor.fingerprint(str(payload[claim])))
        for claim in LINK_CLAIMS
        if isinstance(payload.get(claim), (str, int))
    )
    return expires_at, links
