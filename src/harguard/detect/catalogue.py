"""Value rules: load them from TOML data files and lint them.

A rule is data (one file per family under `detect/rules/`), in the shape noseyparker made
popular: an id, a kind, a severity, literal keywords, one regular expression whose single
capture group is the secret, an optional validator, and positive and negative examples that
the tests (and `harguard rules check`) run. TOML, because `tomllib` is in the standard library
and the rules must load where nothing else is installed (Pyodide).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..errors import PolicyError
from ..types import Severity
from .validators import VALIDATORS

__all__ = ["Rule", "builtin_rules", "lint_rules", "load_rule_file", "parse_rules"]

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$")
_KIND = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KEYS = {
    "id", "name", "kind", "severity", "keywords", "pattern", "validator", "references",
    "examples", "negative_examples", "known_misses", "description",
}  # fmt: skip


@dataclass(frozen=True, eq=False)
class Rule:
    """One value rule. `regex` is compiled with re.ASCII so both engines agree on \\b and \\w."""

    id: str
    name: str
    kind: str
    severity: Severity
    keywords: tuple[str, ...]
    pattern: str
    validator: str | None = None
    references: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    negative_examples: tuple[str, ...] = ()
    known_misses: tuple[str, ...] = ()
    regex: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        try:
            compiled = re.compile(self.pattern, re.ASCII)
        except re.error as exc:
            raise PolicyError(f"rule {self.id}: pattern does not compile ({exc.msg})") from None
        if compiled.groups != 1:
            raise PolicyError(f"rule {self.id}: pattern needs exactly one capture group")
        object.__setattr__(self, "regex", compiled)

    @property
    def version(self) -> str:
        """A short hash of the pattern, so a report says which version of a rule fired."""
        return hashlib.sha256(self.pattern.encode()).hexdigest()[:8]

    def matches(self, text: str) -> list[tuple[int, int]]:
        """Spans of the secret (the capture group) in `text` that pass the validator."""
        return self.matches_in(text, [(0, len(text))])

    def matches_at(self, text: str, sightings: Iterable[int], lead: int = 0) -> list[tuple[int, int]]:
        """Matches that begin at most `lead` characters before a keyword sighting (sorted starts):
        for rules whose matches begin at, or just before, a keyword, so each sighting costs a few
        anchored attempts instead of a scan of a wide window."""
        check = VALIDATORS[self.validator] if self.validator else None
        spans = []
        last_end = -1
        match = self.regex.match
        for sighting in sightings:
            for at in range(max(last_end, sighting - lead, 0), sighting + 1):
                m = match(text, at)
                if m is None:
                    continue
                start, end = m.span(1)
                if start < 0 or start == end:
                    continue
                last_end = m.end()
                if check is None or check(m.group(1)):
                    spans.append((start, end))
                break
        return spans

    def matches_in(self, text: str, windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """Like `matches`, searching only inside `windows` (sorted, disjoint spans of `text`).

        A window's end is not the end of the text: a match that touches it is confirmed
        against the whole text, so a window never invents a match (`\\b` at a cut-off).
        """
        check = VALIDATORS[self.validator] if self.validator else None
        spans = []
        for window_start, window_end in windows:
            for m in self.regex.finditer(text, window_start, window_end):
                start, end = m.span(1)
                if start < 0 or start == end:
                    continue
                if m.end() == window_end < len(text):
                    whole = self.regex.match(text, m.start())
                    if whole is None or whole.span(1) != (start, end):
                        continue
                if check is None or check(m.group(1)):
                    spans.append((start, end))
        return spans


def _as_tuple(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError(f"{where}: expected a list of strings")
    return tuple(value)


def parse_rules(doc: dict[str, object], *, source: str) -> list[Rule]:
    """Turn a parsed TOML document (`[[rule]]` tables) into rules, refusing anything unknown."""
    tables = doc.get("rule", [])
    if set(doc) - {"rule"} or not isinstance(tables, list):
        raise PolicyError(f"{source}: a rule file holds only [[rule]] tables")
    rules = []
    for i, table in enumerate(tables):
        where = f"{source}: rule #{i + 1}"
        if not isinstance(table, dict):
            raise PolicyError(f"{where}: not a table")
        unknown = set(table) - _KEYS
        if unknown:
            raise PolicyError(f"{where}: unknown keys {sorted(unknown)}")
        missing = {"id", "kind", "severity", "pattern", "keywords"} - set(table)
        if missing:
            raise PolicyError(f"{where}: missing keys {sorted(missing)}")
        rule_id = str(table["id"])
        if not _ID.match(rule_id):
            raise PolicyError(f"{where}: id {rule_id!r} is not family.name in kebab-case")
        if not _KIND.match(str(table["kind"])):
            raise PolicyError(f"{where}: kind must be kebab-case")
        try:
            severity = Severity(str(table["severity"]))
        except ValueError:
            raise PolicyError(f"{where}: unknown severity") from None
        validator = table.get("validator")
        if validator is not None and validator not in VALIDATORS:
            raise PolicyError(f"{where}: unknown validator {validator!r}")
        keywords = tuple(k.lower() for k in _as_tuple(table["keywords"], f"{where} keywords"))
        rules.append(
            Rule(
                id=rule_id,
                name=str(table.get("name", rule_id)),
                kind=str(table["kind"]),
                severity=severity,
                keywords=keywords,
                pattern=str(table["pattern"]),
                validator=str(validator) if validator else None,
                references=_as_tuple(table.get("references", []), f"{where} references"),
                examples=_as_tuple(table.get("examples", []), f"{where} examples"),
                negative_examples=_as_tuple(table.get("negative_examples", []), f"{where} negatives"),
                known_misses=_as_tuple(table.get("known_misses", []), f"{where} known_misses"),
            )
        )
    return rules


def load_rule_file(path: Path) -> list[Rule]:
    """Load one user rule file (TOML); errors name the file, never a secret."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read rule file ({type(exc).__name__})") from None
    return parse_rules(doc, source=str(path))


_BUILTIN: list[Rule] | None = None


def builtin_rules() -> list[Rule]:
    """The rules shipped in the wheel (`detect/rules/*.toml`, except positions.toml)."""
    global _BUILTIN
    if _BUILTIN is None:
        rules: list[Rule] = []
        folder = resources.files(__package__).joinpath("rules")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml") and entry.name != "positions.toml":
                doc = tomllib.loads(entry.read_text(encoding="utf-8"))
                rules.extend(parse_rules(doc, source=f"builtin:{entry.name}"))
        _BUILTIN = rules
    return list(_BUILTIN)


def lint_rules(rules: Sequence[Rule], *, existing: Iterable[Rule] = ()) -> list[str]:
    """Problems with a rule set, as readable lines; an empty list means the rules are sound.

    Checks what `rules check` promises: unique ids, at least one example and one negative,
    every example matches, no negative matches, and every match covers one of the rule's
    keywords (the literal prefilter must never hide a match).
    """
    problems: list[str] = []
    seen = {r.id for r in existing}
    for rule in rules:
        if rule.id in seen:
            problems.append(f"{rule.id}: duplicate id")
        seen.add(rule.id)
        if not rule.examples:
            problems.append(f"{rule.id}: no examples")
        if not rule.negative_examples:
            problems.append(f"{rule.id}: no negative examples")
        for i, example in enumerate(rule.examples):
            spans = rule.matches(example)
            if not spans:
                problems.append(f"{rule.id}: example #{i + 1} does not match")
            elif rule.keywords and not _covers_keyword(rule, example):
                problems.append(f"{rule.id}: example #{i + 1} matches without a keyword")
        for i, negative in enumerate(rule.negative_examples):
            if rule.matches(negative):
                problems.append(f"{rule.id}: negative example #{i + 1} matches")
    return problems


def _covers_keyword(rule: Rule, text: str) -> bool:
    for m in rule.regex.finditer(text):
        covered = m.group(0).lower()
        if not any(k in covered for k in rule.keywords):
            return False
    return True
