"""Read an upload's body into memory: raw, or multipart/form-data parsed as it streams in.

Starlette's form parser spools any file part over 1 MiB to a temporary file on disk; a raw
HAR must never touch the disk, so uploads never go through it. Instead the body is fed, chunk
by chunk, to python-multipart's low-level `MultipartParser`, and each file part is collected in
memory. The size limit is checked against Content-Length first and then against every byte
actually received, so neither a lying header nor a chunked body can exceed it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header

from ..errors import InputError
from .errors import UploadTooLargeError

__all__ = ["Part", "read_multipart", "read_raw"]

_MAX_FIELD = 64 * 1024


@dataclass(repr=False)
class Part:
    """One uploaded file. `filename` is as the client sent it: sanitize before showing or storing."""

    filename: str
    content_type: str
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0

    def take(self) -> bytes:
        """The content, once: the chunks are released, so the raw bytes live in one place only."""
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data

    def __repr__(self) -> str:
        return f"<Part {self.size} bytes>"


def _check_declared(content_length: str | None, limit: int) -> None:
    if content_length and content_length.isdigit() and int(content_length) > limit:
        raise UploadTooLargeError(f"upload of {content_length} bytes exceeds the limit of {limit} bytes")


async def read_raw(
    stream: AsyncIterator[bytes], *, content_length: str | None, limit: int, filename: str, content_type: str
) -> Part:
    _check_declared(content_length, limit)
    part = Part(filename=filename, content_type=content_type)
    async for chunk in stream:
        part.size += len(chunk)
        if part.size > limit:
            part.chunks.clear()
            raise UploadTooLargeError(f"upload exceeds the limit of {limit} bytes")
        part.chunks.append(chunk)
    return part


class _Collector:
    """python-multipart callbacks that keep file parts in memory and drop everything else."""

    def __init__(self, *, max_files: int) -> None:
        self.parts: list[Part] = []
        self.max_files = max_files
        self._headers: dict[str, str] = {}
        self._field = b""
        self._value = b""
        self._current: Part | None = None
        self._skipped = 0

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_done,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self._headers = {}
        self._current = None
        self._skipped = 0

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._field.decode("latin-1").lower()] = self._value.decode("utf-8", "replace")
        self._field = self._value = b""

    def _headers_done(self) -> None:
        _, params = parse_options_header(self._headers.get("content-disposition", ""))
        filename = params.get(b"filename")
        if filename is None:
            return  # a plain form field: not kept (the CSRF token travels in a header)
        if len(self.parts) >= self.max_files:
            raise InputError(f"too many files in one upload (at most {self.max_files})")
        content_type = parse_options_header(self._headers.get("content-type", ""))[0].decode("latin-1")
        self._current = Part(filename=filename.decode("utf-8", "replace"), content_type=content_type)
        self.parts.append(self._current)

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._current is None:
            self._skipped += end - start
            if self._skipped > _MAX_FIELD:
                raise InputError("a form field is too large")
            return
        self._current.chunks.append(data[start:end])
        self._current.size += end - start

    def _end(self) -> None:
        self._current = None


async def read_multipart(
    stream: AsyncIterator[bytes], *, content_type: str, content_length: str | None, limit: int, max_files: int
) -> list[Part]:
    _check_declared(content_length, limit)
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise InputError("multipart upload without a boundary")
    collector = _Collector(max_files=max_files)
    parser = MultipartParser(boundary, collector.callbacks())  # type: ignore[arg-type]
    received = 0
    try:
        async for chunk in stream:
            received += len(chunk)
            if received > limit:
                raise UploadTooLargeError(f"upload exceeds the limit of {limit} bytes")
            parser.write(chunk)
        parser.finalize()
        if parser.state != MultipartState.END:
            raise InputError("the multipart body ends early (interrupted upload?)")
    except MultipartParseError:
        raise InputError("malformed multipart body") from None
    except BaseException:
        for part in collector.parts:
            part.chunks.clear()
        raise
    if not collector.parts:
        raise InputError("no file in the upload (send it as a form field with a filename)")
    return collector.parts
