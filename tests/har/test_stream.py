"""The incremental reader: whatever the chunk boundaries, it reads exactly what json.loads reads,
and a bad document fails with the same error class as the whole-document loader."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import harguard
from harguard.har.stream import ENTRIES, LOG, HarStream
from tests.badinputs import minimal_entry, minimal_har


def _pieces(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _read(data: bytes, size: int, read_size: int = 7) -> tuple[list[Any], HarStream]:
    stream = HarStream(_pieces(data, size), name="t", read_size=read_size)
    return list(stream.entries()), stream


def _document() -> dict[str, Any]:
    entries = [minimal_entry(i, text=t) for i, t in enumerate(["x" * 5000, 'é€😀 "q" \\ \n', "", "ok"])]
    entries[1]["time"] = 1234567.125
    entries[2]["_big"] = 123456789012345678901234567890
    doc = minimal_har(entries)
    doc["log"]["pages"] = [{"id": "p", "title": "after the entries"}]
    doc["extra"] = {"top": True}
    return doc


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 4096, 1 << 20])
@pytest.mark.parametrize("indent", [None, 2])
def test_any_chunking_reads_what_json_loads_reads(size: int, indent: int | None) -> None:
    doc = _document()
    data = json.dumps(doc, indent=indent, ensure_ascii=False).encode()
    entries, stream = _read(data, size)
    assert entries == doc["log"]["entries"]
    assert {k: v for k, v in stream.log.items() if v is not ENTRIES} == {
        k: v for k, v in doc["log"].items() if k != "entries"
    }
    assert list(stream.top) == ["log", "extra"] and stream.top["log"] is LOG
    assert stream.indent is (indent is not None)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    texts=st.lists(st.text(max_size=40), min_size=1, max_size=5),
    size=st.integers(min_value=1, max_value=97),
)
def test_random_strings_survive_every_split(texts: list[str], size: int) -> None:
    doc = minimal_har([minimal_entry(i, text=t) for i, t in enumerate(texts)])
    for ensure_ascii in (True, False):
        data = json.dumps(doc, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")
        entries, _ = _read(data, size)
        assert entries == doc["log"]["entries"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", harguard.NotJSONError),
        (b"<html>", harguard.NotJSONError),
        (b"[1, 2]", harguard.NotHARError),
        (b'{"log": {"version": "1.2"}}', harguard.NotHARError),
        (b'{"log": {"entries": [1]}}', harguard.NotHARError),
        (b'{"log": {"entries": [{"a": NaN}]}}', harguard.NotJSONError),
        (b'{"log": {"entries": [{"a": "unterminated', harguard.TruncatedError),
        (b'{"log": {"entries": [{"a": 1}]', harguard.TruncatedError),
        (b'{"log": {"entries": []}} trailing', harguard.NotJSONError),
        (b'{"log": {"entries": [{"a": "\xe9"}]}}', harguard.EncodingError),
        (b'{"log": {"entries": [' + b"[" * 50_000 + b"]" * 50_000 + b"]}}", harguard.LimitExceededError),
    ],
    ids=[
        "empty",
        "html",
        "array",
        "no-entries",
        "entry-not-object",
        "nan",
        "cut-string",
        "cut-structure",
        "trailing",
        "latin1",
        "depth",
    ],  # fmt: skip
)
def test_bad_documents_fail_like_the_loader(data: bytes, error: type[Exception]) -> None:
    for size in (3, 1 << 20):
        with pytest.raises(error):
            _read(data, size)


def test_a_bom_is_removed_and_noted() -> None:
    data = b"\xef\xbb\xbf" + json.dumps(minimal_har([minimal_entry()])).encode()
    entries, stream = _read(data, 5)
    assert len(entries) == 1 and stream.notes == ["utf-8 byte-order mark removed"]


def test_utf16_with_a_bom_is_read() -> None:
    data = b"\xff\xfe" + json.dumps(minimal_har([minimal_entry(text="é")]), ensure_ascii=False).encode("utf-16-le")
    entries, _ = _read(data, 3)
    assert entries[0]["response"]["content"]["text"] == "é"
