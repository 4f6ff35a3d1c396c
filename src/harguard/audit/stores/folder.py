"""Walk folders: every regular file under the given roots, in a stable order, without following links.

Symbolic links are never followed, neither to directories (loops, escaping the store) nor to
files (a fix would write through them); they, sockets, devices and excluded paths are counted,
so the report says what was not looked at. Staging files of an interrupted fix are listed apart.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["STAGING_GLOB", "StoreFile", "WalkStats", "walk_paths"]

STAGING_GLOB = ".*.harguard-*.fix"
"""The name of a sanitized copy that a fix has staged beside its target (see audit.fix)."""


@dataclass(frozen=True, slots=True)
class StoreFile:
    """A regular file found in a store, with the facts incremental runs compare."""

    path: str
    """Absolute path: the file's identity in the inventory."""
    relative: str
    """Path below the root it was found under (POSIX separators); tenant patterns match this."""
    size: int
    mtime_ns: int


@dataclass
class WalkStats:
    """What the walk saw but did not yield."""

    symlinks: int = 0
    special: int = 0
    excluded: int = 0
    unreadable: list[str] = field(default_factory=list)
    staging: list[str] = field(default_factory=list)
    """Staged copies left by a killed fix (sanitized data only): the run removes them."""


def walk_paths(
    roots: Sequence[str | os.PathLike[str]],
    *,
    exclude: Sequence[str] = (),
    exclude_paths: Sequence[str | os.PathLike[str]] = (),
    stats: WalkStats | None = None,
) -> Iterator[StoreFile]:
    """Yield every regular file under `roots` (files given directly are yielded as they are).

    `exclude` holds glob patterns matched against the relative path and the file name;
    `exclude_paths` are absolute files or folders never entered (the inventory database, the
    quarantine folder).
    """
    stats = stats if stats is not None else WalkStats()
    skip = {os.path.abspath(p) for p in exclude_paths}
    patterns = list(exclude)
    for root in roots:
        top = os.path.abspath(root)
        try:
            info = os.lstat(top)
        except OSError as exc:
            stats.unreadable.append(f"{top}: {exc.strerror or type(exc).__name__}")
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk_dir(top, patterns=patterns, skip=skip, stats=stats)
        else:
            found = _classify(top, os.path.basename(top), info, patterns=patterns, skip=skip, stats=stats)
            if found is not None:
                yield found


def _walk_dir(top: str, *, patterns: list[str], skip: set[str], stats: WalkStats) -> Iterator[StoreFile]:
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            stats.unreadable.append(f"{folder}: {exc.strerror or type(exc).__name__}")
            continue
        subfolders = []
        for entry in entries:
            relative = Path(os.path.relpath(entry.path, top)).as_posix()
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                stats.unreadable.append(f"{entry.path}: {exc.strerror or type(exc).__name__}")
                continue
            if stat.S_ISDIR(info.st_mode):
                if entry.path in skip or _matches(relative, entry.name, patterns):
                    stats.excluded += 1
                else:
                    subfolders.append(entry.path)
                continue
            found = _classify(entry.path, relative, info, patterns=patterns, skip=skip, stats=stats)
            if found is not None:
                yield found
        stack.extend(reversed(subfolders))  # depth first, alphabetical


def _classify(
    path: str, relative: str, info: os.stat_result, *, patterns: list[str], skip: set[str], stats: WalkStats
) -> StoreFile | None:
    if stat.S_ISLNK(info.st_mode):
        stats.symlinks += 1
        return None
    if not stat.S_ISREG(info.st_mode):
        stats.special += 1
        return None
    if fnmatch.fnmatchcase(os.path.basename(path), STAGING_GLOB):
        stats.staging.append(path)
        return None
    if path in skip or _matches(relative, os.path.basename(path), patterns):
        stats.excluded += 1
        return None
    return StoreFile(path=path, relative=relative, size=info.st_size, mtime_ns=info.st_mtime_ns)


def _matches(relative: str, name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(relative, p) or fnmatch.fnmatchcase(name, p) for p in patterns)
