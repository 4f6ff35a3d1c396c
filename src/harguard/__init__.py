"""harguard: keep credentials out of support and troubleshooting data.

    >>> import harguard
    >>> result = harguard.sanitize("capture.har", key=my_key)
    >>> result.data          # the sanitized HAR, as bytes
    >>> result.report        # what was removed: kinds, locations, fingerprints (never values)

`Sanitizer` is the reusable form (compile the rules once, sanitize many files).
"""

from __future__ import annotations

from ._version import __version__
from .errors import (
    EncodingError,
    HarguardError,
    InputError,
    LimitExceededError,
    NotHARError,
    NotJSONError,
    PolicyError,
    ResidualLeakError,
    TruncatedError,
)
from .pipeline import Sanitizer, SanitizeResult, Source
from .policy import Policy
from .report.manifest import Report
from .types import Finding, Severity

__all__ = [
    "EncodingError",
    "Finding",
    "HarguardError",
    "InputError",
    "LimitExceededError",
    "NotHARError",
    "NotJSONError",
    "Policy",
    "PolicyError",
    "Report",
    "ResidualLeakError",
    "SanitizeResult",
    "Sanitizer",
    "Severity",
    "Source",
    "TruncatedError",
    "__version__",
    "sanitize",
    "scan",
]


def sanitize(source: Source, *, policy: Policy | None = None, key: bytes | None = None) -> SanitizeResult:
    """Sanitize one HAR (bytes, a path, or a parsed document) with a one-off Sanitizer."""
    return Sanitizer(policy, key=key).sanitize(source)


def scan(source: Source, *, policy: Policy | None = None, key: bytes | None = None) -> Report:
    """Report every credential and piece of PII in one HAR, without producing an output."""
    return Sanitizer(policy, key=key).scan(source)
