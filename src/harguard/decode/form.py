"""`application/x-www-form-urlencoded` text: query strings, form bodies, URL fragments.

Each `name=value` pair is percent-decoded, scrubbed under its name (with the other names as
siblings, which decides `code` and `state`), and re-encoded in the style it came in (`+` or
`%20`); pairs that did not change keep their exact original bytes.
"""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus, unquote, unquote_plus

from ..keynames import normalize_key
from ..types import PLACEHOLDER_ANY_SPELLING
from ._api import Scrub

__all__ = ["FormLayer", "encode_component", "readable_placeholders", "scrub_pairs"]

_FORM = re.compile(r"[^=&\s<>\"]+=[^&\s<>\"]*(?:&+[^=&\s<>\"]+(?:=[^&\s<>\"]*)?)*&*")
# `a=1;b=2` is a connection string or a cookie list, not a form: its `;` would be re-encoded.
_SEMICOLON_PAIRS = re.compile(r";[ \t]*[A-Za-z][A-Za-z0-9 _.-]{0,40}=")


def encode_component(value: str, *, like: str, plus: bool | None = None) -> str:
    """Percent-encode `value` the way `like` (the original component) was: `+` or `%20` for
    spaces (`plus`, read from `like` unless given), and the characters it left raw stay raw, so
    only the redacted part changes."""
    if plus is None:
        plus = "+" in like or "%20" not in like
    safe = "".join(sorted({c for c in like if not c.isalnum() and c != "%" and not (plus and c == "+")}))
    encoded = quote_plus(value, safe=safe) if plus else quote(value, safe=safe)
    return readable_placeholders(encoded)


def readable_placeholders(encoded: str) -> str:
    """Undo the percent-encoding of our own placeholders inside an encoded text: they stay
    readable in URLs and forms (`[REDACTED:kind:…]`, not `%5BREDACTED%3A…`)."""
    if "REDACTED" not in encoded:
        return encoded
    return PLACEHOLDER_ANY_SPELLING.sub(lambda m: _unquote_all(m.group(0)), encoded)


def _unquote_all(text: str) -> str:
    while (decoded := unquote(text)) != text:
        text = decoded
    return text


def decode_component(raw: str) -> str:
    return unquote_plus(raw)


def scrub_pairs(raw: str, scrub: Scrub, *, loc: str, depth: int, sep: str = "&") -> str:
    """Scrub each `name=value` of `raw` (and a bare part, `?<token>`, as text); names are data
    too. Return `raw` itself when nothing changed."""
    parts = raw.split(sep)
    decoded = [part.partition("=") for part in parts]
    siblings = {normalize_key(decode_component(name)) for name, eq, _ in decoded if eq}
    changed = False
    for i, (raw_name, eq, raw_value) in enumerate(decoded):
        name = decode_component(raw_name)
        new_name = scrub.leaf(name, loc=f"{loc}:#{i}", depth=depth)
        value = decode_component(raw_value)
        new = scrub.value(value, key=name, loc=f"{loc}:{new_name}", depth=depth, siblings=siblings) if eq else value
        if new_name != name or new != value:
            name_part = encode_component(new_name, like=raw_name) if new_name != name else raw_name
            value_part = encode_component(new, like=raw_value) if new != value else raw_value
            parts[i] = f"{name_part}{eq}{value_part}"
            changed = True
    return sep.join(parts) if changed else raw


class FormLayer:
    name = "form"

    def sniff(self, text: str) -> bool:
        return "=" in text and _FORM.fullmatch(text) is not None and _SEMICOLON_PAIRS.search(text) is None

    def scrub(self, text: str, scrub: Scrub, *, loc: str, depth: int) -> str | None:
        return scrub_pairs(text, scrub, loc=f"{loc}/form", depth=depth + 1)
