"""Find copies of secrets already known in this run, in any spelling.

A session cookie found by position may also sit, URL-encoded, in an analytics parameter
(`utmcc=__utma%3D…`), JSON-escaped in a script, or HTML-escaped in an attribute. Each known
secret becomes a pattern that accepts every one of those spellings character by character, so
the propagation pass and the residual scan find it however it was written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised by the pure-Python test run
    hyperscan = None  # type: ignore[assignment]

from ._hyperscan import collect_id
from ._hyperscan import scan as hs_scan

__all__ = ["KnownSecrets", "spelling_pattern"]

_UNRESERVED = frozenset("-._~")
_MIN_ANCHOR = 4
_NAMED_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def _hex_either_case(byte: int) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in f"{byte:02X}")


def _char_alternatives(ch: str) -> list[str]:
    alts = [re.escape(ch)]
    encoded = ch.encode("utf-8", "surrogatepass")
    alts.append("".join("%" + _hex_either_case(b) for b in encoded))
    code = ord(ch)
    if code < 0x10000:
        alts.append(r"\\u" + "".join(_hex_either_case(b) for b in code.to_bytes(2, "big")))
    alts.append(f"&#{code};")
    alts.append(f"&#[xX]0*{code:x};")
    if ch in _NAMED_ENTITIES:
        alts.append(re.escape(_NAMED_ENTITIES[ch]))
    if ch == " ":
        alts.append(r"\+")
    if ch in '/"\\':
        alts.append(re.escape("\\" + ch))
    return alts


def spelling_pattern(secret: str) -> str:
    """A regex matching `secret` raw, percent-, JSON- or HTML-encoded, or any mix of these."""
    parts = []
    for ch in secret:
        if ch.isascii() and (ch.isalnum() or ch in _UNRESERVED):
            parts.append(re.escape(ch))
        else:
            parts.append("(?:" + "|".join(_char_alternatives(ch)) + ")")
    return "".join(parts)


_RUN = re.compile(r"[A-Za-z0-9._~-]+")


def _anchors(secrets: list[str]) -> list[tuple[str, str]]:
    """(anchor, secret): each secret's run of characters that no encoding changes, the rarest
    among the secrets and then the longest (10,000 emails share `example.com`, not `jane.doe`)."""
    runs = {s: _RUN.findall(s) for s in secrets}
    frequency = Counter(run for found in runs.values() for run in set(found) if len(run) >= _MIN_ANCHOR)
    anchored = []
    for secret, found in runs.items():
        usable = [run for run in found if len(run) >= _MIN_ANCHOR]
        if usable:
            anchor = min(usable, key=lambda run: (frequency[run], -len(run)))
        else:
            anchor = max(found, key=len) if found else ""
        anchored.append((anchor, secret))
    return anchored


class KnownSecrets:
    """A matcher over a fixed set of secrets (value → replacement)."""

    def __init__(self, secrets: Mapping[str, str], *, backend: str = "auto") -> None:
        self._secrets = list(secrets)
        self._replacements = dict(secrets)
        self._patterns: dict[str, re.Pattern[str]] = {}
        self._anchors = _anchors(self._secrets)
        if backend == "auto":
            backend = "hyperscan" if hyperscan is not None else "python"
        self.backend = backend
        self._db = None
        # Hyperscan looks for each secret's anchor (its longest run of characters that no
        # encoding changes) as a plain literal: complete, quick to compile for thousands of
        # secrets; `present` confirms the candidates with the whole spelling pattern in `re`.
        self._unanchored = [s for anchor, s in self._anchors if len(anchor) < _MIN_ANCHOR]
        anchored = [(anchor, s) for anchor, s in self._anchors if len(anchor) >= _MIN_ANCHOR]
        self._by_anchor: dict[str, list[str]] = {}
        for anchor, secret in anchored:
            self._by_anchor.setdefault(anchor, []).append(secret)
        self._anchor_list = list(self._by_anchor)
        if backend == "hyperscan" and anchored:
            self._db = _compile_literals([anchor.encode() for anchor in self._anchor_list])

    def __len__(self) -> int:
        return len(self._secrets)

    def __repr__(self) -> str:
        return f"<KnownSecrets {len(self._secrets)} secrets>"

    def replacement(self, secret: str) -> str:
        return self._replacements[secret]

    def _pattern(self, secret: str) -> re.Pattern[str]:
        found = self._patterns.get(secret)
        if found is None:
            found = self._patterns[secret] = re.compile(spelling_pattern(secret))
        return found

    def present(self, text: str | bytes) -> list[str]:
        """The secrets that occur in `text` in any spelling."""
        if not self._secrets or not text:
            return []
        if self._db is None:
            decoded = text if isinstance(text, str) else text.decode("utf-8", "replace")
            return [s for anchor, s in self._anchors if anchor in decoded and self._pattern(s).search(decoded)]
        data = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
        ids: list[int] = []
        hs_scan(self._db, data, collect_id, ids)
        candidates = [s for i in sorted(set(ids)) for s in self._by_anchor[self._anchor_list[i]]]
        candidates += self._unanchored
        if not candidates:
            return []
        decoded = text if isinstance(text, str) else text.decode("utf-8", "replace")
        return [s for s in candidates if self._pattern(s).search(decoded)]

    def spans(self, text: str, secrets: list[str] | None = None) -> list[tuple[int, int, str]]:
        """Non-overlapping spans of known secrets in `text`, longest secrets first."""
        candidates = self.present(text) if secrets is None else secrets
        taken: list[tuple[int, int, str]] = []
        for secret in sorted(candidates, key=len, reverse=True):
            for m in self._pattern(secret).finditer(text):
                if all(m.end() <= s or m.start() >= e for s, e, _ in taken):
                    taken.append((m.start(), m.end(), secret))
        taken.sort()
        return taken


def _compile_literals(expressions: list[bytes]) -> object:
    """Compiled per run and never cached: unlike the rule databases, this one is derived from
    the run's secrets, so it must not reach the disk cache."""
    database = hyperscan.Database()
    database.compile(
        expressions=expressions,
        ids=list(range(len(expressions))),
        elements=len(expressions),
        flags=[hyperscan.HS_FLAG_SINGLEMATCH] * len(expressions),
        literal=True,
    )
    return database
