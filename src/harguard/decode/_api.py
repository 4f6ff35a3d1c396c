"""What a decode layer is, and what it may call back.

A layer recognises one encoding by sniffing the text itself (never by trusting a MIME type),
decodes it, hands every inner value back to the scrubber with its key and location, and
re-encodes only if something inside changed, so untouched content stays byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Protocol

__all__ = ["Layer", "Scrub"]


class Scrub(Protocol):
    """The scrubber, as seen by a layer."""

    def value(
        self,
        value: str,
        *,
        key: str,
        loc: str,
        depth: int,
        siblings: Collection[str] | None = None,
        context: object | None = None,
    ) -> str:
        """Scrub a value stored under `key` (position rules first, then its content).

        `context` is what `survey` said about the text this value was decoded from; it lets
        the scrubber skip values that cannot hold anything."""
        ...

    def pair(self, name: str, value: str, *, loc: str, depth: int) -> str:
        """A value that travels with its name (`{"name": "Cookie", "value": …}`): scrubbed as that
        header or key would be."""
        ...

    def name_matters(self, name: str) -> bool:
        """Whether a value carried with this name (a header or a key name) could be redacted."""
        ...

    def key_class(self, key: str) -> int:
        """0: a value under `key` matters only for its content; 1: it may be a credential or PII
        by position; 2: it names a person when its object describes one (`name`)."""
        ...

    def describes_person(self, siblings: Collection[str]) -> bool: ...

    def needs_look(self, value: str, key: str, context: object) -> bool:
        """False when a value of a surveyed text certainly holds nothing (the fast path)."""
        ...

    def content_needs_walk(self, text: str, context: object) -> bool:
        """Whether some value of this (surveyed) text hides a layer or a match only a walk finds."""
        ...

    def siblings_decide(self, key: str, keys: Collection[str]) -> bool | None:
        """For a conditional key (`code`, `state`): whether one of the siblings that would make it a
        credential occurs among `keys` (so only its own object can tell). None: not conditional."""
        ...

    def telling_keys(self, text: str, context: object = None) -> set[str]:
        """The assigned keys in `text` (`"key":`, `key=`) that hold a telling word (`context`:
        the text's survey, which may already say there is none)."""
        ...

    def apply_survey_raw(self, text: str, context: object, *, loc: str) -> str:
        """Replace, in the raw text, the value-rule matches the survey found."""
        ...

    def content_check(self, context: object) -> Callable[[str], bool]:
        """A fast test for values under harmless keys: does this one need a closer look?"""
        ...

    def survey(self, text: str) -> object:
        """A cheap look at a whole text; falsy means nothing in it can be a finding."""
        ...

    def text(self, text: str, *, loc: str, depth: int) -> str:
        """Scrub free text: sniff its layers, then apply the value rules."""
        ...

    def leaf(self, text: str, *, loc: str, depth: int, code: bool = False) -> str:
        """Scrub text that has no (further) structure: value rules, key: value pairs, URLs."""
        ...

    def url_path(self, path: str, *, loc: str, depth: int) -> str:
        """A URL path: tokens in segments after a telling one (`/reset-password/<token>`), then
        the value rules."""
        ...


class Layer(Protocol):
    """One encoding: `sniff` is cheap and conservative, `scrub` returns None if it was wrong."""

    name: str

    def sniff(self, text: str) -> bool: ...

    def scrub(self, text: str, scrub: Scrub, *, loc: str, depth: int) -> str | None: ...
