"""Fix in place: stage a sanitized copy beside the file, then swap it in atomically.

Two steps, so that a fix is never lost nor half done. A worker writes the sanitized version to
a staging file in the target's folder (`.name.harguard-XXXX.fix`, mode of the original) and
returns; the coordinator first records the findings in the inventory (what was exposed must
survive a crash), then checks the target has not changed since it was read, copies the raw
original to the quarantine folder only if one was given, and `os.replace`s the staging file
over the target, keeping its modification time (the data's age, which retention and exposure
dates rely on). A crash leaves either the old file or the new one, and at most a staging
file, which holds sanitized data only and is skipped and cleaned by the next run.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import StoreError
from ..har.write import atomic_output

__all__ = ["FixOutcome", "StagedWriter", "apply_fix", "discard", "quarantine_path", "stage_bytes"]


class StagedWriter:
    """A staging file beside `target`, written in pieces; `finish()` keeps it, `discard()` drops it."""

    def __init__(self, target: str, *, key: bytes) -> None:
        folder, name = os.path.split(target)
        mode = stat.S_IMODE(os.lstat(target).st_mode)
        fd, self.path = tempfile.mkstemp(prefix=f".{name}.harguard-", suffix=".fix", dir=folder or ".")
        os.fchmod(fd, mode & 0o777 or 0o600)
        self._handle: IO[bytes] = os.fdopen(fd, "wb")
        self._mac = hmac.new(key, b"content\0", hashlib.sha256)
        self.size = 0

    def __repr__(self) -> str:
        return f"<StagedWriter {self.path!r} bytes={self.size}>"

    def write(self, data: bytes) -> None:
        self._handle.write(data)
        self._mac.update(data)
        self.size += len(data)

    def finish(self) -> tuple[str, str, int]:
        """(staging path, keyed content hash, size) once everything is on disk."""
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        return self.path, self._mac.hexdigest(), self.size

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._handle.close()
        discard(self.path)


def stage_bytes(target: str, data: bytes, *, key: bytes) -> tuple[str, str, int]:
    writer = StagedWriter(target, key=key)
    try:
        writer.write(data)
        return writer.finish()
    except BaseException:
        writer.discard()
        raise


def discard(path: str | None) -> None:
    if path:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


@dataclass(frozen=True)
class FixOutcome:
    """What `apply_fix` did, for the inventory's actions table."""

    action: str
    """'rewritten', or 'refused' when the file changed after it was read."""
    detail: str = ""
    quarantined_to: str | None = None


def quarantine_path(folder: Path, target: str, content_hash: str) -> Path:
    """Where the raw original goes: its absolute path mirrored below `folder`, suffixed by
    (a prefix of) its keyed hash, so two versions of one file never overwrite each other."""
    relative = Path(os.path.abspath(target)).relative_to(Path(os.path.abspath(target)).anchor)
    return folder / relative.parent / f"{relative.name}.{content_hash[:12]}"


def apply_fix(
    *, target: str, staged: str, size: int, mtime_ns: int, content_hash: str, quarantine: Path | None
) -> FixOutcome:
    """Swap the staged copy in for `target` if `target` is still the file that was scanned."""
    try:
        now = os.lstat(target)
    except OSError as exc:
        discard(staged)
        return FixOutcome("refused", f"target unreadable ({exc.strerror or type(exc).__name__})")
    if not stat.S_ISREG(now.st_mode) or now.st_size != size or now.st_mtime_ns != mtime_ns:
        discard(staged)
        return FixOutcome("refused", "the file changed after it was scanned; rerun the audit")
    copied = None
    if quarantine is not None:
        copied = quarantine_path(quarantine, target, content_hash)
        _copy_private(target, copied)
    try:
        os.replace(staged, target)
        os.utime(target, ns=(now.st_atime_ns, now.st_mtime_ns), follow_symlinks=False)
    except OSError as exc:
        discard(staged)
        raise StoreError(f"{target}: cannot replace the file ({exc.strerror or type(exc).__name__})") from None
    return FixOutcome("rewritten", quarantined_to=str(copied) if copied else None)


def _copy_private(source: str, destination: Path) -> None:
    """A raw copy readable by its owner only, in folders only its owner can enter."""
    missing = [p for p in [destination.parent, *destination.parent.parents] if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
    with open(source, "rb") as original, atomic_output(destination, mode=0o600) as copy:
        while chunk := original.read(1 << 20):
            copy.write(chunk)
