"""Where the shared corpus of real HAR files is (`shared/corpus/real`, with `must_redact.json`).

It lives beside the repository, not in it. A clone elsewhere (CI's) finds it through
`$HARGUARD_CORPUS` or at the machine's usual place; tests that need it skip when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["REAL_CORPUS"]


def _find() -> Path:
    candidates = [
        os.environ.get("HARGUARD_CORPUS"),
        Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real",
        "/work/shared/corpus/real",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return Path(candidates[1])  # type: ignore[arg-type]


REAL_CORPUS = _find()
