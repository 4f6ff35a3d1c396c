"""The one pipeline: load → walk → decode → detect → redact → re-encode → residual scan.

`Sanitizer` wires the stages together once (rules compiled, positions loaded) and is reused
for every document; `harguard.sanitize()` and `harguard.scan()` are thin wrappers around a
default one. The CLI, the gateway, the audit and the watch all go through this class.

Output is produced entry by entry: each entry is serialised, checked by the residual scan
(critical value rules and every secret replaced anywhere in this run, in any spelling), fixed
up if a copy of a later-found secret is still in it, and then released, so memory stays near
the size of the parsed document.
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .detect.catalogue import Rule, builtin_rules
from .detect.engine import Engine
from .detect.known import KnownSecrets
from .detect.position import PII_KINDS, Positions, person_parents
from .errors import LimitExceededError, ResidualLeakError
from .har import _json
from .har.context import CaptureContext
from .har.load import LoadLimits, check_har, open_chunks
from .har.stream import DocumentStream, HarStream
from .har.walk import walk_entry, walk_log_fields
from .policy import Policy
from .redact.placeholders import PLACEHOLDER_PREFIX, Redactor
from .redact.scrubber import (
    HEADER_HINTS,
    HINT_PATTERNS,
    KEY_HINTS,
    SIGHTING_PATTERNS,
    CanaryMint,
    Limits,
    Scrubber,
    person_hint,
)
from .report.manifest import Report
from .types import Severity

__all__ = ["SanitizeResult", "Sanitizer", "Source"]

Progress = Callable[[int], None]
Source = bytes | str | os.PathLike[str] | Mapping[str, Any]
"""A HAR as file bytes (plain, gzip or zip), a path, or an already parsed document."""


@dataclass
class SanitizeResult:
    """A sanitized HAR: its bytes, its parsed document (on demand) and the report."""

    data: bytes
    report: Report

    @property
    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = _json.loads(self.data)
        return doc


class _Run:
    """The state of one document: its redactor, its findings and its scrubber."""

    def __init__(self, sanitizer: Sanitizer, source: str) -> None:
        self.report = Report(source=source, engine=sanitizer.engine.backend)
        self.redactor = Redactor(sanitizer.key)
        self.scrubber = Scrubber(
            engine=sanitizer.engine,
            positions=sanitizer.positions,
            policy=sanitizer.policy,
            redactor=self.redactor,
            limits=sanitizer.limits,
            on_finding=self.report.findings.append,
            canary=sanitizer.canary,
        )


class Sanitizer:
    """Sanitizes and scans HAR documents and text under one policy and one fingerprint key.

    Build one and reuse it: compiling the rules costs more than sanitizing a small file.
    Without a `key`, a random one is made per Sanitizer, so placeholders are stable within it
    but not across processes; pass the configured key for stable fingerprints.
    """

    def __init__(
        self,
        policy: Policy | None = None,
        *,
        key: bytes | None = None,
        engine: str = "auto",
        limits: Limits | None = None,
        load_limits: LoadLimits | None = None,
        canary: CanaryMint | None = None,
    ) -> None:
        self.policy = policy or Policy()
        self.canary = canary
        self.key = key if key is not None else secrets.token_bytes(32)
        if len(self.key) < 16:
            raise ValueError("the fingerprint key must be at least 16 bytes")
        # The policy switches value rules off here, once: no later step asks per match.
        self.rules: list[Rule] = [
            r
            for r in [*builtin_rules(), *self.policy.extra_rules]
            if r.id not in self.policy.disabled_rules
            and r.kind not in self.policy.disabled_kinds
            and (self.policy.pii or r.kind not in PII_KINDS)
        ]
        self.engine = _engine_for(tuple(self.rules), engine)
        # The residual scan asks one question of the whole output, so it gets an engine of the
        # critical rules alone: no hints, several times faster over the same bytes.
        critical = tuple(r for r in self.rules if r.severity is Severity.CRITICAL)
        self._residual_engine = _engine_for(critical, engine, hints=False) if critical else None
        self.positions = Positions(self.policy)
        self.limits = limits or Limits()
        self.load_limits = load_limits or LoadLimits()

    def __repr__(self) -> str:
        return f"<Sanitizer engine={self.engine.backend} rules={len(self.rules)}>"

    # -- public entry points ---------------------------------------------------------------
    def sanitize(self, source: Source, *, name: str | None = None) -> SanitizeResult:
        """Sanitize one HAR; raise an InputError or ResidualLeakError instead of a bad output."""
        buffer = io.BytesIO()
        report = self.sanitize_to(source, buffer, name=name)
        return SanitizeResult(data=buffer.getvalue(), report=report)

    def sanitize_to(
        self, source: Source, out: IO[bytes], *, name: str | None = None, progress: Progress | None = None
    ) -> Report:
        """Sanitize one HAR, writing the output to `out` as it goes. On an error some output may
        have been written: give a temporary file (`har.write.atomic_output`) or a buffer.
        `progress(bytes_read)` is called as the input is read (for a progress bar)."""
        run, stream, chunks = self._scrub(source, name, progress)
        run.report.output_bytes = self._write(run, stream, chunks, out)
        run.report.sanitized = True
        return run.report

    def scan(self, source: Source, *, name: str | None = None, progress: Progress | None = None) -> Report:
        """Find everything `sanitize` would remove, without producing an output."""
        run, stream, chunks = self._scrub(source, name, progress)
        known = KnownSecrets(run.redactor.propagating(), backend=self.engine.backend)
        run.scrubber.known = known
        for i, chunk in enumerate(chunks):
            self._fixed_up(run, chunk, i, known, indent=stream.indent)
        return run.report

    def sanitize_text(self, text: str, *, name: str = "text") -> tuple[str, Report]:
        """Sanitize a log or any text that is not a HAR: its layers and the value rules."""
        run = _Run(self, name)
        run.report.input_bytes = len(text.encode("utf-8", "surrogatepass"))
        new = run.scrubber.text(text, loc="text")
        known = KnownSecrets(run.redactor.propagating(), backend=self.engine.backend)
        if known.present(new):
            run.scrubber.known = known
            new = run.scrubber.text(new, loc="text")
        self._check_residual(new, run, known, where=name)
        run.report.output_bytes = len(new.encode("utf-8", "surrogatepass"))
        run.report.sanitized = True
        return new, run.report

    # -- stages ----------------------------------------------------------------------------
    def _open(self, source: Source, name: str | None) -> HarStream | DocumentStream:
        """An entry stream over the source: a file or bytes (plain, gzip, one-member zip) are
        read incrementally; a parsed document is copied first (the caller's stays untouched)."""
        if isinstance(source, (Mapping, list)):
            copy = _json.loads(_json.dumps(source))
            check_har(copy, name=name or "document", limits=self.load_limits)
            return DocumentStream(copy, name=name or "document")
        if isinstance(source, (bytes, bytearray, memoryview)):
            label = name or "input"
            chunks = open_chunks(bytes(source), name=label, limits=self.load_limits)
        else:
            label = name or str(source)
            chunks = open_chunks(Path(source), name=label, limits=self.load_limits)
        return HarStream(chunks, name=label, limits=self.load_limits)

    def _scrub(
        self, source: Source, name: str | None, progress: Progress | None = None
    ) -> tuple[_Run, HarStream | DocumentStream, list[bytes]]:
        """Read and scrub every entry; keep each as its serialised bytes (about the size of the
        output, never the parsed input) until the secrets of the whole file are known."""
        stream = self._open(source, name)
        run = _Run(self, stream.name)
        context = CaptureContext()
        chunks: list[bytes] = []
        try:
            with _json.gc_paused():
                for i, entry in enumerate(stream.entries()):
                    walk_entry(run.scrubber, entry, i)
                    context.add_entry(entry)
                    chunks.append(_json.dumps(entry, indent=stream.indent))
                    if progress is not None:
                        progress(stream.input_bytes)
            stream.log.pop("_harguard", None)
            walk_log_fields(run.scrubber, stream.log)
        except LimitExceededError as exc:
            raise LimitExceededError(run.scrubber.location(str(exc))) from None  # its location names data
        run.report.notes.extend(stream.notes)
        run.report.input_bytes = stream.input_bytes
        run.report.entries = len(chunks)
        run.report.context = context.as_dict()
        return run, stream, chunks

    def _write(self, run: _Run, stream: HarStream | DocumentStream, chunks: list[bytes], out: IO[bytes]) -> int:
        """Write the output: what comes before the entries, each entry (fixed up if a copy of a
        secret found later is in it, checked by the residual scan, then released), the rest of
        `log` with the manifest last."""
        known = KnownSecrets(run.redactor.propagating(), backend=self.engine.backend)
        run.scrubber.known = known
        indent = stream.indent
        frame = _json.dumps(stream.frame(_ENTRIES_MARK), indent=indent)
        cut = frame.index(_ENTRIES_MARK_JSON)
        head, tail = frame[:cut], frame[cut + len(_ENTRIES_MARK_JSON) :]
        self._check_residual(head, run, known, where="log")
        written = _write(out, head + b"[")
        for i in range(len(chunks)):
            original = chunks[i]
            chunk = self._fixed_up(run, original, i, known, indent=indent)
            chunks[i] = b""
            # An unchanged chunk was just found free of known secrets by `_fixed_up`.
            self._check_residual(chunk, run, known if chunk is not original else None, where=f"entries[{i}]")
            if indent:  # entries sit three levels deep: log → entries → item
                chunk = (b"\n      " if i == 0 else b",\n      ") + chunk.replace(b"\n", b"\n      ")
            elif i:
                chunk = b"," + chunk
            written += _write(out, chunk)
        closing = b"\n    ]" if indent and chunks else b"]"
        ending = closing + _with_manifest(tail, run.report.manifest(), indent=indent)
        self._check_residual(ending, run, known, where="log")  # the manifest included
        return written + _write(out, ending)

    def _fixed_up(self, run: _Run, chunk: bytes, index: int, known: KnownSecrets, *, indent: bool) -> bytes:
        """A copy of a secret found later in the file: scrub the entry again, now it is known."""
        if not known.present(chunk):
            return chunk
        entry = _json.loads(chunk)
        walk_entry(run.scrubber, entry, index)
        return _json.dumps(entry, indent=indent)

    def _check_residual(self, output: str | bytes, run: _Run, known: KnownSecrets | None, *, where: str) -> None:
        """Fail closed if the output still holds a critical finding or a known secret."""
        if known is not None and any(run.redactor.is_critical(secret) for secret in known.present(output)):
            raise ResidualLeakError(f"{where}: a redacted credential is still present in another spelling")
        if self._residual_engine is None:
            return
        hits = self._residual_engine.hits(output)
        if not hits.rules:
            return  # the usual case, decided on the bytes without decoding them
        text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
        for match in self._residual_engine.find(text, hits):  # hits from the bytes: the same or more
            rule = match.rule
            if text[match.start : match.end] in self.policy.allow_values:
                continue
            if text.startswith(PLACEHOLDER_PREFIX, match.end):
                continue  # the readable part of a partially redacted value (a JWT's header and claims)
            raise ResidualLeakError(f"{where}: the output still holds a {rule.kind} ({rule.id})")


_ENTRIES_MARK = "\x00harguard:entries\x00"
_ENTRIES_MARK_JSON = b'"\\u0000harguard:entries\\u0000"'

_ENGINES: dict[tuple[tuple[int, ...], str, bool], Engine] = {}


def _engine_for(rules: tuple[Rule, ...], backend: str, *, hints: bool = True) -> Engine:
    """Engines are immutable and costly to build (pattern analysis, hyperscan databases), so
    Sanitizers with the same rules share one."""
    key = (tuple(id(rule) for rule in rules), backend, hints)
    found = _ENGINES.get(key)
    if found is None:
        if hints:
            patterns = {**HINT_PATTERNS, "person": person_hint(person_parents())}
            found = Engine(rules, hints={"key": KEY_HINTS, "headers": HEADER_HINTS}, hint_patterns=patterns,
                           sighting_patterns=SIGHTING_PATTERNS, backend=backend)  # fmt: skip
        else:
            found = Engine(rules, backend=backend)
        if len(_ENGINES) < 32:
            _ENGINES[key] = found
    return found


def _write(out: IO[bytes], data: bytes) -> int:
    out.write(data)
    return len(data)


def _with_manifest(tail: bytes, manifest: dict[str, Any], *, indent: bool) -> bytes:
    """Insert `"_harguard": manifest` as the last member of `log` (the tail ends `…}}`)."""
    body = tail.rstrip()
    document_close = body.rindex(b"}")
    before = body[:document_close].rstrip()
    log_close = before.rindex(b"}")
    inner = before[:log_close].rstrip()
    if not indent:
        return inner + b',"_harguard":' + _json.dumps(manifest) + before[log_close:] + body[document_close:]
    rendered = _json.dumps(manifest, indent=True).replace(b"\n", b"\n    ")
    return inner + b',\n    "_harguard": ' + rendered + b"\n  }\n}\n"
