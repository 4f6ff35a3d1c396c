"""Base64 values that hold text: JSON, XML (SAML), URLs, `user:pass`, optionally deflated.

A value is a layer only if it is *entirely* base64 and decodes to readable UTF-8 text, either
directly or after a raw DEFLATE (the SAML HTTP-Redirect binding). Random tokens, hashes and
images decode to binary and are left to the value rules. After scrubbing, the text is encoded
back with the same alphabet, padding and compression.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from dataclasses import dataclass

from ._api import Scrub

__all__ = ["BINARY_MIME", "Base64Layer", "decode_text", "encode_text", "is_binary"]

_STD = re.compile(r"[A-Za-z0-9+/\r\n]+={0,2}")
_URLSAFE = re.compile(r"[A-Za-z0-9_-]+={0,2}")
_MIN_LENGTH = 16
_MAX_INFLATED = 64 * 2**20


@dataclass(frozen=True, slots=True)
class _Encoding:
    urlsafe: bool
    padded: bool
    deflated: bool
    line_length: int


# Media types whose payloads are never text: not decoded, not scanned.
BINARY_MIME = ("image/", "font/", "audio/", "video/", "application/pdf", "application/zip", "application/wasm",
               "application/font", "application/x-font",
               "application/vnd.ms-fontobject")  # fmt: skip

_UNREADABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_NOT_BASE64_TEXT = re.compile(r"[0-9a-f-]+|[0-9A-F-]+|[a-z]+|[A-Z]+|[0-9]+")


def is_binary(data: bytes) -> bool:
    """True for bytes that are not readable text (images, fonts, random tokens)."""
    if not data:
        return True
    try:
        text = data[:8192].decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < 8188:  # not just a character cut at the sample's end
            return True
        text = data[: exc.start].decode("utf-8")
    if text.isprintable():
        return False
    return len(_UNREADABLE.findall(text)) > 0.03 * len(text)


def decode_text(value: str) -> tuple[str, _Encoding] | None:
    """The text inside a base64 value and how it was encoded, or None if it holds no text."""
    if len(value) < _MIN_LENGTH or _NOT_BASE64_TEXT.fullmatch(value):
        return None  # hex digests, single-case words: valid base64 that never hides text
    if _STD.fullmatch(value):
        urlsafe = False
    elif _URLSAFE.fullmatch(value):
        urlsafe = True
    else:
        return None
    compact = value.replace("\r", "").replace("\n", "")
    # Standard base64 of a length that needs no `=` is padded too; URL-safe base64 is usually not.
    padded = compact.endswith("=") or (not urlsafe and len(compact) % 4 == 0)
    if padded and len(compact) % 4:
        return None
    line_length = value.index("\n") if "\n" in value else 0
    try:
        raw = (base64.urlsafe_b64decode if urlsafe else base64.b64decode)(compact + "=" * (-len(compact) % 4))
    except (binascii.Error, ValueError):
        return None
    deflated = False
    if is_binary(raw):
        try:
            inflater = zlib.decompressobj(-15)
            raw = inflater.decompress(raw, _MAX_INFLATED)
            if inflater.unconsumed_tail or not inflater.eof:
                return None
        except zlib.error:
            return None
        deflated = True
        if is_binary(raw):
            return None
    return raw.decode("utf-8"), _Encoding(urlsafe, padded, deflated, line_length)


def encode_text(text: str, how: _Encoding) -> str:
    raw = text.encode("utf-8")
    if how.deflated:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        raw = compressor.compress(raw) + compressor.flush()
    out = (base64.urlsafe_b64encode if how.urlsafe else base64.b64encode)(raw).decode("ascii")
    if not how.padded:
        out = out.rstrip("=")
    if how.line_length:
        out = "\n".join(out[i : i + how.line_length] for i in range(0, len(out), how.line_length))
    return out


class Base64Layer:
    name = "base64"

    def sniff(self, text: str) -> bool:
        return len(text) >= _MIN_LENGTH and (_STD.fullmatch(text) is not None or _URLSAFE.fullmatch(text) is not None)

    def scrub(self, text: str, scrub: Scrub, *, loc: str, depth: int) -> str | None:
        decoded = decode_text(text)
        if decoded is None:
            return None
        inner, how = decoded
        suffix = "/deflate" if how.deflated else ""
        new = scrub.text(inner, loc=f"{loc}/base64{suffix}", depth=depth + 1)
        return text if new == inner else encode_text(new, how)
