"""Key names: one spelling for the many ways a parameter or JSON key is written."""

from __future__ import annotations

__all__ = ["normalize_key"]

_NORMALIZED: dict[str, str] = {}


def normalize_key(name: str) -> str:
    """`access_token`, `accessToken` and `Access-Token` are one key: `accesstoken`."""
    found = _NORMALIZED.get(name)
    if found is None:
        found = name.lower().replace("_", "").replace("-", "").replace(".", "").replace(" ", "")
        if len(_NORMALIZED) < 100_000:
            _NORMALIZED[name] = found
    return found
