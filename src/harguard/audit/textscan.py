"""Scan text (logs, NDJSON, JSON, SAML-tracer exports) in blocks of lines, and say where each finding is.

Why blocks: `Sanitizer.sanitize_text` costs about 50 µs per call on top of its per-byte cost,
so calling it once per line would make a log of millions of lines crawl; one call per ~64 KiB
of whole lines keeps the per-byte speed, and the core sees multi-line context (a PEM key is
never split between blocks). Why not bigger: the cost of applying many edits grows faster than
linearly with the edits in one call.

Lines: the core reports locations (`text/kv:password`), not offsets. A block without findings
is done. Otherwise the lines that changed between input and output are the lines that held a
secret; with one changed line, every finding is on it; with several, each changed line is
scanned alone and findings are matched to it by fingerprint (rule and kind first), and what is
left (context that spans lines) goes to the line holding its placeholder, or to the first
changed line that got nothing else.
"""

from __future__ import annotations

import difflib
from collections import defaultdict, deque
from collections.abc import Iterator
from typing import IO, AnyStr

from ..errors import LimitExceededError, ResidualLeakError
from ..pipeline import Sanitizer
from ..types import Finding
from .model import AuditFinding

__all__ = ["BLOCK_CHARS", "MAX_LINE_CHARS", "TextScanner", "iter_blocks"]

BLOCK_CHARS = 64 * 1024
MAX_LINE_CHARS = 64 * 2**20
_PEM_EXTENSION = 1 << 20  # how far a block may grow to keep a PEM block whole


def iter_blocks(stream: IO[AnyStr], *, size: int = BLOCK_CHARS) -> Iterator[AnyStr]:
    """Blocks of whole lines, about `size` long; a PEM block is never cut in two."""
    while True:
        block = stream.read(size)
        if not block:
            return
        newline, begin, end = _markers(block)
        if not block.endswith(newline):
            block += _rest_of_line(stream, newline)
        grown = 0
        while block.rfind(begin) > block.rfind(end) and grown < _PEM_EXTENSION:
            line = _rest_of_line(stream, newline)
            if not line:
                break
            block += line
            grown += len(line)
        yield block


def _markers(sample: AnyStr) -> tuple[AnyStr, AnyStr, AnyStr]:
    if isinstance(sample, bytes):
        return b"\n", b"-----BEGIN", b"-----END"
    return "\n", "-----BEGIN", "-----END"


def _rest_of_line(stream: IO[AnyStr], newline: AnyStr) -> AnyStr:
    rest = stream.readline(MAX_LINE_CHARS)
    if len(rest) >= MAX_LINE_CHARS and not rest.endswith(newline):
        raise LimitExceededError(f"a line longer than {MAX_LINE_CHARS} characters")
    return rest


class TextScanner:
    """Feeds blocks of one text through the sanitizer, keeping line numbers and findings."""

    def __init__(self, sanitizer: Sanitizer, *, name: str) -> None:
        self.sanitizer = sanitizer
        self.name = name
        self.line = 1
        self.findings: list[AuditFinding] = []
        self.residual_lines: list[int] = []
        self.changed = False

    def __repr__(self) -> str:
        return f"<TextScanner {self.name!r} line={self.line} findings={len(self.findings)}>"

    def feed(self, block: str) -> str:
        """Scan one block of whole lines; return its sanitized text (the block itself if clean).

        A block that cannot be sanitized is returned as it is, and always adds to
        `residual_lines`: callers must check it before they write what this returns."""
        first = self.line
        self.line += block.count("\n")
        try:
            out, report = self.sanitizer.sanitize_text(block, name=self.name)
        except ResidualLeakError:
            self._scan_lines_alone(block, first)
            return block
        if not report.findings:
            return block
        self.changed = self.changed or out != block
        self.findings.extend(self._attribute(block, out, report.findings, first))
        return out

    def _scan_lines_alone(self, block: str, first: int) -> None:
        """The block's output would still hold a secret: find what can be found line by line,
        and remember the lines that cannot be sanitized (the file will not be fixed)."""
        known = len(self.residual_lines)
        for i, line in enumerate(block.splitlines(keepends=True)):
            try:
                _, report = self.sanitizer.sanitize_text(line, name=self.name)
            except ResidualLeakError:
                self.residual_lines.append(first + i)
                continue
            self.findings.extend(AuditFinding.of(f, line=first + i) for f in report.findings)
        if len(self.residual_lines) == known:  # only the lines together leak (a secret spanning lines)
            self.residual_lines.append(first)

    def _attribute(self, block: str, out: str, findings: list[Finding], first: int) -> list[AuditFinding]:
        in_lines = block.splitlines(keepends=True)
        out_lines = out.splitlines(keepends=True)
        changed, out_to_in = _changed_lines(in_lines, out_lines)
        if len(changed) <= 1:
            line = first + (changed[0] if changed else 0)
            return [AuditFinding.of(f, line=line) for f in findings]
        exact: dict[tuple[str, str, str], deque[int]] = defaultdict(deque)
        by_print: dict[str, list[int]] = defaultdict(list)
        for i in changed:
            try:
                _, alone = self.sanitizer.sanitize_text(in_lines[i], name=self.name)
            except ResidualLeakError:
                continue
            for f in alone.findings:
                exact[(f.fingerprint, f.rule, f.kind)].append(i)
                by_print[f.fingerprint].append(i)
        placed: list[AuditFinding] = []
        left: list[Finding] = []
        used: set[int] = set()
        for f in findings:
            queue = exact.get((f.fingerprint, f.rule, f.kind))
            index = queue.popleft() if queue else (by_print[f.fingerprint][0] if by_print.get(f.fingerprint) else None)
            if index is None:
                left.append(f)
                continue
            used.add(index)
            placed.append(AuditFinding.of(f, line=first + index))
        spare = [i for i in changed if i not in used] or changed
        for f in left:
            index = _placeholder_line(f, out_lines, out_to_in)
            placed.append(AuditFinding.of(f, line=first + (index if index is not None else spare[0])))
        return placed


def _changed_lines(in_lines: list[str], out_lines: list[str]) -> tuple[list[int], dict[int, int]]:
    """Input lines the sanitizer changed, and which input line each output line came from."""
    if len(in_lines) == len(out_lines):
        changed = [i for i, (a, b) in enumerate(zip(in_lines, out_lines, strict=True)) if a != b]
        return changed, {i: i for i in range(len(out_lines))}
    # A redacted value spanned lines (a PEM key): align the two texts.
    matcher = difflib.SequenceMatcher(None, in_lines, out_lines, autojunk=False)
    changed = []
    out_to_in: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for j in range(j1, j2):
            out_to_in[j] = min(i1 + (j - j1), max(i2 - 1, i1))
        if tag != "equal":
            changed.extend(range(i1, max(i2, i1 + 1)))
    return sorted(set(i for i in changed if i < len(in_lines))), out_to_in


def _placeholder_line(finding: Finding, out_lines: list[str], out_to_in: dict[int, int]) -> int | None:
    short = f":{finding.fingerprint[:12]}]"
    for j, line in enumerate(out_lines):
        if short in line:
            return out_to_in.get(j)
    return None
