"""Read HAR input safely: archives, byte-order marks, encodings, limits, clear errors.

Every way input can be bad maps to one error class with a one-line message that names the
problem, the place and the size, never the content: a truncated file's last bytes may well be
half a token. Archives (`.har.gz`, `.zip`) are opened here with decompression limits, so a zip
bomb is refused before it fills memory.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import EncodingError, InputError, LimitExceededError, NotHARError, NotJSONError, TruncatedError
from . import _json

__all__ = [
    "BOMS",
    "GZIP_MAGIC",
    "ZIP_MAGIC",
    "LoadLimits",
    "LoadedHar",
    "check_har",
    "decode_utf8",
    "load_har",
    "open_chunks",
    "unpack",
]

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class LoadLimits:
    """Safety limits for input; the defaults fit a 2 GB capture on a 24 GB machine."""

    max_input_bytes: int = 2 * 2**30
    max_expanded_bytes: int = 4 * 2**30
    max_expansion_ratio: int = 100
    max_entries: int = 2_000_000
    max_archive_members: int = 1000


@dataclass
class LoadedHar:
    """A parsed HAR document and what the loader noticed about its encoding."""

    document: dict[str, Any] = field(repr=False)  # the raw capture
    indent: bool
    notes: list[str]
    input_bytes: int


_RATIO_FLOOR = 64 * 2**20


def _inflate(stream: io.BufferedIOBase, *, compressed: int, limits: LoadLimits, what: str) -> bytes:
    """Decompress a whole member within the limits (see `_bounded`)."""
    return b"".join(_bounded(stream, compressed=compressed, name=what, limits=limits))  # type: ignore[arg-type]


def unpack(data: bytes, *, name: str = "input", limits: LoadLimits | None = None) -> list[tuple[str, bytes]]:
    """The documents inside `data`: itself, a gunzipped body, or every member of a zip."""
    limits = limits or LoadLimits()
    if len(data) > limits.max_input_bytes:
        raise LimitExceededError(f"{name}: {len(data)} bytes exceeds the input limit of {limits.max_input_bytes}")
    if data.startswith(GZIP_MAGIC):
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            inner = _inflate(stream, compressed=len(data), limits=limits, what=name)
        return unpack(inner, name=name.removesuffix(".gz"), limits=limits)
    if data.startswith(ZIP_MAGIC):
        return _unzip(data, name=name, limits=limits)
    return [(name, data)]


def _unzip(data: bytes, *, name: str, limits: LoadLimits) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError(f"{name}: not a readable zip archive") from None
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > limits.max_archive_members:
        raise LimitExceededError(f"{name}: {len(members)} archive members exceed the limit")
    out: list[tuple[str, bytes]] = []
    total = 0
    for member in members:
        if member.filename.startswith("__MACOSX/"):
            continue
        with archive.open(member) as stream:
            inner = _inflate(stream, compressed=max(member.compress_size, 1), limits=limits,  # type: ignore[arg-type]
                             what=f"{name}:{member.filename}")  # fmt: skip
        total += len(inner)
        if total > limits.max_expanded_bytes:
            raise LimitExceededError(f"{name}: members expand beyond {limits.max_expanded_bytes} bytes")
        out.extend(unpack(inner, name=f"{name}:{member.filename}", limits=limits))
    if not out:
        raise NotHARError(f"{name}: the archive holds no files")
    return out


def decode_text(data: bytes, *, name: str) -> tuple[bytes, list[str]]:
    """UTF-8 bytes without a byte-order mark; UTF-16/32 with a BOM are converted, not refused."""
    notes: list[str] = []
    for bom, encoding in BOMS:
        if data.startswith(bom):
            notes.append(f"{encoding} byte-order mark removed")
            if encoding == "utf-8":
                return data[len(bom) :], notes
            try:
                return data[len(bom) :].decode(encoding).encode("utf-8"), notes
            except UnicodeDecodeError:
                raise EncodingError(f"{name}: declares {encoding} by its byte-order mark but is not") from None
    if len(data) >= 2 and (data[0] == 0 or data[1] == 0):
        raise EncodingError(f"{name}: looks like UTF-16 or UTF-32 without a byte-order mark")
    return data, notes


def decode_utf8(data: bytes, *, name: str) -> str:
    """Text input (logs): the same byte-order-mark handling as for HARs, strict UTF-8."""
    data, _ = decode_text(data, name=name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"{name}: not valid UTF-8 (at byte {exc.start})") from None


def load_har(data: bytes, *, name: str = "input", limits: LoadLimits | None = None) -> LoadedHar:
    """Parse one HAR document (already unpacked) or raise the InputError that says why not."""
    limits = limits or LoadLimits()
    if len(data) > limits.max_input_bytes:
        raise LimitExceededError(f"{name}: {len(data)} bytes exceeds the input limit of {limits.max_input_bytes}")
    size = len(data)
    data, notes = decode_text(data, name=name)
    head = data[:64].lstrip()
    if not head:
        raise NotJSONError(f"{name}: empty input")
    if head[:1] not in (b"{", b"["):
        raise NotJSONError(f"{name}: not JSON (starts with neither {{ nor [)")
    with _json.gc_paused():
        try:
            document = _json.loads(data)
        except _json.JSONSyntaxError as exc:
            raise _classify(exc, data, name) from None
    indent = b"\n" in data[:200]
    del data
    check_har(document, name=name, limits=limits)
    return LoadedHar(document=document, indent=indent, notes=notes, input_bytes=size)


def _classify(exc: _json.JSONSyntaxError, data: bytes, name: str) -> InputError:
    if exc.reason == "recursion limit exceeded":
        return LimitExceededError(f"{name}: JSON nested too deeply (at byte {exc.position})")
    if exc.reason == "invalid UTF-8":
        return EncodingError(f"{name}: not valid UTF-8 (at byte {exc.position})")
    if exc.position >= len(data.rstrip()) - 1 or "end of data" in exc.reason or "Unterminated" in exc.reason:
        return TruncatedError(f"{name}: JSON ends early at byte {exc.position} of {len(data)} (truncated?)")
    if "NaN" in exc.reason:
        return NotJSONError(f"{name}: NaN or Infinity is not JSON")
    return NotJSONError(f"{name}: invalid JSON at byte {exc.position} ({exc.reason})")


def check_har(document: Any, *, name: str, limits: LoadLimits) -> None:
    if not isinstance(document, dict):
        raise NotHARError(f"{name}: JSON, but not a HAR (the top level is not an object)")
    log = document.get("log")
    if not isinstance(log, dict):
        raise NotHARError(f"{name}: JSON, but not a HAR (no 'log' object)")
    entries = log.get("entries")
    if not isinstance(entries, list):
        raise NotHARError(f"{name}: JSON, but not a HAR (no 'log.entries' list)")
    if len(entries) > limits.max_entries:
        raise LimitExceededError(f"{name}: {len(entries)} entries exceed the limit of {limits.max_entries}")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise NotHARError(f"{name}: entries[{i}] is not an object")


_READ_SIZE = 8 << 20


def open_chunks(source: bytes | Path, *, name: str, limits: LoadLimits) -> Iterator[bytes]:
    """The bytes of one HAR, in chunks: plain, gzip or a one-member zip, read with the same
    size and expansion limits as `unpack`, without holding the expanded document."""
    if isinstance(source, bytes):
        if len(source) > limits.max_input_bytes:
            raise LimitExceededError(f"{name}: {len(source)} bytes exceeds the input limit of {limits.max_input_bytes}")
        handle: IO[bytes] = io.BytesIO(source)
        size = len(source)
    else:
        try:
            handle = open(source, "rb")  # noqa: SIM115 - closed by the generator below
            size = os.fstat(handle.fileno()).st_size
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror})") from None
    return _chunks(handle, size=size, name=name, limits=limits)


def _chunks(handle: IO[bytes], *, size: int, name: str, limits: LoadLimits) -> Iterator[bytes]:
    with handle:
        head = handle.read(4)
        handle.seek(0)
        if head.startswith(GZIP_MAGIC):
            with gzip.GzipFile(fileobj=handle) as stream:
                yield from _bounded(stream, compressed=size, name=name, limits=limits)  # type: ignore[arg-type]
            return
        if head.startswith(ZIP_MAGIC):
            yield from _zip_member(handle, name=name, limits=limits)
            return
        if size > limits.max_input_bytes:
            raise LimitExceededError(f"{name}: {size} bytes exceeds the input limit of {limits.max_input_bytes}")
        while chunk := handle.read(_READ_SIZE):
            yield chunk


def _zip_member(handle: IO[bytes], *, name: str, limits: LoadLimits) -> Iterator[bytes]:
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile:
        raise InputError(f"{name}: not a readable zip archive") from None
    members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX/")]
    if len(members) != 1:
        raise NotHARError(f"{name}: the archive holds {len(members)} files, not one HAR (use the CLI)")
    with archive.open(members[0]) as stream:
        yield from _bounded(stream, compressed=max(members[0].compress_size, 1), name=name, limits=limits)


def _bounded(stream: IO[bytes], *, compressed: int, name: str, limits: LoadLimits) -> Iterator[bytes]:
    """Decompressed chunks, refused past the size limit, or past the expansion ratio once the
    output is larger than 64 MiB (small, very compressible files are fine)."""
    total = 0
    while True:
        try:
            chunk = stream.read(_READ_SIZE)
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
            raise InputError(f"{name}: damaged compressed data ({type(exc).__name__})") from None
        if not chunk:
            return
        total += len(chunk)
        too_big = total > min(limits.max_expanded_bytes, limits.max_input_bytes)
        if too_big or (total > _RATIO_FLOOR and total > compressed * limits.max_expansion_ratio):
            raise LimitExceededError(
                f"{name}: expands beyond {total} bytes from {compressed} compressed (possible zip bomb)"
            )
        yield chunk
