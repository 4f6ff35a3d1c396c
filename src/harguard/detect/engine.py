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

import hashlib
import os
import re
import re._parser as sre_parse  # type: ignore[import-not-found]
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..types import Severity
from ._hyperscan import scan as hs_scan
from .catalogue import Rule

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised by the pure-Python test run
    hyperscan = None  # type: ignore[assignment]

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


def _leading_literal(pattern: str) -> str:
    """The literal text every match of `pattern` starts with ('' if there is none)."""
    out: list[str] = []

    def walk(items: object) -> bool:
        for op, arg in items:  # type: ignore[attr-defined]
            name = str(op)
            if name in ("AT", "ASSERT", "ASSERT_NOT") and not out:
                continue
            if name == "SUBPATTERN":
                if not walk(arg[3]):
                    return False
                continue
            if name == "LITERAL":
                out.append(chr(arg))
                continue
            return False
        return True

    try:
        walk(sre_parse.parse(pattern, re.ASCII))
    except re.error:
        return ""
    return "".join(out)


def _anchor(rule: Rule) -> tuple[str, int] | None:
    """A keyword every match contains at a bounded distance from its start, and that distance.

    When the pattern's top-level items before a literal keyword have a bounded width (`\\b`,
    a scheme of up to 21 characters before `://`), a match can only begin within that many
    characters before a sighting: a few anchored attempts replace a scan of a wide window.
    """
    try:
        items = list(sre_parse.parse(rule.pattern, re.ASCII))
    except re.error:
        return None
    while len(items) == 1 and str(items[0][0]) == "SUBPATTERN":
        items = list(items[0][1][3])
    offset = 0
    for index, (op, arg) in enumerate(items):
        if str(op) == "LITERAL":
            literal = _literal_prefix(items[index:]).lower()
            for keyword in sorted(rule.keywords, key=len, reverse=True):
                if literal.startswith(keyword):
                    return keyword, offset
        if str(op) == "SUBPATTERN" and offset == 0:
            lead = _leading_literal(rule.pattern).lower()
            for keyword in sorted(rule.keywords, key=len, reverse=True):
                if lead.startswith(keyword):
                    return keyword, 0
            return None
        high = sre_parse.SubPattern(sre_parse.State(), [(op, arg)]).getwidth()[1]
        offset += int(high)
        if offset > 64:
            return None
    return None


def _literal_prefix(items: list[tuple[object, object]]) -> str:
    out = []
    for op, arg in items:
        if str(op) != "LITERAL":
            break
        out.append(chr(arg))  # type: ignore[arg-type]
    return "".join(out)


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

    def scan_first(self, projected: bytes) -> tuple[list[int], list[int], set[str]]:
        return self.present(projected), list(self._lit.keywordless), self.pattern_hints(projected)

    def placements(self, projected: bytes) -> dict[int, list[int]] | None:
        """None: without hyperscan, keyword-less rules search the whole text."""
        return None

    def keyword_sightings(self, projected: bytes, ids: set[int]) -> dict[int, list[int]] | None:
        return None

    def gates_by_pattern(self, rule_index: int) -> bool:
        return False


def _occurrences(projected: bytes, words: list[bytes], ids: set[int]) -> dict[int, list[int]]:
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


class _HyperscanBackend:
    """One database that stops at the first sighting of each literal (the cheap question), and
    one that places the possible matches of keyword-less rules."""

    def __init__(self, literals: _Literals, rules: Sequence[Rule]) -> None:
        assert hyperscan is not None
        self._lit = literals
        caseless = hyperscan.HS_FLAG_CASELESS
        single = hyperscan.HS_FLAG_SINGLEMATCH
        prefilter = hyperscan.HS_FLAG_PREFILTER | single
        # The cheap question is asked with each rule's own pattern (in prefilter mode, a superset
        # of what `re` will match), which names far fewer candidates than its keywords would; a
        # rule whose pattern hyperscan cannot compile falls back to its keywords.
        keyed = {i for i, rule in enumerate(rules) if rule.keywords}
        try:
            self._build_first(literals, rules, keyed)
        except hyperscan.error:
            self._build_first(literals, rules, {i for i in keyed if _compiles(rules[i].pattern, prefilter)})
        keyword_ids = [i for i, owners in enumerate(literals.rules_of) if owners]
        self._keyword_ids = keyword_ids
        keyword_words = [re.escape(literals.words[i]) for i in keyword_ids]
        self._every = _compile(keyword_words, [caseless] * len(keyword_words)) if keyword_words else None
        # Keyword-less rules (card numbers, IBANs) are placed by their own prefilter patterns.
        self._placing = list(literals.keywordless)
        placing = [for_hyperscan(rules[i].pattern) for i in self._placing]
        self._place = _compile(placing, [hyperscan.HS_FLAG_PREFILTER] * len(placing)) if placing else None

    def _build_first(self, literals: _Literals, rules: Sequence[Rule], by_pattern: set[int]) -> None:
        assert hyperscan is not None
        single = hyperscan.HS_FLAG_SINGLEMATCH
        prefilter = hyperscan.HS_FLAG_PREFILTER | single
        self._targets: list[tuple[str, int | str]] = []
        expressions: list[bytes] = []
        flags: list[int] = []
        for literal_id, word in enumerate(literals.words):
            owners = literals.rules_of[literal_id]
            if literals.hint_of[literal_id] is not None or any(o not in by_pattern for o in owners):
                self._targets.append(("literal", literal_id))
                expressions.append(re.escape(word))
                flags.append(hyperscan.HS_FLAG_CASELESS | single)
        for rule_index in sorted(by_pattern | set(literals.keywordless)):
            self._targets.append(("rule", rule_index))
            expressions.append(for_hyperscan(rules[rule_index].pattern))
            flags.append(prefilter)
        for name, pattern in literals.patterns.items():
            self._targets.append(("hint", name))
            expressions.append(pattern.encode())
            flags.append(prefilter)
        self._first = _compile(expressions, flags)
        self._by_pattern = by_pattern

    def placements(self, projected: bytes) -> dict[int, list[int]] | None:
        """End offsets of possible matches of each keyword-less rule (by rule index)."""
        if self._place is None:
            return {}
        found: dict[int, list[int]] = defaultdict(list)
        hs_scan(self._place, projected, _collect_end, found)
        return {self._placing[i]: ends for i, ends in found.items()}

    def _first_ids(self, projected: bytes) -> list[int]:
        seen: list[int] = []
        hs_scan(self._first, projected, _collect_id, seen)
        return seen

    def keyword_sightings(self, projected: bytes, ids: set[int]) -> dict[int, list[int]] | None:
        """Every sighting of the rule keywords (all of them, in one scan), by literal id."""
        if self._every is None:
            return {}
        found: dict[int, list[int]] = defaultdict(list)
        hs_scan(self._every, projected, _collect_end, found)
        return {self._keyword_ids[i]: ends for i, ends in found.items() if self._keyword_ids[i] in ids}

    def scan_first(self, projected: bytes) -> tuple[list[int], list[int], set[str]]:
        """Literals present, rules whose pattern may match, pattern hints: in one pass."""
        literal_ids: list[int] = []
        rule_ids: list[int] = []
        hints: set[str] = set()
        for i in self._first_ids(projected):
            kind, target = self._targets[i]
            if kind == "literal":
                literal_ids.append(target)  # type: ignore[arg-type]
            elif kind == "rule":
                rule_ids.append(target)  # type: ignore[arg-type]
            else:
                hints.add(target)  # type: ignore[arg-type]
        return literal_ids, rule_ids, hints

    def gates_by_pattern(self, rule_index: int) -> bool:
        return rule_index in self._by_pattern


def _compiles(pattern: str, flags: int) -> bool:
    assert hyperscan is not None
    try:
        _compile([for_hyperscan(pattern)], [flags])
    except hyperscan.error:
        return False
    return True


_WIDE_REPEAT = re.compile(r"(?<!\\)\{(\d+),(\d+)\}")


def for_hyperscan(pattern: str) -> bytes:
    """The pattern as hyperscan compiles it: large bounded repeats (`{10,4096}`) become open
    (`{10,}`). That only widens a prefilter (still a superset of what `re` matches) and turns a
    three-second compile into milliseconds."""
    return _WIDE_REPEAT.sub(lambda m: f"{{{m.group(1)},}}" if int(m.group(2)) >= 64 else m.group(0), pattern).encode()


_DATABASES: dict[str, object] = {}


def _compile(expressions: list[bytes], flags: list[int]) -> object:
    """Compile (or reuse) a block-mode database; compiled databases are cached in the process
    and on disk (`$XDG_CACHE_HOME/harguard`), since the catalogue compiles in about a second."""
    assert hyperscan is not None
    digest = hashlib.sha256(repr((expressions, flags, getattr(hyperscan, "__version__", ""))).encode()).hexdigest()[:32]
    found = _DATABASES.get(digest)
    if found is not None:
        return found
    cache = _cache_dir() / f"hs-{digest}.db"
    database = None
    try:
        database = hyperscan.loadb(cache.read_bytes(), hyperscan.HS_MODE_BLOCK)
    except (OSError, hyperscan.error, TypeError, ValueError):
        database = None
    if database is None:
        database = hyperscan.Database()
        database.compile(expressions=expressions, ids=list(range(len(expressions))),
                         elements=len(expressions), flags=flags)  # fmt: skip
        _store(cache, hyperscan.dumpb(database))
    _DATABASES[digest] = database
    return database


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "harguard"


def _store(path: Path, data: bytes) -> None:
    """Best effort: a cache that cannot be written is only slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass


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
        self._widths = [_width(r) for r in self.rules]
        self._anchors = [_anchor(r) for r in self.rules]
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
        self._rule_literals: list[set[int]] = [set() for _ in self.rules]
        for literal_id, owners in enumerate(self._literals.rules_of):
            for rule_index in owners:
                self._rule_literals[rule_index].add(literal_id)
        self._index = {id(rule): i for i, rule in enumerate(self.rules)}
        self._sighting_names = list(sighting_patterns or {})
        self._sightings_db = None
        if backend == "hyperscan" and self._sighting_names:
            patterns = [p.encode() for p in (sighting_patterns or {}).values()]
            self._sightings_db = _compile(patterns, [0] * len(patterns))

    def hits(self, text: str | bytes) -> Hits:
        """Candidate rules and hint groups for `text`; empty means no rule can match.

        UTF-8 bytes may be given for this question (not for `find`): their non-ASCII bytes
        behave like the projection's `?`, so the candidates are the same or more."""
        if not text:
            return _NO_HITS
        projected = text if isinstance(text, bytes) else _project(text)
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
        projected = _project(text)
        wanted = {self._index[id(r)] for r in hits.rules}
        literal_ids: set[int] = set().union(*(self._rule_literals[i] for i in wanted))
        sightings = self._impl.keyword_sightings(projected, literal_ids)
        if sightings is None:
            sightings = _occurrences(projected, self._literals.words, literal_ids)
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
        hs_scan(self._sightings_db, _project(text), _collect_end, found)
        return sorted(set(found.get(self._sighting_names.index(name), [])))

    def hint_sightings(self, text: str, hint: str) -> list[tuple[int, int]]:
        """Where the words of one hint group occur in `text`, as (start, end) spans."""
        ids = self._hint_ids.get(hint, set())
        sightings = _occurrences(_project(text), self._literals.words, ids)
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
