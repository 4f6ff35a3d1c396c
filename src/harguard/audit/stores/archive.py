"""Open and rebuild stored archives: zip, tar and gzip/bzip2/xz streams, nested, within limits.

A stored file becomes a tree of `Node`s. Containers (zip, tar) have one child per member;
compression streams (gz, bz2, xz) have one child, the inflated data, so `logs.tar.gz` is a gz
node holding a tar node holding the logs. Every inflated byte and every member is charged to
one `Budget` per stored file. Nothing is ever extracted to disk: member names (which may say
`../../etc/passwd`) are data, kept verbatim when an archive is rebuilt after a fix.
"""

from __future__ import annotations

import bz2
import copy
import gzip
import io
import lzma
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from ...errors import InputError, LimitExceededError, StoreError
from .limits import Budget

__all__ = ["Node", "expand", "rebuild", "sniff_container"]

_STREAMS = {b"\x1f\x8b": "gz", b"BZh": "bz2", b"\xfd7zXZ\x00": "xz"}
_STREAM_SUFFIXES = {"gz": (".gz", ".gzip"), "bz2": (".bz2",), "xz": (".xz",)}
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_CHUNK = 1 << 20
_READ_ERRORS = (
    OSError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    zipfile.BadZipFile,
    tarfile.TarError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)


@dataclass(eq=False)
class Node:
    """One stored file or archive member: its bytes, and its members once expanded."""

    name: str
    member: str
    """Path from the stored file: '' for the file itself, `inner.zip/app.log` inside archives.
    Compression layers are transparent: the child of `app.log.gz` has the same member path."""
    data: bytes = field(repr=False)
    mtime: float | None = None
    format: str | None = None
    """'zip', 'tar', 'gz', 'bz2' or 'xz' once expanded; None for a leaf."""
    children: list[Node] = field(default_factory=list)
    info: Any = field(default=None, repr=False)
    """This member's zip or tar header in its parent, used to write it back."""
    facts: dict[str, Any] = field(default_factory=dict, repr=False)
    """The container's own facts once opened (zip comment, tar format, gzip time)."""
    skipped: str | None = None
    """Why a member is not scanned: 'directory', 'symlink', 'encrypted', …"""
    error: InputError | None = None
    unread: bool = False
    """Its bytes could not be read (a damaged zip entry): an archive holding it cannot be rebuilt."""
    output: bytes | None = field(default=None, repr=False)
    """Set by the fixer: the sanitized bytes that replace `data`."""

    def leaves(self) -> list[Node]:
        """Every member that holds content to scan, depth first, in archive order."""
        if self.format is None:
            return [self]
        out: list[Node] = []
        for child in self.children:
            out.extend(child.leaves())
        return out


def sniff_container(data: bytes) -> str | None:
    """The archive or compression format of `data`, by magic number; None for plain content."""
    if data.startswith(_ZIP_MAGICS):
        return "zip"
    for magic, name in _STREAMS.items():
        if data.startswith(magic):
            return name
    if len(data) >= 512 and data[257:262] == b"ustar":
        return "tar"
    return None


def expand(node: Node, budget: Budget, *, depth: int = 0) -> None:
    """Open `node` and its nested archives in place. A damaged member is marked, not fatal;
    a limit is fatal for the whole stored file (the budget is shared)."""
    fmt = sniff_container(node.data)
    if fmt is None:
        return
    what = _label(node)
    budget.check_depth(depth + 1, what)
    node.format = fmt
    node.children = _OPENERS[fmt](node, budget)
    for child in node.children:
        if child.skipped is not None or child.error is not None:
            continue
        try:
            expand(child, budget, depth=depth + 1)
        except LimitExceededError:
            raise
        except InputError as exc:
            child.format, child.children, child.error = None, [], exc


def _label(node: Node) -> str:
    return node.member or node.name


def _child_member(parent: Node, name: str) -> str:
    return f"{parent.member}/{name}" if parent.member else name


def _read(stream: IO[bytes] | io.BufferedIOBase, budget: Budget, *, compressed: int, what: str) -> bytes:
    out = bytearray()
    while True:
        try:
            chunk = stream.read(_CHUNK)
        except _READ_ERRORS as exc:
            raise InputError(f"{what}: damaged compressed data ({type(exc).__name__})") from None
        if not chunk:
            return bytes(out)
        out += chunk
        budget.charge_bytes(len(chunk), inflated=len(out), compressed=compressed, what=what)


# -- openers -------------------------------------------------------------------------------
def _open_stream(node: Node, budget: Budget) -> list[Node]:
    fmt = node.format or ""
    what = _label(node)
    budget.charge_member(what)
    raw = io.BytesIO(node.data)
    stream: io.BufferedIOBase
    if fmt == "gz":
        stream = gzip.GzipFile(fileobj=raw, mode="rb")
    elif fmt == "bz2":
        stream = bz2.BZ2File(raw, mode="rb")
    else:
        stream = lzma.LZMAFile(raw, mode="rb")
    with stream:
        data = _read(stream, budget, compressed=len(node.data), what=what)
        header_mtime = getattr(stream, "mtime", None)
    node.facts = {"mtime": header_mtime}
    name = node.name
    for suffix in _STREAM_SUFFIXES[fmt]:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    if node.name.lower().endswith(".tgz"):
        name = node.name[:-4] + ".tar"
    return [Node(name=name or node.name, member=node.member, data=data, mtime=header_mtime or node.mtime)]


def _open_zip(node: Node, budget: Budget) -> list[Node]:
    what = _label(node)
    try:
        archive = zipfile.ZipFile(io.BytesIO(node.data))
        infos = archive.infolist()
    except _READ_ERRORS:
        raise InputError(f"{what}: not a readable zip archive") from None
    node.facts = {"comment": archive.comment}
    children: list[Node] = []
    for info in infos:
        member = _child_member(node, info.filename)
        mtime = _zip_mtime(info)
        if info.is_dir():
            children.append(Node(info.filename, member, b"", mtime, info=info, skipped="directory"))
            continue
        budget.charge_member(member)
        if info.flag_bits & 0x1:
            children.append(Node(info.filename, member, b"", mtime, info=info, skipped="encrypted"))
            continue
        child = Node(info.filename, member, b"", mtime, info=info)
        try:
            with archive.open(info) as stream:
                child.data = _read(stream, budget, compressed=info.compress_size, what=member)
        except LimitExceededError:
            raise
        except InputError as exc:
            child.error, child.unread = exc, True
        except _READ_ERRORS as exc:
            child.error, child.unread = (
                InputError(f"{member}: unreadable zip member ({type(exc).__name__})"),
                True,
            )
        children.append(child)
    return children


def _zip_mtime(info: zipfile.ZipInfo) -> float | None:
    try:
        return datetime(*info.date_time, tzinfo=UTC).timestamp()
    except ValueError:
        return None


def _open_tar(node: Node, budget: Budget) -> list[Node]:
    what = _label(node)
    try:
        archive = tarfile.open(fileobj=io.BytesIO(node.data), mode="r:")
    except _READ_ERRORS:
        raise InputError(f"{what}: not a readable tar archive") from None
    node.facts = {"format": archive.format, "pax_headers": dict(archive.pax_headers)}
    children: list[Node] = []
    with archive:
        try:
            for info in archive:
                member = _child_member(node, info.name)
                if not info.isreg():
                    kind = "directory" if info.isdir() else "link" if info.issym() or info.islnk() else "special"
                    children.append(Node(info.name, member, b"", float(info.mtime), info=info, skipped=kind))
                    continue
                budget.charge_member(member)
                stream = archive.extractfile(info)
                data = b"" if stream is None else _read(stream, budget, compressed=info.size, what=member)
                children.append(Node(info.name, member, data, float(info.mtime), info=info))
        except LimitExceededError:
            raise
        except (InputError, *_READ_ERRORS):
            raise InputError(f"{what}: damaged tar archive") from None
    return children


_OPENERS: dict[str, Callable[[Node, Budget], list[Node]]] = {
    "zip": _open_zip,
    "tar": _open_tar,
    "gz": _open_stream,
    "bz2": _open_stream,
    "xz": _open_stream,
}


# -- rebuilding ----------------------------------------------------------------------------
def rebuild(node: Node) -> bytes | None:
    """The new bytes of `node` if any member below it has an `output`, else None.

    Refuses (StoreError) to rebuild a container with a member it could not read: writing the
    archive without it would lose data, and copying it raw is not possible for every format. A
    member that was read but could not be opened (a damaged nested archive) is copied as it was.
    """
    if node.format is None:
        return node.output
    outputs = [rebuild(child) for child in node.children]
    if all(out is None for out in outputs):
        return None
    for child in node.children:
        if child.unread or child.skipped == "encrypted":
            raise StoreError(f"{_label(child)}: unreadable member; the archive cannot be rebuilt safely")
    datas = [out if out is not None else child.data for child, out in zip(node.children, outputs, strict=True)]
    return _WRITERS[node.format](node, datas)


def _write_stream(node: Node, datas: list[bytes]) -> bytes:
    (data,) = datas
    if node.format == "gz":
        buffer = io.BytesIO()
        mtime = node.facts.get("mtime") or 0
        with gzip.GzipFile(filename=node.children[0].name, mode="wb", fileobj=buffer, mtime=int(mtime)) as out:
            out.write(data)
        return buffer.getvalue()
    if node.format == "bz2":
        return bz2.compress(data)
    return lzma.compress(data, format=lzma.FORMAT_XZ)


_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


def _write_zip(node: Node, datas: list[bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.comment = node.facts.get("comment", b"")
        for child, data in zip(node.children, datas, strict=True):
            old: zipfile.ZipInfo = child.info
            info = zipfile.ZipInfo(old.filename, date_time=old.date_time)
            info.compress_type = old.compress_type if old.compress_type in _ZIP_METHODS else zipfile.ZIP_DEFLATED
            info.external_attr, info.comment, info.create_system = (
                old.external_attr,
                old.comment,
                old.create_system,
            )
            out.writestr(info, data)
    return buffer.getvalue()


def _write_tar(node: Node, datas: list[bytes]) -> bytes:
    buffer = io.BytesIO()
    facts = node.facts
    with tarfile.open(
        fileobj=buffer,
        mode="w",
        format=facts.get("format", tarfile.PAX_FORMAT),
        pax_headers=facts.get("pax_headers"),
    ) as out:
        for child, data in zip(node.children, datas, strict=True):
            info = copy.copy(child.info)
            if child.skipped is None:
                info.size = len(data)
                out.addfile(info, io.BytesIO(data))
            else:
                out.addfile(info)
    return buffer.getvalue()


_WRITERS: dict[str, Callable[[Node, list[bytes]], bytes]] = {
    "zip": _write_zip,
    "tar": _write_tar,
    "gz": _write_stream,
    "bz2": _write_stream,
    "xz": _write_stream,
}
