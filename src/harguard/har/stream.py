"""Read a HAR entry by entry, with memory bounded by the largest entry, not by the file.

The document is read in chunks through an incremental UTF-8 decoder into a rolling text buffer;
the members of `log` are parsed with the standard library's C scanner (`raw_decode`) one value
at a time, and the entries one entry at a time. A 500 MB capture never exists as one Python
string or one parsed document, and a file larger than memory can be sanitized at all.

A value cut by the end of the buffer is simply read again after the next chunk arrives (each
further read is larger, so one huge entry costs a few re-reads, not many). Every way the input
can be bad ends in the same error classes as the whole-document loader.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import EncodingError, LimitExceededError, NotHARError, NotJSONError, TruncatedError
from ._json import STD_DECODER
from .load import BOMS, LoadLimits

__all__ = ["ENTRIES", "LOG", "DocumentStream", "HarStream"]

ENTRIES = object()
"""Stands, in `log`, where the entries list was."""
LOG = object()
"""Stands, in `top`, where the log object was."""

_FIRST_READ = 1 << 20
_MAX_READ = 64 << 20
_NOT_WHITESPACE = re.compile(r"[^ \t\r\n]")


class HarStream:
    """A HAR read incrementally: iterate `entries()` once; afterwards `log` holds every other
    member of `log` in document order (with `ENTRIES` where the list stood) and `top` any other
    top-level members."""

    def __init__(
        self, chunks: Iterator[bytes], *, name: str, limits: LoadLimits | None = None, read_size: int = _FIRST_READ
    ) -> None:
        self.name = name
        self.limits = limits or LoadLimits()
        self.log: dict[str, Any] = {}
        self.top: dict[str, Any] = {}
        self.notes: list[str] = []
        self.indent = False
        self.input_bytes = 0
        self.entry_count = 0
        self._chunks = chunks
        self._buffer = ""
        self._pos = 0
        self._eof = False
        self._decode: Callable[..., str] | None = None
        self._read = read_size
        self._started = False

    def __repr__(self) -> str:
        return f"<HarStream {self.name} {self.input_bytes} bytes read>"

    # -- the buffer ------------------------------------------------------------------------
    def _refill(self) -> bool:
        """Append the next chunk of text to the buffer; False at the end of the input."""
        if self._eof:
            return False
        if self._pos:
            self._buffer = self._buffer[self._pos :]
            self._pos = 0
        data = b""
        while len(data) < self._read:
            piece = next(self._chunks, None)
            if piece is None:
                self._eof = True
                break
            data += piece
        self.input_bytes += len(data)
        if self.input_bytes > self.limits.max_input_bytes:
            raise LimitExceededError(f"{self.name}: more than {self.limits.max_input_bytes} bytes of input")
        if self._decode is None:
            data = self._start(data)
        assert self._decode is not None
        try:
            self._buffer += self._decode(data, final=self._eof)
        except UnicodeDecodeError:
            raise EncodingError(f"{self.name}: not valid UTF-8 (within the first {self.input_bytes} bytes)") from None
        return bool(data) or not self._eof

    def _start(self, data: bytes) -> bytes:
        for bom, encoding in BOMS:
            if data.startswith(bom):
                self.notes.append(f"{encoding} byte-order mark removed")
                self._decode = codecs.getincrementaldecoder(encoding)("strict").decode
                return data[len(bom) :]
        if len(data) >= 2 and (data[0] == 0 or data[1] == 0):
            raise EncodingError(f"{self.name}: looks like UTF-16 or UTF-32 without a byte-order mark")
        self._decode = codecs.getincrementaldecoder("utf-8")("strict").decode
        self.indent = b"\n" in data[:200]
        return data

    def _peek(self) -> str:
        """The next character that is not whitespace ('' at the end of the input)."""
        while True:
            found = _NOT_WHITESPACE.search(self._buffer, self._pos)
            if found is not None:
                self._pos = found.start()
                return self._buffer[self._pos]
            self._pos = len(self._buffer)
            if not self._refill():
                return ""

    def _expect(self, allowed: str, what: str) -> str:
        found = self._peek()
        if found == "":
            raise TruncatedError(f"{self.name}: JSON ends early (after {self.input_bytes} bytes; truncated?)")
        if found not in allowed:
            raise NotJSONError(f"{self.name}: invalid JSON near byte {self.input_bytes} (expected {what})")
        self._pos += 1
        return found

    def _value(self) -> Any:
        """The next JSON value, read again with more text whenever the buffer cut it short."""
        self._peek()
        while True:
            try:
                value, end = STD_DECODER.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as exc:
                if self._grow():
                    continue  # maybe only cut short by the buffer: read on (to the end, if need be)
                raise self._classify(exc) from None
            except RecursionError:
                raise LimitExceededError(f"{self.name}: JSON nested too deeply") from None
            except ValueError:
                raise NotJSONError(f"{self.name}: NaN or Infinity is not JSON") from None
            if end >= len(self._buffer) and self._grow():
                continue  # a number (or literal) may go on in the next chunk
            self._pos = end
            return value

    def _grow(self) -> bool:
        self._read = min(self._read * 2, _MAX_READ)
        return self._refill()

    def _classify(self, exc: json.JSONDecodeError) -> Exception:
        if exc.msg.startswith("Unterminated") or exc.pos >= len(self._buffer.rstrip()) - 1:
            return TruncatedError(f"{self.name}: JSON ends early (after {self.input_bytes} bytes; truncated?)")
        return NotJSONError(f"{self.name}: invalid JSON near byte {self.input_bytes} ({exc.msg})")

    # -- the document ----------------------------------------------------------------------
    def entries(self) -> Iterator[Any]:
        """The entries in order; the other members are collected on the way."""
        first = self._peek()
        if first == "":
            raise NotJSONError(f"{self.name}: empty input")
        if first != "{":
            if first == "[":
                raise NotHARError(f"{self.name}: JSON, but not a HAR (the top level is not an object)")
            raise NotJSONError(f"{self.name}: not JSON (starts with neither {{ nor [)")
        self._pos += 1
        seen_log = False
        for key in self._members():
            if key == "log" and self._peek() == "{":
                seen_log = True
                self.top[key] = LOG
                yield from self._log()
            else:
                self.top[key] = self._value()
        if not seen_log:
            raise NotHARError(f"{self.name}: JSON, but not a HAR (no 'log' object)")
        if ENTRIES not in self.log.values():
            raise NotHARError(f"{self.name}: JSON, but not a HAR (no 'log.entries' list)")
        if self._peek() != "":
            raise NotJSONError(f"{self.name}: invalid JSON (data after the document)")

    def _members(self) -> Iterator[str]:
        """Keys of the object whose `{` was just read; the caller reads each value."""
        if self._peek() == "}":
            self._pos += 1
            return
        while True:
            if self._peek() != '"':
                self._expect('"', "a key")
            key = self._value()
            self._expect(":", "':'")
            yield key
            if self._expect(",}", "',' or '}'") == "}":
                return

    def _log(self) -> Iterator[Any]:
        self._pos += 1  # the "{" of log
        for key in self._members():
            if key == "entries" and self._peek() == "[":
                self.log[key] = ENTRIES
                yield from self._entry_list()
            else:
                self.log[key] = self._value()

    def _entry_list(self) -> Iterator[Any]:
        self._pos += 1  # the "["
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            entry = self._value()
            if not isinstance(entry, dict):
                raise NotHARError(f"{self.name}: entries[{self.entry_count}] is not an object")
            self.entry_count += 1
            if self.entry_count > self.limits.max_entries:
                raise LimitExceededError(f"{self.name}: more than {self.limits.max_entries} entries")
            yield entry
            if self._expect(",]", "',' or ']'") == "]":
                return

    def frame(self, mark: str) -> dict[str, Any]:
        return _frame(self.top, self.log, mark)


class DocumentStream:
    """The same interface over a document already parsed (a caller's dict, copied)."""

    def __init__(self, document: dict[str, Any], *, name: str) -> None:
        self.name = name
        self.notes: list[str] = []
        self.indent = True
        self.input_bytes = 0
        self._entries: list[Any] = document["log"]["entries"]
        self.log = {k: (ENTRIES if k == "entries" else v) for k, v in document["log"].items()}
        self.top = {k: (LOG if k == "log" else v) for k, v in document.items()}

    def entries(self) -> Iterator[Any]:
        for i, entry in enumerate(self._entries):
            self._entries[i] = None  # released as it is consumed, like a stream
            yield entry

    def frame(self, mark: str) -> dict[str, Any]:
        return _frame(self.top, self.log, mark)


def _frame(top: dict[str, Any], log: dict[str, Any], mark: str) -> dict[str, Any]:
    """The document without its entries: `mark` stands where the entries list goes."""
    log_frame = {k: (mark if v is ENTRIES else v) for k, v in log.items()}
    return {k: (log_frame if v is LOG else v) for k, v in top.items()}
