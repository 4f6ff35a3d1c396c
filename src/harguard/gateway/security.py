"""Credentials of the gateway itself: passwords, API tokens, web sessions, CSRF tokens.

- Passwords: scrypt (standard library), salted, with parameters in the stored string so they
  can be raised later. A missing user is checked against a dummy hash so that timing does not
  tell which usernames exist.
- API tokens and session cookies: 256 random bits, stored as plain SHA-256. A keyed or slow
  hash buys nothing for a value that cannot be guessed, and an unsalted hash is what lets a
  request find its token row by index. (User-chosen values, like passwords, never get this.)
- CSRF: the token is derived from the session value (SHA-256 under a label), so it needs no
  storage, differs per session, and does not reveal the session value.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

__all__ = [
    "TOKEN_PREFIX",
    "csrf_token_for",
    "hash_password",
    "hash_token",
    "new_id",
    "new_session_value",
    "new_token",
    "verify_password",
]

TOKEN_PREFIX = "hgt_"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def new_id() -> str:
    """An object id: 128 random bits, so ids can't be guessed or enumerated."""
    return secrets.token_hex(16)


def new_token() -> str:
    """A fresh API token: `hgt_` + 256 random bits (base64url); the prefix makes leaks findable."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_session_value() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token_for(session_value: str) -> str:
    return hashlib.sha256(b"harguard-csrf\0" + session_value.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${_b64(salt)}${_b64(digest)}"


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def verify_password(password: str, stored: str | None) -> bool:
    """Constant work whether or not the user exists (stored None uses a dummy hash)."""
    candidate = stored or _dummy_hash()
    try:
        scheme, n, r, p, salt, digest = candidate.split("$")
        if scheme != "scrypt":
            return False
        computed = hashlib.scrypt(password.encode("utf-8"), salt=_unb64(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return stored is not None and hmac.compare_digest(computed, _unb64(digest))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
