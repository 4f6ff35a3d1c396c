"""`application/x-www-form-urlencoded` text: query strings, form bodies, URL fragments.

Each `name=value` pair is percent-decoded, scrubbed under its name (with the other names as
siblings, which decides `code` and `state`), and re-encoded in the style it came in (`+` or
`%20`); pairs that did not change keep their exact original bytes.
"""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus, unquote, unquote_plus

from ..keynames import normalize_key
from ._api import Scrub

__all__ = ["FormLayer", "encode_component", "readable_placeholders", "scrub_pairs"]

_FORM = re.compile(r"[^=&\s<>\"]+=[^&\s<>\"]*(?:&+[^=&\s<>\"]+(?:=[^&\s<>\"]*)?)*&*")
# Placeholders stay readable inside URLs and forms: `[REDACTED:kind:…]`, not `%5BREDACTED%3A…`.
_ENCODED_PLACEHOLDER = re.compile(r"(?:%5B|\[)REDACTED(?:%3A|:)[a-z0-9-]+(?:%3A|:)[0-9a-f]{12}(?:%5D|\])")
# `a=1;b=2` is a connection string or a cookie list, not a form: its `;` would be re-encoded.
_SEMICOLON_PAIRS = re.compile(r";[ \t]*[A-Za-z][A-Za-z0-9 _.-]{0,40}=")


def encode_component(value: str, *, like: str) -> str:
    """Percent-encode `value` the way `like` (the original component) was: `+` or `%20` for
    spaces, and the characters it left raw stay raw, so only the redacted part changes."""
    plus = "+" in like or "%20" not in like
    safe = "".join(sorted({c for c in like if not c.isalnum() and c not in "%+"}))
    encoded = quote_plus(value, safe=safe) if plus else quote(value, safe=safe)
    return readable_placeholders(encoded)


def readable_placeholders(encoded: str) -> str:
    """Undo the percent-encoding of our own placeholders inside an encoded text."""
    if "REDACTED" not in encoded:
        return encoded
    return _ENCODED_PLACEHOLDER.sub(lambda m: unquote(m.group(0)), encoded)


def decode_component(raw: str, *, plus: bool = True) -> str:
    return unquote_plus(raw) if plus else unquote(raw)


def scrub_pairs(raw: str, scrub: Scrub, *, loc: str, depth: int, sep: str = "&") -> str:
    """Scrub each `name=value` of `raw`; return `raw` itself when nothing changed."""
    parts = raw.split(sep)
    decoded: list[tuple[str, str] | None] = []
    for part in parts:
        if "=" not in part:
            decoded.append(None)
            continue
        name, _, value = part.partition("=")
        decoded.append((decode_component(name), decode_component(value)))
    siblings = {normalize_key(p[0]) for p in decoded if p is not None}
    changed = False
    for i, pair in enumerate(decoded):
        if pair is None:
            continue
        name, value = pair
        new = scrub.value(value, key=name, loc=f"{loc}:{name}", depth=depth, siblings=siblings)
        if new != value:
            raw_name, _, raw_value = parts[i].partition("=")
            parts[i] = f"{raw_name}={encode_component(new, like=raw_value)}"
            changed = True
    return sep.join(parts) if changed else raw


class FormLayer:
    name = "form"

    def sniff(self, text: str) -> bool:
        return "=" in text and _FORM.fullmatch(text) is not None and _SEMICOLON_PAIRS.search(text) is None

    def scrub(self, text: str, scrub: Scrub, *, loc: str, depth: int) -> str | None:
        return scrub_pairs(text, scrub, loc=f"{loc}/form", depth=depth + 1)
