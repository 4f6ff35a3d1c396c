"""The value-rule engine: which rules could match a text, then exactly where they do.

Two steps, as in noseyparker: a fast prefilter names the *candidate* rules for a text (rule
keywords as caseless literals, plus the patterns of the few keyword-less rules), then Python's
`re` runs only those candidates and gives the exact capture spans. The prefilter has two
backends behind one interface, chosen at import time: hyperscan (one compiled database,
hundreds of MB/s) and a pure-Python one (keyword search) that runs anywhere, Pyodide included.
Both only ever *add* candidates, and the final spans always come from `re`, so the two backends
report identical findings; the tests check that they do.

Besides rule keywords the engine also answers for named groups of extra literals ("hints"),
such as the words that make a key name sensitive, so one pass over a body answers both
"could a value rule match?" and "is there a key worth parsing this for?".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .catalogue import Rule

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised by the pure-Python test run
    hyperscan = None

__all__ = ["HAVE_HYPERSCAN", "Engine", "Hits", "ValueMatch"]

HAVE_HYPERSCAN = hyperscan is not None


@dataclass(frozen=True, slots=True)
class ValueMatch:
    """A rule matched `text[start:end]` (the capture group, i.e. the secret itself)."""

    rule: Rule
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Hits:
    """What the prefilter saw in one text: candidate rules and hint groups present."""

    rules: tuple[Rule, ...]
    hints: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.rules) or bool(self.hints)


_NO_HITS = Hits((), frozenset())


class _PythonPrefilter:
    """Keyword search with `str` methods: a quick "any literal at all?" regex, then `in` checks."""

    def __init__(self, rules: Sequence[Rule], hints: Mapping[str, Sequence[str]]) -> None:
        literals = {k for r in rules for k in r.keywords} | {w for ws in hints.values() for w in ws}
        self._any = re.compile("|".join(re.escape(w) for w in sorted(literals, key=len, reverse=True)),
                               re.IGNORECASE | re.ASCII) if literals else None  # fmt: skip
        self._by_keyword: dict[str, list[int]] = {}
        self._always: list[int] = []
        for i, rule in enumerate(rules):
            if not rule.keywords:
                self._always.append(i)
            for k in rule.keywords:
                self._by_keyword.setdefault(k, []).append(i)
        self._hints = {name: tuple(w.lower() for w in words) for name, words in hints.items()}

    def scan(self, text: str) -> tuple[set[int], set[str]]:
        rules = set(self._always)
        if self._any is None or self._any.search(text) is None:
            return rules, set()
        lowered = text.lower()
        for keyword, ids in self._by_keyword.items():
            if keyword in lowered:
                rules.update(ids)
        hints = {name for name, words in self._hints.items() if any(w in lowered for w in words)}
        return rules, hints


class _HyperscanPrefilter:
    """All keywords and hint words as caseless literals, keyword-less rules as prefilter regexes."""

    def __init__(self, rules: Sequence[Rule], hints: Mapping[str, Sequence[str]]) -> None:
        assert hyperscan is not None
        expressions: list[bytes] = []
        flags: list[int] = []
        self._targets: list[tuple[tuple[int, ...], str | None]] = []
        literal_flags = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SINGLEMATCH
        by_keyword: dict[str, list[int]] = {}
        for i, rule in enumerate(rules):
            for k in rule.keywords:
                by_keyword.setdefault(k, []).append(i)
            if not rule.keywords:
                expressions.append(rule.pattern.encode())
                flags.append(hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH)
                self._targets.append(((i,), None))
        for keyword, ids in by_keyword.items():
            expressions.append(re.escape(keyword).encode())
            flags.append(literal_flags)
            self._targets.append((tuple(ids), None))
        for name, words in hints.items():
            for word in words:
                expressions.append(re.escape(word).encode())
                flags.append(literal_flags)
                self._targets.append(((), name))
        self._db = hyperscan.Database()
        self._db.compile(expressions=expressions, ids=list(range(len(expressions))),
                         elements=len(expressions), flags=flags)  # fmt: skip
        self._scratch = hyperscan.Scratch(self._db)

    def scan(self, text: str) -> tuple[set[int], set[str]]:
        seen: list[int] = []
        self._db.scan(text.encode("utf-8", "replace"), match_event_handler=_collect, context=seen,
                      scratch=self._scratch)  # fmt: skip
        rules: set[int] = set()
        hints: set[str] = set()
        for expression_id in seen:
            ids, hint = self._targets[expression_id]
            rules.update(ids)
            if hint is not None:
                hints.add(hint)
        return rules, hints


def _collect(expression_id: int, start: int, end: int, flags: int, context: list[int]) -> None:
    context.append(expression_id)


class Engine:
    """Runs a rule set over texts: `hits()` for the cheap question, `find()` for exact spans."""

    def __init__(
        self,
        rules: Sequence[Rule],
        *,
        hints: Mapping[str, Sequence[str]] | None = None,
        backend: str = "auto",
    ) -> None:
        if backend == "auto":
            backend = "hyperscan" if HAVE_HYPERSCAN else "python"
        if backend not in ("hyperscan", "python"):
            raise ValueError(f"unknown engine backend {backend!r}")
        if backend == "hyperscan" and not HAVE_HYPERSCAN:
            raise ValueError("the hyperscan backend is not installed")
        self.backend = backend
        self.rules = tuple(rules)
        hint_words = dict(hints or {})
        self._prefilter: _PythonPrefilter | _HyperscanPrefilter
        if backend == "hyperscan":
            self._prefilter = _HyperscanPrefilter(self.rules, hint_words)
        else:
            self._prefilter = _PythonPrefilter(self.rules, hint_words)

    def hits(self, text: str) -> Hits:
        """Candidate rules and hint groups for `text`; empty means nothing can match."""
        if not text:
            return _NO_HITS
        rule_ids, hints = self._prefilter.scan(text)
        if not rule_ids and not hints:
            return _NO_HITS
        return Hits(tuple(self.rules[i] for i in sorted(rule_ids)), frozenset(hints))

    def find(self, text: str, hits: Hits | None = None) -> list[ValueMatch]:
        """Exact matches of the candidate rules, in text order."""
        if hits is None:
            hits = self.hits(text)
        found = [ValueMatch(rule, start, end) for rule in hits.rules for start, end in rule.matches(text)]
        found.sort(key=lambda m: (m.start, -m.end))
        return found
