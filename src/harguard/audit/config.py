"""The audit's configuration as it travels to workers, and the keyed digests it derives.

Every digest the inventory stores is keyed with the fingerprint key: a plain hash of a small
file that holds only a token would let anyone with the database brute-force the token. The
key itself never appears in a repr, a log line or a row; only `key_id` (an HMAC of a constant)
is stored, so a run with another key is refused instead of mixing fingerprints.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field

from .._version import __version__
from ..detect.catalogue import builtin_rules
from ..pipeline import Sanitizer
from ..policy import Policy
from .stores.limits import ArchiveLimits
from .textscan import BLOCK_CHARS

__all__ = [
    "AUDIT_SCHEME",
    "AuditConfig",
    "bytes_hash",
    "content_hash",
    "key_id",
    "ruleset_id",
    "sanitizer_for",
]

AUDIT_SCHEME = "harguard-audit/1"
"""Bumped when classification or attribution changes, so incremental runs rescan everything."""


@dataclass(frozen=True)
class AuditConfig:
    """What every worker needs to audit a file the same way: key, policy, engine and limits."""

    key: bytes = field(repr=False)
    policy: Policy = field(default_factory=Policy)
    engine: str = "auto"
    limits: ArchiveLimits = field(default_factory=ArchiveLimits)
    block_chars: int = BLOCK_CHARS
    json_whole_chars: int = 32 * 2**20
    """JSON documents up to this size are scanned whole (the JSON layer needs the structure)."""

    def identity(self) -> str:
        """Stable per key, policy and settings: which cached Sanitizer a worker may reuse."""
        text = repr(
            (
                self.policy,
                sorted(self.policy.allow_values),
                self.engine,
                self.limits,
                self.block_chars,
                self.json_whole_chars,
            )
        )
        return _keyed(self.key, b"config", text.encode("utf-8", "surrogatepass"))


def _keyed(key: bytes, purpose: bytes, data: bytes) -> str:
    return hmac.new(key, purpose + b"\0" + data, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """Names the key without revealing it: runs with different keys must not share an inventory."""
    return _keyed(key, b"harguard-audit-key-id", b"")[:16]


def ruleset_id(config: AuditConfig) -> str:
    """Changes whenever a rule, the policy or the audit scheme changes: files are then rescanned.

    Computed from the rule files rather than a Sanitizer, whose engine takes seconds to compile
    and is not needed in the coordinating process."""
    candidates = [*builtin_rules(), *config.policy.extra_rules]
    rules = sorted((r.id, r.version) for r in candidates if r.id not in config.policy.disabled_rules)
    text = repr((AUDIT_SCHEME, __version__, rules, config.identity()))
    return _keyed(config.key, b"ruleset", text.encode())[:16]


def content_hash(path: str | os.PathLike[str], key: bytes) -> str:
    """Keyed hash (HMAC-SHA256) of a file's content, streamed."""
    mac = hmac.new(key, b"content\0", hashlib.sha256)
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            mac.update(chunk)
    return mac.hexdigest()


def bytes_hash(data: bytes, key: bytes) -> str:
    """`content_hash` of a file's content already in memory."""
    mac = hmac.new(key, b"content\0", hashlib.sha256)
    mac.update(data)
    return mac.hexdigest()


_SANITIZERS: dict[str, Sanitizer] = {}


def sanitizer_for(config: AuditConfig) -> Sanitizer:
    """One Sanitizer per process (pool worker or Dask worker), built on first use and reused."""
    identity = config.identity()
    found = _SANITIZERS.get(identity)
    if found is None:
        _SANITIZERS.clear()
        found = _SANITIZERS[identity] = Sanitizer(config.policy, key=config.key, engine=config.engine)
    return found
