"""Placeholders already in stored data, shown to the core with a neutral kind and restored after.

Why: the core's key/value finder reads `[REDACTED:password:0770b1545484]` as the key `password`
with the value `0770b1545484`, in log text and in HAR bodies alike, so a file that was fixed
(by this audit, the gateway or `harguard sanitize`) would be "fixed" again on every run, each
time wrapping a new placeholder around the old one. `[REDACTED:x:0770b1545484]` names no key and
is still a placeholder to the core. This is a workaround for a core bug, reported with a
reproduction; `tests/audit/test_textscan.py` holds a strict xfail test that passes once the core
is fixed, and then this module goes.

Some positions (SAML parameters) re-redact a value that is already a placeholder whatever it is
called; `artifacts()` gives the fingerprints such a finding would have, so the audit can drop
it: a placeholder is not a secret. Same bug family, same reporting.

Bytes are handled as Latin-1 text: the placeholder syntax is ASCII, and Latin-1 maps every byte
to one character and back, so nothing else in the data can change.
"""

from __future__ import annotations

import re
from typing import overload

from ..redact.placeholders import PLACEHOLDER, fingerprint

__all__ = ["Kinds", "artifacts", "mask", "unmask"]

_MASKED = re.compile(r"\[REDACTED:x:([0-9a-f]{12})\]")

Kinds = dict[str, str]
"""Short fingerprint -> the kind its placeholder had."""


@overload
def mask(data: str) -> tuple[str, Kinds | None]: ...
@overload
def mask(data: bytes) -> tuple[bytes, Kinds | None]: ...
def mask(data: str | bytes) -> tuple[str | bytes, Kinds | None]:
    """`data` with every placeholder's kind replaced by `x`, and what to restore; None: left as is
    (nothing to mask, or one fingerprint under two kinds, which could not be restored exactly)."""
    text = data.decode("latin-1") if isinstance(data, bytes) else data
    kinds: Kinds = {}
    for m in PLACEHOLDER.finditer(text):
        kind, short = m.group(0)[10:-14], m.group(0)[-13:-1]
        if kinds.setdefault(short, kind) != kind:
            return data, None
    if not kinds:
        return data, None
    masked = PLACEHOLDER.sub(lambda m: f"[REDACTED:x:{m.group(0)[-13:]}", text)
    return (masked.encode("latin-1") if isinstance(data, bytes) else masked), kinds


@overload
def unmask(data: str, kinds: Kinds | None) -> str: ...
@overload
def unmask(data: bytes, kinds: Kinds | None) -> bytes: ...
def unmask(data: str | bytes, kinds: Kinds | None) -> str | bytes:
    if not kinds:
        return data
    text = data.decode("latin-1") if isinstance(data, bytes) else data
    restored = _MASKED.sub(lambda m: f"[REDACTED:{kinds.get(m.group(1), 'x')}:{m.group(1)}]", text)
    return restored.encode("latin-1") if isinstance(data, bytes) else restored


def artifacts(data: str | bytes, key: bytes) -> frozenset[str]:
    """Fingerprints of the placeholders in `data`, as found and as masked: a finding with one of
    them is the core redacting a placeholder, not a secret."""
    text = data.decode("latin-1") if isinstance(data, bytes) else data
    found: set[str] = set()
    for m in PLACEHOLDER.finditer(text):
        found.add(fingerprint(key, m.group(0)))
        found.add(fingerprint(key, f"[REDACTED:x:{m.group(0)[-13:]}"))
    return frozenset(found)
