"""The package root exports exactly the public API, nothing more (as httpx checks)."""

from __future__ import annotations

import harguard


def test_all_is_exactly_the_sorted_public_names() -> None:
    public = sorted(name for name in vars(harguard) if not name.startswith("_") and name != "annotations")
    assert harguard.__all__ == sorted(harguard.__all__)
    exported = sorted(n for n in harguard.__all__ if n != "__version__")
    modules = {"errors", "pipeline", "policy", "types", "report", "har", "detect", "redact", "decode",
               "keynames", "cli", "keys", "settings", "watch", "audit", "gateway"}  # fmt: skip
    assert [n for n in public if n not in modules] == exported


def test_every_exported_name_resolves() -> None:
    for name in harguard.__all__:
        assert getattr(harguard, name) is not None, name


def test_error_classes_share_one_root() -> None:
    for name in ("InputError", "NotJSONError", "TruncatedError", "EncodingError", "NotHARError",
                 "LimitExceededError", "PolicyError", "ResidualLeakError"):  # fmt: skip
        assert issubclass(getattr(harguard, name), harguard.HarguardError), name
