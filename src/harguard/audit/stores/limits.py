"""Decompression limits for one stored file and everything nested inside it.

A store may hold anything, including a zip bomb or a 42.zip-style recursive archive; the walker
charges every byte it inflates and every member it opens to one budget per top-level file, so
a hostile file fails alone, with a `LimitExceededError`, and never exhausts the worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import LimitExceededError

__all__ = ["ArchiveLimits", "Budget"]


@dataclass(frozen=True)
class ArchiveLimits:
    """Hard limits per top-level stored file (all nesting levels together)."""

    max_file_bytes: int = 2 * 2**30
    """Largest file read into memory: archives and HARs (plain text logs stream instead)."""
    max_expanded_bytes: int = 2 * 2**30
    """Total bytes inflated from all archive layers of one file."""
    max_members: int = 10_000
    max_depth: int = 4
    """Archive nesting: `a.zip` holding `b.tar.gz` holding `c.zip` is depth 3."""
    max_ratio: int = 200
    """Expanded / compressed, enforced once a member has inflated past `ratio_floor`."""
    ratio_floor: int = 16 * 2**20


@dataclass
class Budget:
    """What one top-level file has used so far of its `ArchiveLimits`."""

    limits: ArchiveLimits
    expanded: int = 0
    members: int = 0

    def charge_member(self, what: str) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise LimitExceededError(f"{what}: more than {self.limits.max_members} archive members")

    def check_depth(self, depth: int, what: str) -> None:
        if depth > self.limits.max_depth:
            raise LimitExceededError(f"{what}: archives nested deeper than {self.limits.max_depth} levels")

    def charge_bytes(self, n: int, *, inflated: int, compressed: int, what: str) -> None:
        """Charge `n` more inflated bytes; `inflated` is this member's running total so far."""
        self.expanded += n
        limits = self.limits
        if self.expanded > limits.max_expanded_bytes:
            raise LimitExceededError(
                f"{what}: archive contents expand beyond {limits.max_expanded_bytes} bytes (possible bomb)"
            )
        if inflated > limits.ratio_floor and inflated > max(compressed, 1) * limits.max_ratio:
            raise LimitExceededError(
                f"{what}: expands {inflated} bytes from {compressed} compressed, more than "
                f"{limits.max_ratio}x (possible bomb)"
            )
