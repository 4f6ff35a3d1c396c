"""`data:<mime>;base64,<payload>` URIs whose payload is text: JSON configs, SVG, HTML, scripts.

Pages inline these (`<script src="data:…">`, CSS icons, `window.__CONFIG__`), and a payload
decodes to text that can hold anything a response body can. Binary payloads (images, fonts)
stay as they are; a text payload is scrubbed and encoded back only if something changed.
"""

from __future__ import annotations

import base64
import binascii
import re

from ._api import Scrub
from .base64 import is_binary

__all__ = ["DATA_URI", "DataURILayer", "scrub_data_uri"]

DATA_URI = re.compile(r"(?i)data:([a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,80})[^,\s\"']{0,200};base64,([A-Za-z0-9+/]+={0,2})")
_BINARY = ("image/", "font/", "audio/", "video/", "application/pdf", "application/zip", "application/wasm",
           "application/octet-stream", "application/font", "application/x-font")  # fmt: skip


def scrub_data_uri(m: re.Match[str], scrub: Scrub, *, loc: str, depth: int) -> str | None:
    """The new payload (group 2 of a `DATA_URI` match), or None when nothing in it changed."""
    mime, payload = m.group(1).lower(), m.group(2)
    if mime.startswith(_BINARY) and mime != "image/svg+xml":
        return None
    try:
        decoded = base64.b64decode(payload + "=" * (-len(payload) % 4))
        if is_binary(decoded[:4096]):
            return None
        plain = decoded.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    new = scrub.text(plain, loc=f"{loc}/data-uri", depth=depth + 1)
    return None if new == plain else base64.b64encode(new.encode("utf-8")).decode("ascii")


class DataURILayer:
    name = "data-uri"

    def sniff(self, text: str) -> bool:
        return text[:5].lower() == "data:" and DATA_URI.match(text) is not None

    def scrub(self, text: str, scrub: Scrub, *, loc: str, depth: int) -> str | None:
        m = DATA_URI.match(text)
        if m is None or m.end() != len(text.rstrip()):
            return None
        new = scrub_data_uri(m, scrub, loc=loc, depth=depth)
        return text if new is None else text[: m.start(2)] + new + text[m.end(2) :]
