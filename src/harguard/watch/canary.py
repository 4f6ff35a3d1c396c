"""Canary mode: a stripped session token becomes a format-preserving decoy the watch knows.

The sanitizer calls `CanaryMinter(kind, value, fingerprint)` instead of writing a placeholder.
The decoy has the value's length, prefix and character classes (so support tools and the
person reading the file see a plausible cookie), comes from a CSPRNG, and is never the value.
Only its keyed fingerprint is kept, registered with status `canary` and linked to the original
exposure; the decoy itself lives in the sanitized file and nowhere else. Nobody has a
legitimate reason to present it, so any later use means the support store itself was read
(monitoring anchors §7.6; MITRE D3FEND DecoySessionToken).

Only session cookies and opaque session ids get canaries: a JWT keeps its readable header and
claims, and an API key with a checksum would be refused by the core's value rules anyway.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass, replace
from datetime import datetime

from ..redact.placeholders import fingerprint
from .watchlist import Exposure

__all__ = ["CANARY_KINDS", "CanaryMinter", "Minted", "mint_like"]

CANARY_KINDS = frozenset(
    {
        "okta-session",
        "entra-session",
        "auth0-session",
        "google-session",
        "github-session",
        "gitlab-session",
        "slack-session",
        "atlassian-session",
        "salesforce-session",
        "keycloak-session",
        "forgerock-session",
        "aws-session",
        "session-cookie",
        "session-id",
    }
)
_MIN_LENGTH = 12
_KEPT_PREFIX = 3
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_HEX_LOWER = frozenset("0123456789abcdef")
_HEX_UPPER = frozenset("0123456789ABCDEF")


def mint_like(value: str) -> str | None:
    """A random value shaped like `value`: same length, first three characters, character
    classes (digits, lower, upper, hex), separators and %XX escapes kept; None if too short."""
    if len(value) < _MIN_LENGTH or value.startswith("eyJ"):
        return None
    body = value[_KEPT_PREFIX:]
    kept = {m.start() + i for m in _ESCAPE.finditer(body) for i in range(3)}
    hex_alphabet = None
    if _HEX_LOWER.issuperset(body):
        hex_alphabet = "0123456789abcdef"
    elif _HEX_UPPER.issuperset(body):
        hex_alphabet = "0123456789ABCDEF"
    alphabets = [None if i in kept else hex_alphabet or _class_of(c) for i, c in enumerate(body)]
    for _ in range(16):
        minted = value[:_KEPT_PREFIX] + "".join(_random_chars(body, alphabets))
        if minted != value:
            return minted
    return None


def _class_of(c: str) -> str | None:
    if c in string.digits:
        return string.digits
    if c in string.ascii_lowercase:
        return string.ascii_lowercase
    if c in string.ascii_uppercase:
        return string.ascii_uppercase
    return None  # separators and anything else stay


def _random_chars(body: str, alphabets: list[str | None]) -> list[str]:
    """One CSPRNG draw for the whole value, unbiased by rejection (bytes past the largest
    multiple of the alphabet size are skipped): SystemRandom.choice per character is 20x slower."""
    pool = secrets.token_bytes(2 * len(body) + 16)
    pos = 0
    out = []
    for c, alphabet in zip(body, alphabets, strict=True):
        if alphabet is None:
            out.append(c)
            continue
        limit = 256 - 256 % len(alphabet)
        while True:
            if pos >= len(pool):
                pool, pos = secrets.token_bytes(64), 0
            byte = pool[pos]
            pos += 1
            if byte < limit:
                out.append(alphabet[byte % len(alphabet)])
                break
    return out


@dataclass(frozen=True, slots=True)
class Minted:
    """One canary handed to the sanitizer: fingerprints only, plus the decoy until confirmed."""

    kind: str
    original_fingerprint: str
    canary_fingerprint: str
    decoy: str

    def __repr__(self) -> str:
        return (
            f"Minted(kind={self.kind!r}, original={self.original_fingerprint[:12]}, "
            f"canary={self.canary_fingerprint[:12]})"
        )


class CanaryMinter:
    """The `canary=` hook of `Sanitizer`: mints decoys for session kinds and remembers them."""

    def __init__(self, key: bytes, *, kinds: frozenset[str] = CANARY_KINDS) -> None:
        self._key = key
        self.kinds = kinds
        self.minted: list[Minted] = []

    def __repr__(self) -> str:
        return f"<CanaryMinter minted={len(self.minted)}>"

    def __call__(self, kind: str, value: str, original_fingerprint: str) -> str | None:
        if kind not in self.kinds:
            return None
        decoy = mint_like(value)
        if decoy is None:
            return None
        self.minted.append(Minted(kind, original_fingerprint, fingerprint(self._key, decoy), decoy))
        return decoy

    def drain(self, output: bytes) -> list[Minted]:
        """The canaries that really are in `output` (the core may refuse a decoy), and forget all."""
        used = [m for m in self.minted if m.decoy.encode("utf-8") in output]
        self.minted = []
        return [replace(m, decoy="") for m in used]


def canary_exposures(
    minted: list[Minted], originals: dict[str, Exposure], *, exposed_at: datetime, source: str = "canary"
) -> list[Exposure]:
    """Watchlist rows for canaries, each linked (by fingerprint) to the exposure it stands for."""
    out = []
    for m in minted:
        original = originals.get(m.original_fingerprint)
        context = dict(original.context) if original is not None else {}
        context["canary_of"] = m.original_fingerprint
        out.append(
            Exposure(
                fingerprint=m.canary_fingerprint,
                kind=m.kind,
                severity="critical",
                source=source,
                exposed_at=exposed_at,
                tenant=original.tenant if original else None,
                case=original.case if original else None,
                origin=original.origin if original else None,
                status="canary",
                context=context,
            )
        )
    return out
