"""Store walkers: folders without following links, archives opened and rebuilt within limits."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from harguard.audit.stores import ArchiveLimits, Budget, Node, WalkStats, expand, rebuild, walk_paths
from harguard.errors import InputError, LimitExceededError, StoreError
from tests.audit.storegen import leaves


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("link-to-a")
        link.type, link.linkname = tarfile.SYMTYPE, "a.log"
        archive.addfile(link)
    return buffer.getvalue()


def _open(data: bytes, limits: ArchiveLimits | None = None) -> Node:
    node = Node(name="stored.bin", member="", data=data)
    expand(node, Budget(limits or ArchiveLimits()))
    return node


def test_walk_yields_regular_files_only_and_counts_the_rest(tmp_path: Path) -> None:
    (tmp_path / "a/b").mkdir(parents=True)
    (tmp_path / "a/b/one.har").write_text("{}")
    (tmp_path / "a/two.log").write_text("x\n")
    (tmp_path / "a/skip.tmp").write_text("x\n")
    (tmp_path / "a/.c.har.harguard-1234.fix").write_text("staged")
    (tmp_path / "a/link.har").symlink_to(tmp_path / "a/b/one.har")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(tmp_path / "a/pipe")
    stats = WalkStats()
    found = list(walk_paths([tmp_path], exclude=["*.tmp"], stats=stats))
    assert [f.relative for f in found] == ["a/two.log", "a/b/one.har"]  # a folder's files, then its folders
    assert (stats.symlinks, stats.special, stats.excluded) == (2, 1, 1)
    assert [Path(p).name for p in stats.staging] == [".c.har.harguard-1234.fix"]
    assert all(Path(f.path).is_absolute() and f.size > 0 for f in found)


def test_nested_archives_open_and_rebuild_with_only_the_changed_member_changed() -> None:
    inner = _zip({"deep/a.har": b'{"log": {"entries": []}}', "../evil-name.txt": b"kept verbatim"})
    outer = gzip.compress(_tar({"a.log": b"line\n", "inner.zip": inner}))
    root = _open(outer)
    assert root.format == "gz" and root.children[0].format == "tar"
    expected = ["a.log", "inner.zip/deep/a.har", "inner.zip/../evil-name.txt", "link-to-a"]
    assert [n.member for n in root.leaves()] == expected
    target = next(n for n in root.leaves() if n.member == "inner.zip/deep/a.har")
    target.output = b'{"log": {"entries": [], "comment": "fixed"}}'
    rebuilt = rebuild(root)
    assert rebuilt is not None
    before, after = dict(leaves(outer)), dict(leaves(rebuilt))
    assert after["inner.zip/deep/a.har"] == target.output
    assert {k: v for k, v in after.items() if k != "inner.zip/deep/a.har"} == {
        k: v for k, v in before.items() if k != "inner.zip/deep/a.har"
    }
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(rebuilt))) as archive:
        assert archive.getmember("link-to-a").issym()


def test_nothing_changed_means_nothing_rebuilt() -> None:
    root = _open(_zip({"a.log": b"x"}))
    assert rebuild(root) is None


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lzma.compress], ids=["gz", "bz2", "xz"])
def test_compressed_streams_are_transparent(compress: object) -> None:
    root = _open(compress(b"hello\n"))  # type: ignore[operator]
    (leaf,) = root.leaves()
    assert leaf.member == "" and leaf.data == b"hello\n"
    leaf.output = b"fixed\n"
    assert list(leaves(rebuild(root) or b"")) == [("", b"fixed\n")]


def test_a_bomb_is_refused_by_ratio_before_it_is_expanded() -> None:
    bomb = gzip.compress(b"\0" * (64 * 2**20))
    with pytest.raises(LimitExceededError, match="possible bomb"):
        _open(bomb, ArchiveLimits(ratio_floor=2**20))


def test_member_count_depth_and_total_size_are_limited() -> None:
    with pytest.raises(LimitExceededError, match="members"):
        _open(_zip({f"{i}.log": b"x" for i in range(20)}), ArchiveLimits(max_members=10))
    nested = b"x"
    for _ in range(6):
        nested = _zip({"n.zip": nested})
    with pytest.raises(LimitExceededError, match="nested deeper"):
        _open(nested, ArchiveLimits(max_depth=4))
    with pytest.raises(LimitExceededError, match="expand beyond"):
        _open(_zip({"a": os.urandom(4096), "b": os.urandom(4096)}), ArchiveLimits(max_expanded_bytes=6000))


def test_a_damaged_archive_is_an_input_error_and_a_damaged_member_is_kept() -> None:
    with pytest.raises(InputError):
        _open(b"PK\x03\x04" + bytes(300))
    root = _open(_zip({"ok.log": b"fine", "bad.zip": b"PK\x03\x04" + bytes(300)}))
    bad = next(n for n in root.leaves() if n.member == "bad.zip")
    assert bad.error is not None and not bad.unread
    next(n for n in root.leaves() if n.member == "ok.log").output = b"changed"
    with zipfile.ZipFile(io.BytesIO(rebuild(root) or b"")) as archive:
        assert archive.read("bad.zip") == bad.data  # copied as it was


def test_an_encrypted_member_blocks_a_rebuild() -> None:
    data = bytearray(_zip({"secret.log": b"x" * 50, "other.log": b"y"}))
    for header, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # mark the first entry encrypted
        at = data.index(header) + flag_at
        data[at] |= 0x1
    root = _open(bytes(data))
    secret, other = root.leaves()
    assert secret.skipped == "encrypted"
    other.output = b"z"
    with pytest.raises(StoreError, match="cannot be rebuilt"):
        rebuild(root)
