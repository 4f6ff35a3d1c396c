"""Building the library objects from command-line options (one place for every command)."""

from __future__ import annotations

from pathlib import Path

from ..keys import load_or_create_key
from ..pipeline import Sanitizer
from ..policy import Policy

__all__ = ["build_sanitizer"]


def build_sanitizer(*, policy: Path | None, key_file: Path | None, engine: str = "auto") -> Sanitizer:
    loaded = Policy.from_toml(policy) if policy else Policy()
    return Sanitizer(loaded, key=load_or_create_key(key_file), engine=engine)
