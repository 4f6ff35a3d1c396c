"""Audit one stored file: the pure per-file function that both runners map.

`audit_file(task, config)` reads the file, skips it if its keyed content hash is the one the
inventory already has, opens archives (nested, within limits), scans every member with the
shared Sanitizer (HARs structurally, everything else as text, line by line), and, when asked
to fix, stages a sanitized copy beside the file. Member names and error messages are input
too (a member may be named after a token): they are sanitized before they are returned. It
never raises: one bad file must not stop a run of millions, so it returns `(error, None)` or
`(None, result)`, and the same task gives the same result in a local process or on a Dask worker.
"""

from __future__ import annotations

import io
import os
import stat
import time
from typing import BinaryIO

from ..errors import HarguardError, InputError, LimitExceededError, ResidualLeakError, StoreError
from ..pipeline import Sanitizer
from .classify import SAMPLE_BYTES, classify, codec_of, decode_text, encode_text
from .config import AuditConfig, bytes_hash, content_hash, sanitizer_for
from .fix import StagedWriter, stage_bytes
from .model import AuditFinding, FileResult, FileTask, MemberResult, Status
from .stores.archive import Node, expand, rebuild, sniff_container
from .stores.limits import ArchiveLimits, Budget
from .textscan import TextScanner, iter_blocks

__all__ = ["audit_file", "describe_error"]

_STREAM_FORMATS = ("gz", "bz2", "xz")


def audit_file(task: FileTask, config: AuditConfig) -> tuple[str | None, FileResult | None]:
    """Audit one file; `(error, None)` when it could not be audited at all."""
    started = time.perf_counter()
    try:
        result = _audit(task, config)
    except Exception as exc:  # the run goes on; the error is recorded against this file
        return _clean_error(describe_error(exc), config), None
    result.seconds = time.perf_counter() - started
    return None, result


def describe_error(exc: BaseException) -> str:
    """A one-line description that never quotes input: harguard messages are value-free by
    contract; anything else is named by its type only."""
    if isinstance(exc, HarguardError):
        return f"{type(exc).__name__}: {exc}"
    if isinstance(exc, OSError):
        return f"{type(exc).__name__}: {exc.strerror or 'I/O error'}"
    return f"internal error ({type(exc).__name__})"


_WITHHELD = "message withheld: it could not be sanitized"


def _clean(sanitizer: Sanitizer, text: str, *, name: str) -> str | None:
    """`text` sanitized, or None if even its sanitized form would hold a secret."""
    try:
        clean, _ = sanitizer.sanitize_text(text, name=name)
    except HarguardError:
        return None
    return clean


def _clean_error(error: str, config: AuditConfig) -> str:
    """An error message names what failed, and a member may be named after a token: sanitize it."""
    try:
        clean = _clean(sanitizer_for(config), error, name="error message")
    except Exception:  # the sanitizer cannot be built: keep the error class only
        clean = None
    if clean is not None:
        return clean
    cls, colon, _ = error.partition(":")
    return f"{cls}: {_WITHHELD}" if colon else error  # without a colon it is our own text


def _clean_result(result: FileResult, sanitizer: Sanitizer, key: bytes) -> None:
    """Archive member names and messages are input, stored in the inventory and shown in
    reports: they are sanitized here. The stored file's own path is kept (it finds the file)."""
    names: dict[str, str] = {}
    for member in result.members:
        if member.member:
            if member.member not in names:
                raw = member.member
                withheld = f"[member name withheld:{bytes_hash(raw.encode('utf-8', 'surrogateescape'), key)[:12]}]"
                names[raw] = _clean(sanitizer, raw, name="file name") or withheld
            member.member = names[member.member]
        if member.message:
            member.message = _clean(sanitizer, member.message, name="error message") or _WITHHELD
    if result.fix_error:
        result.fix_error = _clean(sanitizer, result.fix_error, name="error message") or _WITHHELD


def _audit(task: FileTask, config: AuditConfig) -> FileResult:
    info = os.lstat(task.path)
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{task.path}: not a regular file")
    name = os.path.basename(task.path)
    data: bytes | None = None
    with open(task.path, "rb") as handle:
        head = handle.read(SAMPLE_BYTES)
        kind = classify(name, head)
        utf8 = codec_of(head).encoding == "utf-8"  # UTF-16/32 logs are decoded whole, not streamed
        if sniff_container(head) is None and kind in ("text", "ndjson") and utf8:
            digest = content_hash(task.path, config.key)  # logs stream: hashed in a pass of their own
        else:  # read once: the same bytes are hashed and scanned
            data = _read_whole(handle, task.path, size=info.st_size, limits=config.limits)
            digest = bytes_hash(data, config.key)
    result = FileResult(path=task.path, size=info.st_size, mtime_ns=info.st_mtime_ns, hash=digest)
    if task.known_hash == digest:
        result.unchanged = True
        return result
    sanitizer = sanitizer_for(config)
    if data is None:
        _audit_text_stream(result, sanitizer, task=task, config=config, kind=kind)
    else:
        _audit_in_memory(result, sanitizer, data, config=config, fix=task.fix, name=name)
    _clean_result(result, sanitizer, config.key)
    return result


def _read_whole(handle: BinaryIO, path: str, *, size: int, limits: ArchiveLimits) -> bytes:
    """All of a file that is scanned in memory, refused beyond `limits.max_file_bytes`."""
    limit = limits.max_file_bytes
    if size > limit:
        raise LimitExceededError(f"{path}: {size} bytes exceeds the limit of {limit}")
    handle.seek(0)
    data = handle.read(limit + 1)
    if len(data) > limit:  # it grew since it was listed
        raise LimitExceededError(f"{path}: more than {limit} bytes, the limit")
    return data


def _audit_text_stream(
    result: FileResult, sanitizer: Sanitizer, *, task: FileTask, config: AuditConfig, kind: str
) -> None:
    """Logs can be far larger than memory: read, scan and (when fixing) write block by block."""
    scanner = TextScanner(sanitizer, name=task.path)
    writer = StagedWriter(task.path, key=config.key) if task.fix else None
    member = MemberResult(member="", kind=kind, size=result.size, mtime=result.mtime_ns / 1e9, status=Status.CLEAN)
    try:
        with open(task.path, "rb") as handle:
            for i, raw in enumerate(iter_blocks(handle, size=config.block_chars)):
                bom = b"\xef\xbb\xbf" if i == 0 and raw.startswith(b"\xef\xbb\xbf") else b""
                text = raw[len(bom) :].decode("utf-8", "surrogateescape")
                out = scanner.feed(text)
                if writer is not None and scanner.residual_lines:
                    # `out` is the raw block: it must never reach the staging file, which a
                    # killed run would leave behind. The file will not be fixed; keep scanning.
                    writer.discard()
                    writer = None
                if writer is not None:
                    writer.write(raw if out is text else bom + out.encode("utf-8", "surrogateescape"))
    except InputError as exc:
        if writer is not None:
            writer.discard()
        member.status, member.error, member.message = Status.ERROR, type(exc).__name__, str(exc)
        result.members.append(member)
        return
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
    _finish_text(member, scanner)
    result.members.append(member)
    if task.fix and scanner.residual_lines:
        result.fix_error = member.message
    if writer is None:
        return
    if scanner.changed and not scanner.residual_lines:
        result.staged, result.staged_hash, result.staged_size = writer.finish()
    else:
        writer.discard()


def _finish_text(member: MemberResult, scanner: TextScanner) -> None:
    member.findings = scanner.findings
    if scanner.findings:
        member.status = Status.FINDINGS
    if scanner.residual_lines:
        shown = ", ".join(str(n) for n in scanner.residual_lines[:10])
        member.status, member.error = Status.FINDINGS, "ResidualLeakError"
        member.message = f"lines {shown}: a secret would survive sanitizing; not fixed"


def _audit_in_memory(
    result: FileResult, sanitizer: Sanitizer, data: bytes, *, config: AuditConfig, fix: bool, name: str
) -> None:
    root = Node(name=name, member="", data=data, mtime=result.mtime_ns / 1e9)
    try:
        expand(root, Budget(config.limits))
    except InputError as exc:  # a bomb, or the stored file is a damaged archive
        kind = sniff_container(data) or "archive"
        result.members.append(
            MemberResult(
                member="",
                kind=kind,
                size=result.size,
                mtime=root.mtime,
                status=Status.ERROR,
                error=type(exc).__name__,
                message=str(exc),
            )
        )
        return
    result.members.extend(_results(root, sanitizer, config=config, fix=fix))
    if not fix or not result.findings:
        return
    refusal = next((m.message for m in result.members if m.error == "ResidualLeakError"), None)
    if refusal is not None:
        result.fix_error = refusal
        return
    try:
        new = rebuild(root)
    except StoreError as exc:
        result.fix_error = str(exc)
        return
    if new is not None and new != data:
        staged = stage_bytes(result.path, new, key=config.key)
        result.staged, result.staged_hash, result.staged_size = staged


def _results(
    node: Node, sanitizer: Sanitizer, *, config: AuditConfig, fix: bool, chain: str = ""
) -> list[MemberResult]:
    """One result per stored file or archive member; compression layers fold into the kind (`gz/text`)."""
    if node.format in _STREAM_FORMATS and node.children:
        inner = node.children[0]
        if inner.error is None:
            return _results(inner, sanitizer, config=config, fix=fix, chain=f"{chain}{node.format}/")
    if node.format is not None:
        members = [
            r
            for child in node.children
            if child.skipped != "directory"
            for r in _results(child, sanitizer, config=config, fix=fix)
        ]
        worst = Status.FINDINGS if any(m.findings for m in members) else Status.CLEAN
        if node.error is not None:
            worst = Status.ERROR
        own = MemberResult(
            member=node.member,
            kind=f"{chain}{node.format}",
            size=len(node.data),
            mtime=node.mtime,
            status=worst,
        )
        return [own, *members]
    member = _scan_leaf(node, sanitizer, config=config, fix=fix)
    member.kind = f"{chain}{member.kind}"
    return [member]


def _scan_leaf(node: Node, sanitizer: Sanitizer, *, config: AuditConfig, fix: bool) -> MemberResult:
    member = MemberResult(
        member=node.member, kind="unknown", size=len(node.data), mtime=node.mtime, status=Status.CLEAN
    )
    if node.skipped is not None:
        member.kind, member.status, member.message = (
            node.skipped,
            Status.SKIPPED,
            f"{node.skipped} member not scanned",
        )
        if node.skipped == "encrypted":
            member.status, member.error = Status.ERROR, "EncryptedMember"
        return member
    if node.error is not None:
        member.kind = sniff_container(node.data) or "unknown"
        member.status, member.error, member.message = Status.ERROR, type(node.error).__name__, str(node.error)
        return member
    member.kind = kind = classify(node.name, node.data[:SAMPLE_BYTES])
    if kind == "binary":
        member.status = Status.BINARY
    elif kind == "har":
        _scan_har(node, member, sanitizer, config=config, fix=fix)
    elif kind != "empty":
        _scan_text(node, member, sanitizer, config=config, whole=kind in ("json", "saml-tracer"))
    return member


def _scan_har(node: Node, member: MemberResult, sanitizer: Sanitizer, *, config: AuditConfig, fix: bool) -> None:
    label = node.member or node.name
    try:
        if fix:
            try:
                done = sanitizer.sanitize(node.data, name=label)
                report, node.output = done.report, done.data if done.report.findings else None
            except ResidualLeakError as exc:
                report = sanitizer.scan(node.data, name=label)
                member.error, member.message = "ResidualLeakError", str(exc)
        else:
            report = sanitizer.scan(node.data, name=label)
    except InputError as exc:
        # Damaged or not a HAR after all: its secrets are still there, so read it as text.
        member.error, member.message = type(exc).__name__, f"{exc} (scanned as text)"
        if classify(node.name + ".txt", node.data[:SAMPLE_BYTES]) == "binary":
            member.status = Status.ERROR
            return
        _scan_text(node, member, sanitizer, config=config, whole=True)
        return
    member.findings = [AuditFinding.of(f) for f in report.findings]
    member.context = dict(report.context)
    member.status = Status.FINDINGS if member.findings else Status.CLEAN


def _scan_text(node: Node, member: MemberResult, sanitizer: Sanitizer, *, config: AuditConfig, whole: bool) -> None:
    text, codec = decode_text(node.data)
    scanner = TextScanner(sanitizer, name=node.member or node.name)
    if whole and len(text) <= config.json_whole_chars:
        pieces = [scanner.feed(text)]
    else:
        pieces = [scanner.feed(block) for block in iter_blocks(io.StringIO(text), size=config.block_chars)]
    message = member.message
    _finish_text(member, scanner)
    if message and not scanner.residual_lines:
        member.message = message
    if scanner.changed and not scanner.residual_lines:
        node.output = encode_text("".join(pieces), codec)
