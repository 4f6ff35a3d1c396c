"""Sanitized files at rest: encrypted, chunked, written atomically, streamed back out.

Format (version 1): `HGB1` + 16-byte salt, then chunks of at most 1 MiB of plaintext, each
sealed with AES-256-GCM under a per-blob key HKDF(data key, salt, blob id). A chunk's nonce is
its 88-bit counter plus a last-chunk flag byte (the STREAM construction), so chunks cannot be
reordered, dropped or cut off at the end without the decryption failing, and a blob cannot be
swapped for another (the id is bound into the key). Chunking keeps memory flat on download and
lets a 2 GiB file be sealed without one giant buffer.

Only sanitized output ever reaches this module; raw uploads never touch the disk.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..errors import NotFoundError, StoreError

__all__ = ["BlobStore"]

MAGIC = b"HGB1"
SALT = 16
CHUNK = 1 << 20
TAG = 16
_ID = re.compile(r"^[0-9a-f]{32}$")


class BlobStore:
    """Encrypted blobs in a local folder, addressed by random ids."""

    def __init__(self, root: Path, *, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the data key must be 32 bytes")
        self.root = root
        self._key = key
        root.mkdir(parents=True, exist_ok=True, mode=0o700)

    def __repr__(self) -> str:
        return f"<BlobStore {self.root}>"

    def _path(self, blob_id: str) -> Path:
        if not _ID.match(blob_id):
            raise NotFoundError("no such blob")
        return self.root / blob_id[:2] / blob_id

    def _cipher(self, blob_id: str, salt: bytes) -> AESGCM:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"harguard-blob/1:" + blob_id.encode())
        return AESGCM(hkdf.derive(self._key))

    def put(self, data: bytes | memoryview) -> str:
        """Encrypt and store `data`; returns the new blob id. Atomic: all or nothing on disk."""
        blob_id = secrets.token_hex(16)
        path = self._path(blob_id)
        path.parent.mkdir(exist_ok=True, mode=0o700)
        salt = secrets.token_bytes(SALT)
        cipher = self._cipher(blob_id, salt)
        view = memoryview(data)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + salt)
                for index, chunk, last in _chunks(view):
                    handle.write(cipher.encrypt(_nonce(index, last), chunk, None))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            _unlink(Path(tmp))
            raise StoreError(f"cannot write a blob ({exc.strerror})") from None
        return blob_id

    def open(self, blob_id: str) -> Iterator[bytes]:
        """The plaintext, chunk by chunk; raises NotFoundError or StoreError before yielding."""
        path = self._path(blob_id)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            raise NotFoundError("no such blob") from None
        header = handle.read(len(MAGIC) + SALT)
        if header[: len(MAGIC)] != MAGIC:
            handle.close()
            raise StoreError("blob has an unknown format")
        return self._decrypt(handle, self._cipher(blob_id, header[len(MAGIC) :]))

    def _decrypt(self, handle: BinaryIO, cipher: AESGCM) -> Iterator[bytes]:
        with handle:
            index = 0
            current = handle.read(CHUNK + TAG)
            while True:
                following = handle.read(CHUNK + TAG)
                last = not following
                try:
                    yield cipher.decrypt(_nonce(index, last), current, None)
                except InvalidTag:
                    raise StoreError("blob failed authentication (damaged or tampered with)") from None
                if last:
                    return
                current, index = following, index + 1

    def read(self, blob_id: str) -> bytes:
        return b"".join(self.open(blob_id))

    def delete(self, blob_id: str) -> bool:
        return _unlink(self._path(blob_id))

    def ids(self) -> Iterable[tuple[str, float]]:
        """(blob id, modification time) of every stored blob, for the orphan sweep."""
        for path in self.root.glob("??/*"):
            if _ID.match(path.name):
                try:
                    yield path.name, path.stat().st_mtime
                except FileNotFoundError:
                    continue

    def sweep_temporary(self, *, older_than: float = 3600.0) -> int:
        """Remove half-written temporary files left by a crash (they hold only ciphertext)."""
        cutoff = time.time() - older_than
        removed = 0
        for path in self.root.glob("??/.tmp-*"):
            try:
                if path.stat().st_mtime < cutoff and _unlink(path):
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


def _chunks(view: memoryview) -> Iterator[tuple[int, memoryview, bool]]:
    total = len(view)
    count = max(1, -(-total // CHUNK))
    for index in range(count):
        yield index, view[index * CHUNK : (index + 1) * CHUNK], index == count - 1


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False
