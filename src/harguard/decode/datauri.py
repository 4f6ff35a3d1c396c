"""`data:<mime>;base64,<payload>` URIs whose payload is text: JSON configs, SVG, HTML, scripts.

Pages inline these (`<script src="data:…">`, CSS icons, `window.__CONFIG__`), and a payload
decodes to text that can hold anything a response body can. Binary payloads (images, fonts)
stay as they are; a text payload is scrubbed and encoded back only if something changed.
"""

from __future__ import annotations

import re

from ._api import Scrub
from .base64 import BINARY_MIME, decode_text, encode_text

__all__ = ["DATA_URI", "DataURILayer", "payload_span", "scrub_payload"]

# The header only: an image payload is skipped without the regex running over its megabytes.
# Case-sensitive `data:` on purpose: a literal prefix lets `re` skip through megabytes quickly.
DATA_URI = re.compile(r"data:([A-Za-z0-9.+-]{1,40}/[A-Za-z0-9.+-]{1,80})[^,\s\"']{0,200};base64,")
_PAYLOAD = re.compile(r"[A-Za-z0-9+/]+={0,2}")


def payload_span(m: re.Match[str]) -> tuple[int, int] | None:
    """Where the base64 payload after a `DATA_URI` header is, if its MIME type is a text type."""
    mime = m.group(1).lower()
    if mime.startswith(BINARY_MIME) and mime != "image/svg+xml":
        return None
    payload = _PAYLOAD.match(m.string, m.end())
    return payload.span() if payload else None


def scrub_payload(payload: str, scrub: Scrub, *, loc: str, depth: int) -> str | None:
    """The payload scrubbed and encoded back, or None when it is binary or nothing changed."""
    found = decode_text(payload)
    if found is None:
        return None
    plain, how = found
    new = scrub.text(plain, loc=f"{loc}/data-uri", depth=depth + 1)
    return None if new == plain else encode_text(new, how)


class DataURILayer:
    name = "data-uri"

    def sniff(self, text: str) -> bool:
        return text.startswith("data:") and DATA_URI.match(text) is not None

    def scrub(self, text: str, scrub: Scrub, *, loc: str, depth: int) -> str | None:
        m = DATA_URI.match(text)
        span = payload_span(m) if m else None
        if span is None or span[1] != len(text.rstrip()):
            return None
        new = scrub_payload(text[span[0] : span[1]], scrub, loc=loc, depth=depth)
        return text if new is None else text[: span[0]] + new + text[span[1] :]
