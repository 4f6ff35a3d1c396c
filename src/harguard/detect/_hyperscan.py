"""Hyperscan scanning that is safe from several threads.

A hyperscan database is immutable and shared, but its scratch space may serve one scan at a
time: the gateway sanitizes uploads in a thread pool, so each thread gets its own scratch for
each database, created on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised by the pure-Python test run
    hyperscan = None  # type: ignore[assignment]

__all__ = ["scan"]

_local = threading.local()


def scan(database: Any, data: bytes, handler: Callable[..., Any], context: Any) -> None:
    """Scan `data` with `database` using this thread's scratch for it."""
    scratches: dict[int, tuple[Any, Any]] = _local.__dict__.setdefault("scratches", {})
    held = scratches.get(id(database))
    if held is None or held[0] is not database:
        held = (database, hyperscan.Scratch(database))
        scratches[id(database)] = held
    database.scan(data, match_event_handler=handler, context=context, scratch=held[1])
