"""The hyperscan prefilter: compiled (and cached) databases, and scans safe from several threads.

A hyperscan database is immutable and shared, but its scratch space may serve one scan at a
time: the gateway sanitizes uploads in a thread pool, so each thread gets its own scratch for
each database, created on first use.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ._literals import Literals
from .catalogue import Rule

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised by the pure-Python test run
    hyperscan = None  # type: ignore[assignment]

__all__ = ["HyperscanBackend", "collect_end", "compile_database", "for_hyperscan", "scan"]

_local = threading.local()


def scan(database: Any, data: bytes, handler: Callable[..., Any], context: Any) -> None:
    """Scan `data` with `database` using this thread's scratch for it."""
    scratches: dict[int, tuple[Any, Any]] = _local.__dict__.setdefault("scratches", {})
    held = scratches.get(id(database))
    if held is None or held[0] is not database:
        held = (database, hyperscan.Scratch(database))
        scratches[id(database)] = held
    database.scan(data, match_event_handler=handler, context=context, scratch=held[1])


class HyperscanBackend:
    """One database that stops at the first sighting of each literal (the cheap question), and
    one that places the possible matches of keyword-less rules."""

    def __init__(self, literals: Literals, rules: Sequence[Rule]) -> None:
        assert hyperscan is not None
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
        self._every = compile_database(keyword_words, [caseless] * len(keyword_words)) if keyword_words else None
        # Keyword-less rules (card numbers, IBANs) are placed by their own prefilter patterns.
        self._placing = list(literals.keywordless)
        placing = [for_hyperscan(rules[i].pattern) for i in self._placing]
        self._place = compile_database(placing, [hyperscan.HS_FLAG_PREFILTER] * len(placing)) if placing else None

    def _build_first(self, literals: Literals, rules: Sequence[Rule], by_pattern: set[int]) -> None:
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
        self._first = compile_database(expressions, flags)
        self._by_pattern = by_pattern

    def placements(self, projected: bytes) -> dict[int, list[int]] | None:
        """End offsets of possible matches of each keyword-less rule (by rule index)."""
        if self._place is None:
            return {}
        found: dict[int, list[int]] = defaultdict(list)
        scan(self._place, projected, collect_end, found)
        return {self._placing[i]: ends for i, ends in found.items()}

    def _first_ids(self, projected: bytes) -> list[int]:
        seen: list[int] = []
        scan(self._first, projected, collect_id, seen)
        return seen

    def keyword_sightings(self, projected: bytes, ids: set[int]) -> dict[int, list[int]] | None:
        """Every sighting of the rule keywords (all of them, in one scan), by literal id."""
        if self._every is None:
            return {}
        found: dict[int, list[int]] = defaultdict(list)
        scan(self._every, projected, collect_end, found)
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
        compile_database([for_hyperscan(pattern)], [flags])
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


def compile_database(expressions: list[bytes], flags: list[int]) -> object:
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


def collect_id(expression_id: int, start: int, end: int, flags: int, context: list[int]) -> None:
    context.append(expression_id)


def collect_end(expression_id: int, start: int, end: int, flags: int, context: dict[int, list[int]]) -> None:
    context[expression_id].append(end)
