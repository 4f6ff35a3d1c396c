"""The hot path: an in-memory index from fingerprint prefix to exposure ids.

A million watched fingerprints must not cost a database round trip per log line. The index
keeps the first 64 bits of every fingerprint (exposure fingerprints and linked identifiers
alike) in two parallel sorted `array('q')`s: 16 bytes per entry, about 16 MB for a million,
where a `dict` of Python ints would take over 100 MB. A lookup is a C-level `bisect`. Rows
added since the last refresh sit in a small dict until there are enough to merge.

64 bits are also what a log can afford to carry: nginx lines hold `sess_fp=hm1:<16 hex>`.
A prefix hit is a *candidate*; `Matcher` confirms it against the full row.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterable

from .watchlist import Watchlist

__all__ = ["WatchIndex", "prefix_key"]

_MERGE_AT = 50_000
_ID_BITS = 40  # exposure ids below 2**40; a key and an id pack into one int for a fast sort
_ID_MASK = (1 << _ID_BITS) - 1
HEX = frozenset("0123456789abcdef")


def prefix_key(fingerprint: str) -> int | None:
    """The unsigned 64-bit key of a fingerprint (`hm1:` and case tolerated); None if too short."""
    text = fingerprint.strip().lower().removeprefix("hm1:")
    if len(text) < 16 or not HEX.issuperset(text[:16]):
        return None
    return int(text[:16], 16)


class WatchIndex:
    """Prefix → exposure ids for every fingerprint in a watchlist; `refresh()` picks up new rows."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.watchlist = watchlist
        self._keys = array("Q")
        self._ids = array("Q")
        self._delta: dict[int, list[int]] = {}
        self._delta_size = 0
        self._exposure_mark = 0
        self._link_mark = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._keys) + self._delta_size

    def __repr__(self) -> str:
        return f"<WatchIndex entries={len(self)}>"

    def refresh(self) -> int:
        """Load rows added since the last refresh; returns how many were added."""
        fresh: list[int] = []  # key << 40 | id: sorting plain ints is several times faster than tuples
        for pairs, exposure_mark, link_mark in self.watchlist.keys_since(
            exposure_id=self._exposure_mark, link_id=self._link_mark
        ):
            for fp, exposure_id in pairs:
                try:  # stored fingerprints are 64 lowercase hex: the fast path of prefix_key
                    fresh.append(int(fp[:16], 16) << _ID_BITS | exposure_id)
                except ValueError:
                    continue
            self._exposure_mark, self._link_mark = exposure_mark, link_mark
        if len(fresh) + self._delta_size >= _MERGE_AT:
            self._merge(fresh)
        else:
            self._add_keys(fresh)
        return len(fresh)

    def _add_keys(self, packed: list[int]) -> None:
        with self._lock:
            for value in packed:
                self._delta.setdefault(value >> _ID_BITS, []).append(value & _ID_MASK)
            self._delta_size += len(packed)

    def _merge(self, fresh: list[int]) -> None:
        """Rebuild the sorted arrays from what they hold, the delta and `fresh` (one sort)."""
        with self._lock:
            fresh.extend(k << _ID_BITS | i for k, ids in self._delta.items() for i in ids)
            fresh.extend(k << _ID_BITS | i for k, i in zip(self._keys, self._ids, strict=True))
            fresh.sort()
            keys = array("Q", [v >> _ID_BITS for v in fresh])
            ids = array("Q", [v & _ID_MASK for v in fresh])
            self._keys, self._ids = keys, ids
            self._delta = {}
            self._delta_size = 0

    def candidates(self, fingerprints: Iterable[str]) -> set[int]:
        """Exposure ids whose fingerprint or linked identifier shares a 64-bit prefix."""
        found: set[int] = set()
        keys, ids = self._keys, self._ids
        for fingerprint in fingerprints:
            key = prefix_key(fingerprint)
            if key is None:
                continue
            i = bisect_left(keys, key)
            while i < len(keys) and keys[i] == key:
                found.add(ids[i])
                i += 1
            if self._delta:
                found.update(self._delta.get(key, ()))
        return found
