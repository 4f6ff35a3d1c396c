"""The value-rule engine: which rules could match a text, then exactly where they do.

Two steps, as in noseyparker: a fast prefilter names the *candidate* rules for a text (rule
keywords as caseless literals, plus the patterns of the few keyword-less rules), then Python's
`re` runs only those candidates, and only in windows around the places where a keyword occurs
(every match contains one of its rule's keywords; the rule linter checks this on the examples).
So the cost of the exact step grows with the number of keyword sightings, not with the size of
a 5 MB script bundle.

The prefilter has two backends behind one interface, chosen at import time: hyperscan (one
compiled database, hundreds of MB/s) and a pure-Python one (`bytes.find`) that runs anywhere,
Pyodide included. Both find the same keyword occurrences, hence the same windows, and the spans
always come from `re`, so the two backends report identical findings; the tests check it.

Texts are projected to ASCII (`encode("ascii", "replace")`) before literal search: keywords are
ASCII, the projection keeps character offsets, and under `re.ASCII` a non-ASCII character and
`?` behave alike for every construct the rules use.

Besides rule keywords the engine answers for named groups of extra literals ("hints"), such as
the words that make a key name sensitive, so one pass over a body answers both "could a value
rule match?" and "is there a key worth a look, and where?".
"""

from __future__ import annotations

import re
import re._parser as sre_parse
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..types import Severity
from .catalogue import Rule

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised by the pure-Python test run
    hyperscan = None

__all__ = ["HAVE_HYPERSCAN", "Engine", "Hits", "ValueMatch"]

HAVE_HYPERSCAN = hyperscan is not None
_MAX_WINDOW = 65536


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


def _project(text: str) -> bytes:
    return text.encode("ascii", "replace")


def _width(rule: Rule) -> int:
    """The longest text a rule can match (capped), which sizes its search windows."""
    try:
        high = sre_parse.parse(rule.pattern, re.ASCII).getwidth()[1]
    except (re.error, OverflowError):
        return _MAX_WINDOW
    return min(int(high), _MAX_WINDOW)


class _Literals:
    """Every literal (rule keywords and hint words) with an id, and which rules/hints own it;
    plus the hint patterns (regular expressions that answer a yes/no question)."""

    def __init__(
        self, rules: Sequence[Rule], hints: Mapping[str, Sequence[str]], patterns: Mapping[str, str]
    ) -> None:
        self.patterns = dict(patterns)
        self.words: list[bytes] = []
        self.rules_of: list[tuple[int, ...]] = []
        self.hint_of: list[str | None] = []
        by_word: dict[bytes, list[int]] = defaultdict(list)
        for i, rule in enumerate(rules):
            for k in rule.keywords:
                by_word[k.encode("ascii")].append(i)
        for word, ids in by_word.items():
            self._add(word, tuple(ids), None)
        for name, words in hints.items():
            for word in words:
                self._add(word.lower().encode("ascii"), (), name)
        self.keywordless = tuple(i for i, r in enumerate(rules) if not r.keywords)

    def _add(self, word: bytes, rules: tuple[int, ...], hint: str | None) -> None:
        self.words.append(word)
        self.rules_of.append(rules)
        self.hint_of.append(hint)


class _PythonBackend:
    """Literal search with `bytes.find` over the lower-cased ASCII projection."""

    def __init__(self, literals: _Literals, rules: Sequence[Rule]) -> None:
        self._lit = literals
        self._rules = rules
        self._any = re.compile(b"|".join(re.escape(w) for w in sorted(set(literals.words), key=len, reverse=True)))
        self._patterns = {name: re.compile(p.encode(), re.ASCII) for name, p in literals.patterns.items()}

    def pattern_hints(self, projected: bytes) -> set[str]:
        return {name for name, pattern in self._patterns.items() if pattern.search(projected)}

    def present(self, projected: bytes) -> list[int]:
        lowered = projected.lower()
        if self._any.search(lowered) is None:
            return []
        return [i for i, w in enumerate(self._lit.words) if w in lowered]

    def occurrences(self, projected: bytes, ids: set[int]) -> dict[int, list[int]]:
        lowered = projected.lower()
        found: dict[int, list[int]] = {}
        for i in ids:
            word = self._lit.words[i]
            ends = []
            at = lowered.find(word)
            while at >= 0:
                ends.append(at + len(word))
                at = lowered.find(word, at + 1)
            if ends:
                found[i] = ends
        return found

    def scan_first(self, projected: bytes) -> tuple[list[int], list[int], set[str]]:
        return self.present(projected), list(self._lit.keywordless), self.pattern_hints(projected)

    def placements(self, projected: bytes) -> dict[int, list[int]] | None:
        """None: without hyperscan, keyword-less rules search the whole text."""
        return None


class _HyperscanBackend:
    """Two databases: one that stops at the first sighting of each literal (the cheap question),
    one that reports every sighting (to place the windows)."""

    def __init__(self, literals: _Literals, rules: Sequence[Rule]) -> None:
        assert hyperscan is not None
        self._lit = literals
        caseless = hyperscan.HS_FLAG_CASELESS
        single = hyperscan.HS_FLAG_SINGLEMATCH
        expressions = [re.escape(w) for w in literals.words]
        flags = [caseless | single] * len(expressions)
        self._keywordless_ids: dict[int, int] = {}
        for rule_index in literals.keywordless:
            self._keywordless_ids[len(expressions)] = rule_index
            expressions.append(rules[rule_index].pattern.encode())
            flags.append(hyperscan.HS_FLAG_PREFILTER | single)
        self._pattern_ids: dict[int, str] = {}
        for name, pattern in literals.patterns.items():
            self._pattern_ids[len(expressions)] = name
            expressions.append(pattern.encode())
            flags.append(hyperscan.HS_FLAG_PREFILTER | single)
        self._first = _compile(expressions, flags)
        self._first_scratch = hyperscan.Scratch(self._first)
        words = [re.escape(w) for w in literals.words]
        self._all = _compile(words, [caseless] * len(words)) if words else None
        self._all_scratch = hyperscan.Scratch(self._all) if self._all is not None else None
        self._literal_count = len(literals.words)
        # Keyword-less rules (card numbers, IBANs) are placed by their own prefilter patterns.
        self._placing = list(literals.keywordless)
        placing = [rules[i].pattern.encode() for i in self._placing]
        self._place = _compile(placing, [hyperscan.HS_FLAG_PREFILTER] * len(placing)) if placing else None
        self._place_scratch = hyperscan.Scratch(self._place) if self._place is not None else None

    def placements(self, projected: bytes) -> dict[int, list[int]] | None:
        """End offsets of possible matches of each keyword-less rule (by rule index)."""
        if self._place is None:
            return {}
        found: dict[int, list[int]] = defaultdict(list)
        self._place.scan(projected, match_event_handler=_collect_end, context=found, scratch=self._place_scratch)
        return {self._placing[i]: ends for i, ends in found.items()}

    def _first_ids(self, projected: bytes) -> list[int]:
        seen: list[int] = []
        self._first.scan(projected, match_event_handler=_collect_id, context=seen, scratch=self._first_scratch)
        return seen

    def occurrences(self, projected: bytes, ids: set[int]) -> dict[int, list[int]]:
        if self._all is None:
            return {}
        found: dict[int, list[int]] = defaultdict(list)
        self._all.scan(projected, match_event_handler=_collect_end, context=found, scratch=self._all_scratch)
        return {i: ends for i, ends in found.items() if i in ids}

    def scan_first(self, projected: bytes) -> tuple[list[int], list[int], set[str]]:
        """Literals present, keyword-less rules that may match, pattern hints: in one pass."""
        literal_ids: list[int] = []
        keywordless: list[int] = []
        patterns: set[str] = set()
        for i in self._first_ids(projected):
            if i < self._literal_count:
                literal_ids.append(i)
            elif i in self._keywordless_ids:
                keywordless.append(self._keywordless_ids[i])
            else:
                patterns.add(self._pattern_ids[i])
        return literal_ids, keywordless, patterns


def _compile(expressions: list[bytes], flags: list[int]) -> object:
    assert hyperscan is not None
    database = hyperscan.Database()
    database.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions),
                     flags=flags)  # fmt: skip
    return database


def _collect_id(expression_id: int, start: int, end: int, flags: int, context: list[int]) -> None:
    context.append(expression_id)


def _collect_end(expression_id: int, start: int, end: int, flags: int, context: dict[int, list[int]]) -> None:
    context[expression_id].append(end)


class Engine:
    """Runs a rule set over texts: `hits()` for the cheap question, `find()` for exact spans."""

    def __init__(
        self,
        rules: Sequence[Rule],
        *,
        hints: Mapping[str, Sequence[str]] | None = None,
        hint_patterns: Mapping[str, str] | None = None,
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
        self._widths = [_width(r) for r in self.rules]
        self._literals = _Literals(self.rules, dict(hints or {}), dict(hint_patterns or {}))
        self._impl: _PythonBackend | _HyperscanBackend
        if backend == "hyperscan":
            self._impl = _HyperscanBackend(self._literals, self.rules)
        else:
            self._impl = _PythonBackend(self._literals, self.rules)
        self._hint_ids: dict[str, set[int]] = defaultdict(set)
        for i, hint in enumerate(self._literals.hint_of):
            if hint is not None:
                self._hint_ids[hint].add(i)

    def hits(self, text: str) -> Hits:
        """Candidate rules and hint groups for `text`; empty means no rule can match."""
        if not text:
            return _NO_HITS
        projected = _project(text)
        literal_ids, keywordless, hints = self._impl.scan_first(projected)
        rule_ids = set(keywordless)
        for i in literal_ids:
            rule_ids.update(self._literals.rules_of[i])
            hint = self._literals.hint_of[i]
            if hint is not None:
                hints.add(hint)
        if not rule_ids and not hints:
            return _NO_HITS
        return Hits(tuple(self.rules[i] for i in sorted(rule_ids)), frozenset(hints))

    def find(self, text: str, hits: Hits | None = None, *, only: Severity | None = None) -> list[ValueMatch]:
        """Exact matches of the candidate rules (optionally only those of one severity)."""
        if hits is None:
            hits = self.hits(text)
        if only is not None:
            hits = Hits(tuple(r for r in hits.rules if r.severity is only), hits.hints)
        if not hits.rules:
            return []
        projected = _project(text)
        wanted = {self.rules.index(r) for r in hits.rules}
        literal_ids = {i for i, owners in enumerate(self._literals.rules_of) if not wanted.isdisjoint(owners)}
        sightings = self._impl.occurrences(projected, literal_ids)
        ends_by_rule: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for literal_id, ends in sightings.items():
            size = len(self._literals.words[literal_id])
            for rule_index in self._literals.rules_of[literal_id]:
                if rule_index in wanted:
                    ends_by_rule[rule_index].extend((end - size, end) for end in ends)
        found: list[ValueMatch] = []
        placements = self._impl.placements(projected) if any(not r.keywords for r in hits.rules) else {}
        for rule_index in sorted(wanted):
            rule = self.rules[rule_index]
            if not rule.keywords:
                if placements is None:
                    found.extend(ValueMatch(rule, s, e) for s, e in rule.matches(text))
                elif rule_index in placements:
                    ends = [(end, end) for end in placements[rule_index]]
                    windows = _windows(ends, self._widths[rule_index] + 8, len(text))
                    found.extend(ValueMatch(rule, s, e) for s, e in rule.matches_in(text, windows))
            elif rule_index in ends_by_rule:
                windows = _windows(ends_by_rule[rule_index], self._widths[rule_index], len(text))
                found.extend(ValueMatch(rule, s, e) for s, e in rule.matches_in(text, windows))
        found.sort(key=lambda m: (m.start, -m.end))
        return found

    def hint_sightings(self, text: str, hint: str) -> list[tuple[int, int]]:
        """Where the words of one hint group occur in `text`, as (start, end) spans."""
        ids = self._hint_ids.get(hint, set())
        sightings = self._impl.occurrences(_project(text), ids)
        spans = [(end - len(self._literals.words[i]), end) for i, ends in sightings.items() for end in ends]
        spans.sort()
        return spans


def _windows(sightings: list[tuple[int, int]], width: int, length: int) -> list[tuple[int, int]]:
    """Merged search windows: a match containing a keyword lies within `width` of it."""
    spans = sorted((max(0, start - width), min(length, end + width)) for start, end in sightings)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
