"""The literals the engine looks for: rule keywords and hint words, with their owners."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from .catalogue import Rule

__all__ = ["Literals", "project"]


def project(text: str) -> bytes:
    return text.encode("ascii", "replace")


class Literals:
    """Every literal (rule keywords and hint words) with an id, and which rules/hints own it;
    plus the hint patterns (regular expressions that answer a yes/no question)."""

    def __init__(self, rules: Sequence[Rule], hints: Mapping[str, Sequence[str]], patterns: Mapping[str, str]) -> None:
        self.patterns = dict(patterns)
        self.words: list[bytes] = []
        self.rules_of: list[tuple[int, ...]] = []
        self.hint_of: list[str | None] = []
        by_word: dict[bytes, list[int]] = defaultdict(list)
        for i, rule in enumerate(rules):
            for k in rule.keywords:
                by_word[k.encode("ascii")].append(i)
        for keyword, ids in by_word.items():
            self._add(keyword, tuple(ids), None)
        for name, hint_words in hints.items():
            for hint_word in hint_words:
                self._add(hint_word.lower().encode("ascii"), (), name)
        self.keywordless = tuple(i for i, r in enumerate(rules) if not r.keywords)

    def _add(self, word: bytes, rules: tuple[int, ...], hint: str | None) -> None:
        self.words.append(word)
        self.rules_of.append(rules)
        self.hint_of.append(hint)
