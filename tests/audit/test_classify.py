"""What a stored file is: content decides, a .har name only asks for the structural scan first."""

from __future__ import annotations

import codecs
import json

import pytest

from harguard.audit.classify import classify, decode_text, encode_text
from tests.planted import png_bytes

CASES = [
    ("capture.har", b'{"log": {"entries": []}}', "har"),
    ("download.json", b'\n  {\n "log" : {"version": "1.2"', "har"),
    ("not-json.har", b"<html>502</html>", "har"),  # the name asks; the loader then says NotJSONError
    ("events.ndjson", b'{"a": 1}\n{"b": 2}\n', "ndjson"),
    ("config.json", b'{\n  "a": 1,\n  "b": [1, 2]\n}\n', "json"),
    ("trace.json", json.dumps({"requests": [{"requestHeaders": []}]}).encode(), "saml-tracer"),
    ("app.log", b"2024-05-14 INFO started\n", "text"),
    ("latin1.log", "caf\xe9 ok\n".encode("latin-1"), "text"),
    ("colours.log", b"\x1b[32mINFO\x1b[0m ok\n", "text"),
    ("windows.log", codecs.BOM_UTF16_LE + "hello\r\n".encode("utf-16-le"), "text"),
    ("image.png", png_bytes(), "binary"),
    ("core", bytes(range(256)), "binary"),
    ("doc.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary"),
    ("empty.log", b"", "empty"),
]


@pytest.mark.parametrize(("name", "head", "kind"), CASES, ids=[c[0] for c in CASES])
def test_classify(name: str, head: bytes, kind: str) -> None:
    assert classify(name, head) == kind


@pytest.mark.parametrize(
    "data",
    [
        b"caf\xe9 \xff\xfe raw bytes\n",
        codecs.BOM_UTF8 + b"bom\n",
        codecs.BOM_UTF16_BE + "wide\n".encode("utf-16-be"),
    ],
    ids=["invalid-utf8", "utf8-bom", "utf16-bom"],
)
def test_text_round_trips_byte_for_byte(data: bytes) -> None:
    text, codec = decode_text(data)
    assert encode_text(text, codec) == data
