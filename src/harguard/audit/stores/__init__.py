"""Stores: folders walked file by file, and the archives inside them opened member by member."""

from .archive import Node, expand, rebuild, sniff_container
from .folder import STAGING_GLOB, StoreFile, WalkStats, walk_paths
from .limits import ArchiveLimits, Budget

__all__ = [
    "STAGING_GLOB",
    "ArchiveLimits",
    "Budget",
    "Node",
    "StoreFile",
    "WalkStats",
    "expand",
    "rebuild",
    "sniff_container",
    "walk_paths",
]
