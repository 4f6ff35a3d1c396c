"""Reading log files: whole-file batches, and `--follow` (tail with rotation, resumable).

A file is JSON lines, one JSON array, or one `{"value": [...]}` document (Graph exports), or
text lines for text formats. Follow mode polls (no inotify dependency), notices rotation (a
new inode, or a file shorter than our offset) and starts the new file from its beginning; the
offsets are returned so the caller can persist them with its other state and resume after a
restart without re-reading or skipping lines. Only complete lines are consumed: a writer's
half-written last line waits for its newline.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import InputError
from ._base import Ingestor

__all__ = ["FileCursor", "follow_lines", "read_records"]

_WHOLE_DOCUMENT_LIMIT = 512 * 2**20


@dataclass
class FileCursor:
    """Where we are in one file: its inode (to notice rotation) and the byte offset."""

    inode: int = 0
    offset: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"inode": self.inode, "offset": self.offset}


def read_records(path: Path, ingestor: Ingestor) -> Iterator[Any]:
    """Every record of a whole file, in file order."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
        handle.seek(0)
        stripped = head.lstrip()
        if ingestor.lines == "json" and (stripped[:1] == b"[" or (stripped[:1] == b"{" and _is_document(head))):
            size = path.stat().st_size
            if size > _WHOLE_DOCUMENT_LIMIT:
                raise InputError(f"{path}: a {size}-byte JSON document is too large; export JSON lines instead")
            records = _document_records(handle.read())
            if records is not None:
                yield from records
                return
            handle.seek(0)  # not one document after all (a very long first line): JSON lines
        for raw in handle:
            record = _decode_line(raw, ingestor)
            if record is not None:
                yield record


def _is_document(head: bytes) -> bool:
    """`{…}` spanning several lines (pretty-printed) or holding a `value` array: one document."""
    first_line = head.split(b"\n", 1)[0]
    try:
        json.loads(first_line)
    except ValueError:
        return True
    return first_line.lstrip().startswith(b'{"value"') or first_line.lstrip().startswith(b'{"@odata')


def _document_records(data: bytes) -> list[Any] | None:
    try:
        document = json.loads(data)
    except ValueError:
        return None
    if isinstance(document, dict):
        document = document.get("value", document.get("logs", [document]))
    return document if isinstance(document, list) else [document]


def _decode_line(raw: bytes, ingestor: Ingestor) -> Any:
    line = raw.decode("utf-8", "replace").rstrip("\r\n")
    if not line.strip():
        return None
    if ingestor.lines == "text":
        return line
    try:
        return json.loads(line)
    except ValueError:
        return None  # a torn or foreign line; counted by the caller as unparsed


def follow_lines(
    path: Path,
    ingestor: Ingestor,
    cursor: FileCursor,
    *,
    stop: threading.Event,
    poll_interval: float = 0.2,
    on_idle: Callable[[], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[Any]:
    """Records appended to `path`, forever (until `stop`), updating `cursor` as lines are read.

    `on_idle` runs whenever the file has nothing new: the monitor flushes state there.
    """
    handle = None
    try:
        while not stop.is_set():
            try:
                stat = os.stat(path)
            except FileNotFoundError:
                stat = None
            if stat is not None and (handle is None or stat.st_ino != cursor.inode or stat.st_size < cursor.offset):
                if handle is not None:
                    handle.close()
                handle = path.open("rb")
                if stat.st_ino != cursor.inode or stat.st_size < cursor.offset:
                    cursor.inode, cursor.offset = stat.st_ino, 0  # rotated or truncated: start over
                handle.seek(cursor.offset)
            progressed = False
            while handle is not None:
                raw = handle.readline()
                if not raw or not raw.endswith(b"\n"):
                    break  # nothing more, or a line still being written
                cursor.offset += len(raw)
                progressed = True
                record = _decode_line(raw, ingestor)
                if record is not None:
                    yield record
            if handle is not None:
                handle.seek(cursor.offset)
            if not progressed:
                if on_idle is not None:
                    on_idle()
                if sleep is time.sleep:
                    stop.wait(poll_interval)  # wakes at once when asked to stop
                else:
                    sleep(poll_interval)
    finally:
        if handle is not None:
            handle.close()
