"""The whole harguard exception tree, grouped by who has to react.

    HarguardError
    ├── InputError            bad input: nothing is written (CLI exit code, HTTP 400/413/415)
    │   ├── NotJSONError
    │   ├── TruncatedError
    │   ├── EncodingError     non-UTF-8 bytes, unsupported BOM
    │   ├── NotHARError       JSON, but not a HAR document
    │   └── LimitExceededError  size, depth, string length, entry count, decompression ratio
    ├── PolicyError           bad policy, settings or rule file (unknown keys, rule ids, validators)
    ├── ResidualLeakError     the output still holds a critical finding: the output is refused
    ├── StoreError            gateway and audit storage
    │   └── NotFoundError
    └── DeliveryError         watch sinks and revocation calls (retryable)

Messages carry a location, a kind and a size, never a value: an exception message may end up
in a log, a terminal or an HTTP response.
"""

from __future__ import annotations


class HarguardError(Exception):
    """Root of every error harguard raises on purpose."""


class InputError(HarguardError):
    """The input cannot be sanitized as given; nothing was written."""


class NotJSONError(InputError):
    """The input is not JSON (for example an HTML error page saved as .har)."""


class TruncatedError(InputError):
    """The input is JSON that stops early, as an interrupted download or export does."""


class EncodingError(InputError):
    """The input is not UTF-8 text (or UTF-16/32 with a byte-order mark)."""


class NotHARError(InputError):
    """The input is valid JSON but not a HAR document (no `log.entries` list)."""


class LimitExceededError(InputError):
    """The input exceeds a safety limit: size, nesting depth, string length, entries, decompression."""


class PolicyError(HarguardError):
    """A policy, settings or rule file is invalid; harguard refuses to guess."""


class ResidualLeakError(HarguardError):
    """The sanitized output still holds a critical finding, so it is refused (fail closed)."""


class StoreError(HarguardError):
    """A storage backend (database, blob folder, archive) failed."""


class NotFoundError(StoreError):
    """The object does not exist, or is not visible to the caller (the two are not told apart)."""


class DeliveryError(HarguardError):
    """An outbound call (alert sink, revocation API) failed; the caller may retry."""
