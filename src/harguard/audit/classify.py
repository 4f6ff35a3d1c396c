"""What a stored file is, from its name and first bytes: HAR, JSON, NDJSON, SAML-tracer, text or binary.

The audit trusts content over names (a `.log` may hold a HAR, a `.har` an HTML error page), but
a `.har` name is enough to try the structural scan first. Text keeps its bytes exactly: UTF-8
with undecodable bytes is read with `surrogateescape`, so a fixed file differs from the original
only where a secret was.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..har.load import BOMS

__all__ = ["SAMPLE_BYTES", "TextCodec", "classify", "codec_of", "decode_text", "encode_text", "is_json_document"]

SAMPLE_BYTES = 8192
_HAR_HEAD = re.compile(rb'\A\s*\{\s*"log"\s*:')
_BINARY_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x7fELF",
    b"SQLite format 3\x00",
    b"wOF2",
    b"wOFF",
    b"\xca\xfe\xba\xbe",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x00asm",
    b"OggS",
    b"fLaC",
    b"\x1aE\xdf\xa3",
)
_CONTROL = bytes(range(32)).replace(b"\t", b"").replace(b"\n", b"").replace(b"\r", b"").replace(b"\x0c", b"")
_CONTROL = _CONTROL.replace(b"\x1b", b"")  # ANSI colours in application logs


@dataclass(frozen=True, slots=True)
class TextCodec:
    """How a text file was encoded, so a fixed copy is written back the same way."""

    encoding: str = "utf-8"
    bom: bytes = b""


def codec_of(head: bytes) -> TextCodec:
    """The encoding its byte-order mark declares (UTF-8 without one)."""
    for bom, encoding in BOMS:  # UTF-32-LE is listed before UTF-16-LE, whose mark it starts with
        if head.startswith(bom):
            return TextCodec(encoding, bom)
    return TextCodec()


def decode_text(data: bytes) -> tuple[str, TextCodec]:
    """Text for the scanner; `encode_text(text, codec)` gives the same bytes back."""
    codec = codec_of(data[:4])
    body = data[len(codec.bom) :]
    if codec.encoding == "utf-8":
        return body.decode("utf-8", "surrogateescape"), codec
    return body.decode(codec.encoding, "surrogatepass"), codec


def encode_text(text: str, codec: TextCodec) -> bytes:
    errors = "surrogateescape" if codec.encoding == "utf-8" else "surrogatepass"
    return codec.bom + text.encode(codec.encoding, errors)


def classify(name: str, head: bytes) -> str:
    """The kind of content: har, json, ndjson, saml-tracer, text, binary or empty."""
    if not head.strip():
        return "empty" if not head else "text"
    codec = codec_of(head[:4])
    if codec.encoding != "utf-8":
        try:
            sample = head[len(codec.bom) :].decode(codec.encoding, "ignore").encode("utf-8")
        except UnicodeError:
            return "binary"
    else:
        sample = head[len(codec.bom) :]
        if _looks_binary(sample):
            return "binary"
    if name.lower().endswith(".har") or _HAR_HEAD.match(sample):
        return "har"
    stripped = sample.lstrip()
    if stripped[:1] in (b"{", b"["):
        return _json_kind(stripped)
    return "text"


def _looks_binary(sample: bytes) -> bool:
    if sample.startswith(_BINARY_MAGIC) or b"\x00" in sample:
        return True
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    return controls > len(sample) // 10


def _json_kind(sample: bytes) -> str:
    first, newline, rest = sample.partition(b"\n")
    if newline and rest.strip()[:1] in (b"{", b"[") and is_json_document(first):
        return "ndjson"
    if b'"requests"' in sample and (b'"requestHeaders"' in sample or b'"saml"' in sample):
        return "saml-tracer"
    return "json"


def is_json_document(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, RecursionError):
        return False
    return True
