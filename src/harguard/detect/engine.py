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

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..types import Severity
from ._analysis import anchor, width
from ._hyperscan import HyperscanBackend, collect_end, compile_database, scan
from ._literals import Literals, project
from ._python import PythonBackend, occurrences
from .catalogue import Rule

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised by the pure-Python test run
    hyperscan = None  # type: ignore[assignment]

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


class Engine:
    """Runs a rule set over texts: `hits()` for the cheap question, `find()` for exact spans."""

    def __init__(
        self,
        rules: Sequence[Rule],
        *,
        hints: Mapping[str, Sequence[str]] | None = None,
        hint_patterns: Mapping[str, str] | None = None,
        sighting_patterns: Mapping[str, str] | None = None,
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
        self._widths = [width(r) for r in self.rules]
        self._anchors = [anchor(r) for r in self.rules]
        self._literals = Literals(self.rules, dict(hints or {}), dict(hint_patterns or {}))
        self._impl: PythonBackend | HyperscanBackend
        if backend == "hyperscan":
            self._impl = HyperscanBackend(self._literals, self.rules)
        else:
            self._impl = PythonBackend(self._literals, self.rules)
        self._hint_ids: dict[str, set[int]] = defaultdict(set)
        for i, hint in enumerate(self._literals.hint_of):
            if hint is not None:
                self._hint_ids[hint].add(i)
        self._rule_literals: list[set[int]] = [set() for _ in self.rules]
        for literal_id, owners in enumerate(self._literals.rules_of):
            for rule_index in owners:
                self._rule_literals[rule_index].add(literal_id)
        self._index = {id(rule): i for i, rule in enumerate(self.rules)}
        self._sighting_names = list(sighting_patterns or {})
        self._sightings_db = None
        if backend == "hyperscan" and self._sighting_names:
            patterns = [p.encode() for p in (sighting_patterns or {}).values()]
            self._sightings_db = compile_database(patterns, [0] * len(patterns))

    def hits(self, text: str | bytes) -> Hits:
        """Candidate rules and hint groups for `text`; empty means no rule can match.

        UTF-8 bytes may be given for this question (not for `find`): their non-ASCII bytes
        behave like the projection's `?`, so the candidates are the same or more."""
        if not text:
            return _NO_HITS
        projected = text if isinstance(text, bytes) else project(text)
        literal_ids, pattern_rules, hints = self._impl.scan_first(projected)
        rule_ids = set(pattern_rules)
        for i in literal_ids:
            rule_ids.update(r for r in self._literals.rules_of[i] if not self._impl.gates_by_pattern(r))
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
        projected = project(text)
        wanted = {self._index[id(r)] for r in hits.rules}
        literal_ids: set[int] = set().union(*(self._rule_literals[i] for i in wanted))
        sightings = self._impl.keyword_sightings(projected, literal_ids)
        if sightings is None:
            sightings = occurrences(projected, self._literals.words, literal_ids)
        ends_by_rule: dict[int, list[tuple[int, int]]] = defaultdict(list)
        starts_by_rule: dict[int, list[int]] = defaultdict(list)
        for literal_id, ends in sightings.items():
            word = self._literals.words[literal_id]
            size = len(word)
            for rule_index in self._literals.rules_of[literal_id]:
                if rule_index not in wanted:
                    continue
                anchor = self._anchors[rule_index]
                if anchor is None:
                    ends_by_rule[rule_index].extend((end - size, end) for end in ends)
                elif anchor[0].encode() == word:
                    # Matches begin at most anchor[1] characters before a sighting.
                    starts_by_rule[rule_index].extend(end - size for end in ends)
        found: list[ValueMatch] = []
        placements = self._impl.placements(projected) if any(not r.keywords for r in hits.rules) else {}
        for rule_index in sorted(wanted):
            rule = self.rules[rule_index]
            if not rule.keywords:
                if placements is None:
                    found.extend(ValueMatch(rule, s, e) for s, e in rule.matches(text))
                elif rule_index in placements:
                    placed = [(end, end) for end in placements[rule_index]]
                    windows = _windows(placed, self._widths[rule_index] + 8, len(text))
                    found.extend(ValueMatch(rule, s, e) for s, e in rule.matches_in(text, windows))
            elif rule_index in starts_by_rule:
                starts = sorted(set(starts_by_rule[rule_index]))
                lead = self._anchors[rule_index][1]  # type: ignore[index]
                found.extend(ValueMatch(rule, s, e) for s, e in rule.matches_at(text, starts, lead))
            elif rule_index in ends_by_rule:
                windows = _windows(ends_by_rule[rule_index], self._widths[rule_index], len(text))
                found.extend(ValueMatch(rule, s, e) for s, e in rule.matches_in(text, windows))
        found.sort(key=lambda m: (m.start, -m.end))
        return found

    def pattern_ends(self, text: str, name: str) -> list[int] | None:
        """End offsets of a named sighting pattern (hyperscan only; None means: find them another
        way, as the pure-Python backend has no fast multi-literal regex)."""
        if self._sightings_db is None:
            return None
        found: dict[int, list[int]] = defaultdict(list)
        scan(self._sightings_db, project(text), collect_end, found)
        return sorted(set(found.get(self._sighting_names.index(name), [])))

    def hint_sightings(self, text: str, hint: str) -> list[tuple[int, int]]:
        """Where the words of one hint group occur in `text`, as (start, end) spans."""
        ids = self._hint_ids.get(hint, set())
        sightings = occurrences(project(text), self._literals.words, ids)
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
