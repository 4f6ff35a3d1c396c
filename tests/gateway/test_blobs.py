"""Blobs at rest: encrypted, chunked, tamper-evident, never plaintext on disk."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from harguard.errors import NotFoundError, StoreError
from harguard.gateway.blobs import CHUNK, BlobStore


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs", key=secrets.token_bytes(32))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17])
def test_round_trip_of_every_chunk_boundary(store: BlobStore, size: int) -> None:
    data = secrets.token_bytes(size)
    blob_id = store.put(data)
    assert store.read(blob_id) == data


def test_nothing_readable_on_disk(store: BlobStore) -> None:
    marker = b"PLAINTEXT-MARKER-" * 1000
    blob_id = store.put(marker)
    raw = (store.root / blob_id[:2] / blob_id).read_bytes()
    assert b"PLAINTEXT-MARKER" not in raw and raw.startswith(b"HGB1")
    assert not list(store.root.glob("??/.tmp-*"))


def test_tampering_truncation_swapping_and_wrong_key_are_detected(store: BlobStore, tmp_path: Path) -> None:
    first, second = store.put(b"a" * (CHUNK + 10)), store.put(b"b" * (CHUNK + 10))
    path = store.root / first[:2] / first
    original = path.read_bytes()
    path.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    with pytest.raises(StoreError, match="authentication"):
        store.read(first)
    path.write_bytes(original[: 20 + CHUNK + 16])  # drop the last chunk: the new last one isn't flagged last
    with pytest.raises(StoreError):
        store.read(first)
    path.write_bytes((store.root / second[:2] / second).read_bytes())  # another blob's bytes under this id
    with pytest.raises(StoreError):
        store.read(first)
    path.write_bytes(original)
    other = BlobStore(store.root, key=secrets.token_bytes(32))
    with pytest.raises(StoreError):
        other.read(first)
    assert store.read(first) == b"a" * (CHUNK + 10)


def test_missing_and_malformed_ids_are_not_found(store: BlobStore) -> None:
    for blob_id in (secrets.token_hex(16), "../../etc/passwd", "", "ZZ"):
        with pytest.raises(NotFoundError):
            store.read(blob_id)
    assert store.delete(secrets.token_hex(16)) is False
