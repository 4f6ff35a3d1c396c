"""The pure-Python prefilter: literal search with `bytes.find`, runs anywhere (Pyodide too)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ._literals import Literals
from .catalogue import Rule

__all__ = ["PythonBackend", "occurrences"]


class PythonBackend:
    """Literal search with `bytes.find` over the lower-cased ASCII projection."""

    def __init__(self, literals: Literals, rules: Sequence[Rule]) -> None:
        self._lit = literals
        self._any = re.compile(b"|".join(re.escape(w) for w in sorted(set(literals.words), key=len, reverse=True)))
        self._patterns = {name: re.compile(p.encode(), re.ASCII) for name, p in literals.patterns.items()}

    def pattern_hints(self, projected: bytes) -> set[str]:
        return {name for name, pattern in self._patterns.items() if pattern.search(projected)}

    def present(self, projected: bytes) -> list[int]:
        lowered = projected.lower()
        if self._any.search(lowered) is None:
            return []
        return [i for i, w in enumerate(self._lit.words) if w in lowered]

    def scan_first(self, projected: bytes) -> tuple[list[int], list[int], set[str]]:
        return self.present(projected), list(self._lit.keywordless), self.pattern_hints(projected)

    def placements(self, projected: bytes) -> dict[int, list[int]] | None:
        """None: without hyperscan, keyword-less rules search the whole text."""
        return None

    def keyword_sightings(self, projected: bytes, ids: set[int]) -> dict[int, list[int]] | None:
        return None

    def gates_by_pattern(self, rule_index: int) -> bool:
        return False


def occurrences(projected: bytes, words: list[bytes], ids: set[int]) -> dict[int, list[int]]:
    """End offsets of every (overlapping) sighting of the chosen literals, by literal id.

    Plain `bytes.find` over the lower-cased projection: only the few literals of the candidate
    rules are looked for, so this beats a scan that reports every literal of the catalogue.
    """
    lowered = projected.lower()
    found: dict[int, list[int]] = {}
    for i in ids:
        word = words[i]
        ends = []
        at = lowered.find(word)
        while at >= 0:
            ends.append(at + len(word))
            at = lowered.find(word, at + 1)
        if ends:
            found[i] = ends
    return found
