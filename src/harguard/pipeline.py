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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .detect.catalogue import Rule, builtin_rules
from .detect.engine import Engine
from .detect.known import KnownSecrets
from .detect.position import Positions
from .errors import InputError, NotHARError, ResidualLeakError
from .har import _json
from .har.context import CaptureContext
from .har.load import LoadLimits, check_har, load_har, unpack
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
)
from .report.manifest import Report
from .types import Severity

__all__ = ["SanitizeResult", "Sanitizer", "Source"]

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
        self.rules: list[Rule] = [
            r for r in [*builtin_rules(), *self.policy.extra_rules] if r.id not in self.policy.disabled_rules
        ]
        self.engine = _engine_for(tuple(self.rules), engine)
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

    def sanitize_to(self, source: Source, out: IO[bytes], *, name: str | None = None) -> Report:
        """Sanitize one HAR, writing the output to `out` (nothing is written on error... by
        the callers that use a temporary file; see har.write.write_atomic)."""
        document, indent, report_name, notes, size = self._load(source, name)
        run = _Run(self, report_name)
        run.report.notes.extend(notes)
        run.report.input_bytes = size
        self._process(run, document)
        written = self._write(run, document, out, indent=indent)
        run.report.output_bytes = written
        run.report.sanitized = True
        return run.report

    def scan(self, source: Source, *, name: str | None = None) -> Report:
        """Find everything `sanitize` would remove, without producing an output."""
        document, _, report_name, notes, size = self._load(source, name)
        run = _Run(self, report_name)
        run.report.notes.extend(notes)
        run.report.input_bytes = size
        self._process(run, document)
        known = KnownSecrets(run.redactor.propagating(), backend=self.engine.backend)
        if known:
            run.scrubber.known = known
            for i, entry in enumerate(document["log"]["entries"]):
                if known.present(_json.dumps(entry)):
                    walk_entry(run.scrubber, entry, i)
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
    def _load(self, source: Source, name: str | None) -> tuple[dict[str, Any], bool, str, list[str], int]:
        if isinstance(source, (Mapping, list)):
            copy = _json.loads(_json.dumps(source))  # a private copy: never mutate the caller's
            check_har(copy, name=name or "document", limits=self.load_limits)
            return copy, True, name or "document", [], 0
        if isinstance(source, (bytes, bytearray, memoryview)):
            data, label = bytes(source), name or "input"
        else:
            path = Path(source)
            label = name or str(path)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise InputError(f"{label}: cannot read ({exc.strerror})") from None
        documents = unpack(data, name=label, limits=self.load_limits)
        if len(documents) != 1:
            raise NotHARError(
                f"{label}: the archive holds {len(documents)} files, not one HAR (the CLI takes archives)"
            )
        member_name, member = documents[0]
        loaded = load_har(member, name=member_name, limits=self.load_limits)
        return loaded.document, loaded.indent, member_name, loaded.notes, len(data)

    def _process(self, run: _Run, document: dict[str, Any]) -> None:
        log = document["log"]
        log.pop("_harguard", None)
        walk_log_fields(run.scrubber, log)
        entries = log["entries"]
        context = CaptureContext()
        with _json.gc_paused():
            for i, entry in enumerate(entries):
                entries[i] = walk_entry(run.scrubber, entry, i)
                context.add_entry(entries[i])
        run.report.entries = len(entries)
        run.report.context = context.as_dict()

    def _write(self, run: _Run, document: dict[str, Any], out: IO[bytes], *, indent: bool) -> int:
        """Stream the output: everything before the entries, each entry (checked by the residual
        scan, then released), the rest of `log` with the manifest last. The caller writes to a
        temporary file (or a buffer) that only becomes the output if this returns."""
        known = KnownSecrets(run.redactor.propagating(), backend=self.engine.backend)
        run.scrubber.known = known
        log = document["log"]
        entries = log["entries"]
        log["entries"] = []
        frame = _json.dumps(document, indent=indent)
        marker = b'"entries": []' if indent else b'"entries":[]'
        cut = frame.index(marker) + len(marker) - 1
        head, tail = frame[:cut], frame[cut:]
        self._check_residual(head.decode("utf-8", "replace"), run, known, where="log")
        self._check_residual(tail.decode("utf-8", "replace"), run, known, where="log")
        written = _write(out, head)
        for i, entry in enumerate(entries):
            chunk = self._entry_chunk(run, entry, i, known, indent=indent)
            if indent:  # entries sit three levels deep: log → entries → item
                chunk = (b"\n      " if i == 0 else b",\n      ") + chunk.replace(b"\n", b"\n      ")
            elif i:
                chunk = b"," + chunk
            written += _write(out, chunk)
            entries[i] = None
        if indent and entries:
            tail = b"\n    " + tail
        return written + _write(out, _with_manifest(tail, run.report.manifest(), indent=indent))

    def _entry_chunk(self, run: _Run, entry: Any, index: int, known: KnownSecrets, *, indent: bool) -> bytes:
        chunk = _json.dumps(entry, indent=indent)
        if known.present(chunk):
            # A copy of a secret found later in the file: scrub again, now that it is known.
            walk_entry(run.scrubber, entry, index)
            chunk = _json.dumps(entry, indent=indent)
        self._check_residual(chunk.decode("utf-8", "replace"), run, known, where=f"entries[{index}]")
        return chunk

    def _check_residual(self, text: str, run: _Run, known: KnownSecrets, *, where: str) -> None:
        """Fail closed if the output still holds a critical finding or a known secret."""
        if any(run.redactor.is_critical(secret) for secret in known.present(text)):
            raise ResidualLeakError(f"{where}: a redacted credential is still present in another spelling")
        for match in self.engine.find(text, only=Severity.CRITICAL):
            rule = match.rule
            if rule.kind in self.policy.disabled_kinds:
                continue
            if text[match.start : match.end] in self.policy.allow_values:
                continue
            if text.startswith(PLACEHOLDER_PREFIX, match.end):
                continue  # the readable part of a partially redacted value (a JWT's header and claims)
            raise ResidualLeakError(f"{where}: the output still holds a {rule.kind} ({rule.id})")


_ENGINES: dict[tuple[tuple[int, ...], str], Engine] = {}


def _engine_for(rules: tuple[Rule, ...], backend: str) -> Engine:
    """Engines are immutable and costly to build (pattern analysis, hyperscan databases), so
    Sanitizers with the same rules share one."""
    key = (tuple(id(rule) for rule in rules), backend)
    found = _ENGINES.get(key)
    if found is None:
        found = Engine(rules, hints={"key": KEY_HINTS, "headers": HEADER_HINTS}, hint_patterns=HINT_PATTERNS,
                       sighting_patterns=SIGHTING_PATTERNS, backend=backend)  # fmt: skip
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
