"""Typed, keyed placeholders: `[REDACTED:okta-session:3f9a1c2b7d4e]`.

The suffix is HMAC-SHA256(key, value), truncated. The same secret therefore gets the same
placeholder everywhere (in one file, and across files sanitized with the same key), so support
can still follow a session through a capture; without the key no one can confirm a guess, which
an unkeyed hash would allow for short passwords, OTPs and emails.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from ..types import PLACEHOLDER

__all__ = ["PLACEHOLDER", "PLACEHOLDER_PREFIX", "Redactor", "fingerprint", "is_placeholder", "placeholder_text"]

PLACEHOLDER_PREFIX = _PREFIX = "[REDACTED:"
SHORT_LENGTH = 12


def fingerprint(key: bytes, value: str) -> str:
    """The full keyed fingerprint (hex HMAC-SHA256) of a value."""
    return hmac.new(key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def placeholder_text(kind: str, fingerprint_hex: str) -> str:
    """`[REDACTED:<kind>:<first 12 hex digits>]`: the one place the format is written."""
    return f"{_PREFIX}{kind}:{fingerprint_hex[:SHORT_LENGTH]}]"


def is_placeholder(value: str) -> bool:
    """True for a value that is exactly one placeholder (already redacted)."""
    return value.startswith(_PREFIX) and PLACEHOLDER.fullmatch(value) is not None


def contains_placeholder(value: str) -> bool:
    return _PREFIX in value


_WORDLIKE = re.compile(r"[A-Za-z_ -]+")
_HOSTLIKE = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_MIN_PROPAGATE = 8
# Identifying but unspecific values: a username `admin` or a name `Jane` must not be hunted
# through hosts and page text. Specific PII (emails, phones, cards) and credentials are.
_LOCAL_KINDS = frozenset({
    "username", "person-name", "address", "saml-attribute", "jwt-claim", "user-id", "token-id",
    "birth-date", "server-ip", "ip-address", "oidc-nonce", "url",
})  # fmt: skip


def is_propagatable(value: str, kind: str) -> bool:
    """Whether copies of `value` found anywhere else should be redacted too.

    Short values (`1`, `en`, `true`), plain words (`dark-mode`) and host names would destroy
    unrelated text, so only values specific enough to be *this* secret are propagated.
    """
    if kind in _LOCAL_KINDS or len(value) < _MIN_PROPAGATE:
        return False
    if len(value) < 16 and _WORDLIKE.fullmatch(value):
        return False
    return not _HOSTLIKE.fullmatch(value) or any(c.isupper() for c in value)


class Redactor:
    """Turns secrets into replacements and remembers them for one run.

    The first kind a value is seen with names its placeholder, so copies found later by other
    rules (propagation, a value rule) reuse the same text and the copies stay identical.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the fingerprint key must be at least 16 bytes")
        self._key = key
        self._replacements: dict[str, str] = {}
        self._propagate: dict[str, str] = {}
        self._critical: set[str] = set()
        self._fingerprints: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"<Redactor secrets={len(self._replacements)}>"

    def fingerprint(self, value: str) -> str:
        found = self._fingerprints.get(value)
        if found is None:
            found = self._fingerprints[value] = fingerprint(self._key, value)
        return found

    def placeholder(self, value: str, kind: str, *, critical: bool = False) -> str:
        """The replacement for `value` (a new placeholder unless it was registered before)."""
        found = self._replacements.get(value)
        if found is None:
            found = placeholder_text(kind, self.fingerprint(value))
            self.register(value, found, kind, critical=critical)
        return found

    def register(self, value: str, replacement: str, kind: str, *, critical: bool = False) -> None:
        """Remember `replacement` for `value`, so every copy of it is replaced the same way."""
        if critical:
            self._critical.add(value)
        if value in self._replacements:
            return
        self._replacements[value] = replacement
        if is_propagatable(value, kind):
            self._propagate[value] = replacement

    def is_critical(self, value: str) -> bool:
        """Whether `value` is a credential whose survival must stop the output."""
        return value in self._critical

    def replacement(self, value: str) -> str | None:
        return self._replacements.get(value)

    def propagating(self) -> dict[str, str]:
        """Secrets whose copies are redacted wherever they appear (never leaves the process)."""
        return self._propagate
