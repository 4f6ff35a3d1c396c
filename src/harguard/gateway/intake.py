"""Intake: turn uploaded parts into sanitized documents, or refuse the whole upload.

What is accepted, by file name (then by declared content type when the name says nothing):
`.har` (also gzip-compressed, whatever the name), `.har.gz`, `.zip` of HARs and logs, `.json`
(a HAR if it is one, else a JSON log), and text logs (`.log`, `.txt`, `.ndjson`, `.jsonl`,
`.csv`, `.out`, `.xml`). HARs go through `Sanitizer.sanitize`, everything else through
`Sanitizer.sanitize_text` (value rules and decode layers). Anything else is 415.

Names are client input too: every file name is itself run through `sanitize_text` before it is
shown, stored or put in an error message, and so is the text of every error raised here.

Sanitizing runs in worker threads, each with a Sanitizer leased from `SanitizerPool`. A
Sanitizer is safe to share between threads (each thread gets its own hyperscan scratch); the
pool is there to bound how many uploads are sanitized at once, and so memory.
"""

from __future__ import annotations

import queue
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..errors import EncodingError, InputError, NotHARError
from ..har.load import GZIP_MAGIC, ZIP_MAGIC, decode_utf8, unpack
from ..pipeline import Sanitizer
from ..report.manifest import Report
from .errors import UnsupportedMediaError
from .multipart import Part

__all__ = ["Sanitized", "SanitizerPool", "sanitize_part"]

HAR_TYPES = {"application/json", "application/har+json", "application/x-har", "application/har"}
GZIP_TYPES = {"application/gzip", "application/x-gzip"}
ZIP_TYPES = {"application/zip", "application/x-zip-compressed", "application/x-zip"}
TEXT_TYPES = {"application/x-ndjson", "application/jsonl", "application/xml", "application/csv"}
TEXT_SUFFIXES = (".log", ".txt", ".ndjson", ".jsonl", ".csv", ".out", ".xml", ".text")
ARCHIVE_SUFFIXES = (".zip", ".gz")


@dataclass(repr=False)
class Sanitized:
    """One sanitized document, ready to store: never holds a raw byte."""

    name: str
    kind: str  # "har" | "text"
    media_type: str
    data: bytes
    report: Report

    def __repr__(self) -> str:
        return f"<Sanitized {self.kind} {len(self.data)} bytes>"


class SanitizerPool:
    """`size` Sanitizers built alike, each leased to one thread at a time.

    A Sanitizer is safe to use from several threads (the core gives each thread its own hyperscan
    scratch); the pool bounds how many uploads are sanitized at once, which bounds memory.
    """

    def __init__(self, factory: Callable[[], Sanitizer], size: int) -> None:
        self.size = size
        self._free: queue.SimpleQueue[Sanitizer] = queue.SimpleQueue()
        for _ in range(size):
            self._free.put(factory())

    @contextmanager
    def lease(self) -> Iterator[Sanitizer]:
        sanitizer = self._free.get()
        try:
            yield sanitizer
        finally:
            self._free.put(sanitizer)


MAX_NAME = 300  # characters of a document name, after sanitizing (the column holds 500)


def clean_name(sanitizer: Sanitizer, name: str) -> str:
    """The uploaded file's name, safe to show and store: path-free, then `_safe_name`."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "upload"
    return _safe_name(sanitizer, base)


def _safe_name(sanitizer: Sanitizer, name: str) -> str:
    """Printable, sanitized, then bounded: cut only after sanitizing, so a cut never keeps part
    of a secret that sanitizing would have found whole. A residual leak names "file name" only."""
    printable = "".join(ch if ch.isprintable() else "_" for ch in name)
    text, _ = sanitizer.sanitize_text(printable, name="file name")
    return text[:MAX_NAME]


def sanitize_part(sanitizer: Sanitizer, part: Part) -> list[Sanitized]:
    """Sanitize one uploaded file (several documents if it is an archive). Raises InputError
    subclasses (with sanitized messages) or ResidualLeakError; never returns partial results."""
    name = clean_name(sanitizer, part.filename)
    try:
        return _sanitize(sanitizer, name, part)
    except InputError as exc:
        message, _ = sanitizer.sanitize_text(str(exc), name="error message")
        raise type(exc)(message) from None


def _sanitize(sanitizer: Sanitizer, name: str, part: Part) -> list[Sanitized]:
    lowered = name.lower()
    declared = part.content_type.lower()
    kind = _kind_of(lowered, declared)
    data = part.take()
    if kind == "har" and _gzip_of_one_document(data):
        return [_one(sanitizer, name, kind, data)]  # `sanitize` gunzips as it reads: never whole
    documents = unpack(data, name=name, limits=sanitizer.load_limits)
    del data
    out: list[Sanitized] = []
    for member_name, member in documents:
        # A member's name is `upload:path-in-the-archive`: client input again, so cleaned like
        # the upload's name (the kind is still read from the raw name: sanitizing may eat a suffix).
        shown = name if member_name == name else _safe_name(sanitizer, member_name)
        member_kind = kind if member_name == name else _kind_of(member_name.lower().removesuffix(".gz"), "", shown)
        if member_kind in ("zip", "gzip"):  # unpack has already opened every level of archive
            member_kind = "har-or-json" if member_name.lower().endswith(".json") else "har"
        out.append(_one(sanitizer, shown, member_kind, member))
    return out


def _gzip_of_one_document(data: bytes) -> bool:
    """Gzip around a plain document (not around another archive, which needs `unpack`)."""
    if not data.startswith(GZIP_MAGIC):
        return False
    try:
        head = zlib.decompressobj(wbits=31).decompress(data[:4096], 4)
    except zlib.error:
        return False  # `unpack` says what is wrong with it
    return not head.startswith((GZIP_MAGIC, ZIP_MAGIC))


def _kind_of(name: str, content_type: str, shown: str | None = None) -> str:
    """What `name` holds; an error names `shown` instead when `name` is raw client input."""
    if name.endswith((".har", ".har.gz")):
        return "har"
    if name.endswith(".json") or name.endswith(".json.gz"):
        return "har-or-json"
    if name.removesuffix(".gz").endswith(TEXT_SUFFIXES):
        return "text"
    if name.endswith(ARCHIVE_SUFFIXES):
        return "zip" if name.endswith(".zip") else "gzip"
    if content_type in HAR_TYPES:
        return "har-or-json"
    if content_type in GZIP_TYPES:
        return "gzip"
    if content_type in ZIP_TYPES:
        return "zip"
    if content_type.startswith("text/") or content_type in TEXT_TYPES:
        return "text"
    raise UnsupportedMediaError(
        f"{shown or name}: not a HAR, an archive of HARs or a text log (use .har, .har.gz, .zip, .json, .log or .txt)"
    )


def _one(sanitizer: Sanitizer, name: str, kind: str, data: bytes) -> Sanitized:
    display = name.removesuffix(".gz") if name.lower().endswith((".har.gz", ".json.gz", ".log.gz")) else name
    if kind in ("har", "har-or-json"):
        try:
            result = sanitizer.sanitize(data, name=display)
            return Sanitized(display, "har", "application/json", result.data, result.report)
        except NotHARError:
            if kind == "har":
                raise
    return _text(sanitizer, display, data, json=kind == "har-or-json")


def _text(sanitizer: Sanitizer, name: str, data: bytes, *, json: bool) -> Sanitized:
    text = decode_utf8(data, name=name)
    del data
    if "\x00" in text[:8192]:
        raise EncodingError(f"{name}: binary data, not a text log")
    sanitized, report = sanitizer.sanitize_text(text, name=name)
    media = "application/json" if json else "text/plain; charset=utf-8"
    return Sanitized(name, "text", media, sanitized.encode("utf-8"), report)
