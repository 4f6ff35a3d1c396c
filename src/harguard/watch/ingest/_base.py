"""What every ingestor shares: the base class, the parsing context, small field readers."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from ...redact.placeholders import fingerprint
from ..events import Event
from ..network import AsnTable

__all__ = ["IngestContext", "Ingestor", "dig", "first", "path_only"]

_FP_CACHE = 65_536
# What our fingerprints look like in a log (README, edge logs): the full 64 hex, or `hm1:` and a
# prefix of at least 16 hex digits (nginx's `sess_fp=hm1:<16 hex>`). A bare shorter hex string is
# not accepted: many session ids are 32 hex digits.
_FINGERPRINT = re.compile(r"hm1:[0-9a-f]{16,64}|[0-9a-f]{64}", re.IGNORECASE)


@dataclass
class IngestContext:
    """The fingerprint key (the same one the sanitizer and the edge sensor use), the optional
    ASN table, and counters of what was skipped or noticed (never what it contained)."""

    key: bytes = field(repr=False)
    asn: AsnTable | None = None
    notes: Counter[str] = field(default_factory=Counter)
    _fps: dict[str, str] = field(default_factory=dict, repr=False)

    def fp(self, value: str) -> str:
        """Keyed fingerprint of an identifier; cached, since a session repeats on every line."""
        found = self._fps.get(value)
        if found is None:
            if len(self._fps) >= _FP_CACHE:
                self._fps.clear()
            found = self._fps[value] = fingerprint(self.key, value)
        return found

    def presented_fp(self, value: str, *, source: str) -> str:
        """A value from a log's fingerprint field, as a fingerprint.

        A misconfigured log can put anything there (`sess_fp=$cookie_sid` writes the cookie
        itself); a value not shaped like one of our fingerprints is fingerprinted here, so the
        raw value never becomes a tracking key or reaches the saved state.
        """
        text = value.strip()
        if _FINGERPRINT.fullmatch(text):
            return text.lower()
        self.notes[f"{source}: a fingerprint field holds a raw value (fingerprinted; audit this log)"] += 1
        return self.fp(text)

    def digest(self, line: str | bytes) -> str:
        """A stable event id for sources without one: keyed, so it reveals nothing of the line."""
        data = line.encode("utf-8", "surrogatepass") if isinstance(line, str) else line
        return hmac.new(self.key, b"event-uid\x00" + data, hashlib.sha256).hexdigest()[:32]

    def asn_of(self, ip: str | None) -> tuple[int | None, str | None]:
        if ip and self.asn is not None:
            found = self.asn.lookup(ip)
            if found is not None:
                return found
        return None, None


class Ingestor:
    """Turns one record of one source into an `Event` (or None to skip it).

    `lines` says how a file of this source is read: `json` (JSON lines, or one JSON array or
    `{"value": [...]}` document) or `text` (one record per line, parsed by `parse`).
    """

    name: ClassVar[str] = ""
    lines: ClassVar[str] = "json"

    def parse(self, record: Any, ctx: IngestContext) -> Event | None:
        raise NotImplementedError


def dig(record: Any, *path: str) -> Any:
    """`record[a][b]…`, or None when any step is missing or not an object."""
    node = record
    for step in path:
        if not isinstance(node, dict):  # parsed JSON: a plain dict (an ABC check costs 3x more)
            return None
        node = node.get(step)
    return node


def first(record: Mapping[str, Any], *names: str) -> Any:
    """The first present, non-empty value among several spellings of one field."""
    for name in names:
        value = record.get(name)
        if value not in (None, "", []):
            return value
    return None


def path_only(uri: Any) -> str | None:
    """The path of a request URI: query strings and fragments can hold tokens, so they go."""
    if not isinstance(uri, str) or not uri:
        return None
    try:
        path = urlsplit(uri).path if "://" in uri else uri.split("?", 1)[0].split("#", 1)[0]
    except ValueError:
        return None
    return path[:512] or "/"


def as_str(value: Any) -> str | None:
    """A non-empty string, or None (also for `"null"`, which some exports write for a gap)."""
    return value if isinstance(value, str) and value and value != "null" else None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value) if isinstance(value, str) else None
    except ValueError:
        return None
