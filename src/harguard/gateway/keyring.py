"""The gateway's two keys: the fingerprint (HMAC) key and the blob data key.

They are separate on purpose: the fingerprint key is shared with the CLI, the watch sensor and
the audit (so fingerprints match everywhere), while the data key only ever decrypts this
gateway's blobs. In dev mode missing keys are generated in `data_dir` (mode 0600); in
production mode a missing key stops the start with a message that says which setting to set.
"""

from __future__ import annotations

import logging
import secrets
import stat
from pathlib import Path

from ..errors import PolicyError
from ..keys import load_or_create_key, parse_key, read_key_file, write_new_key
from .settings import GatewaySettings

__all__ = ["Keys", "resolve_keys"]

log = logging.getLogger("harguard.gateway")


class Keys:
    """The two keys; the repr never shows them."""

    __slots__ = ("data", "fingerprint")

    def __init__(self, *, fingerprint: bytes, data: bytes) -> None:
        self.fingerprint = fingerprint
        self.data = data

    def __repr__(self) -> str:
        return "<Keys fingerprint=[secure] data=[secure]>"


def resolve_keys(settings: GatewaySettings) -> Keys:
    fingerprint = _fingerprint_key(settings)
    data = _data_key(settings)
    if secrets.compare_digest(fingerprint, data):
        raise PolicyError("the fingerprint key and the data key must differ")
    return Keys(fingerprint=fingerprint, data=data)


def _fingerprint_key(settings: GatewaySettings) -> bytes:
    if settings.key is not None:
        return parse_key(settings.key.get_secret_value(), source="HARGUARD_KEY")
    path = settings.resolved_key_file()
    if path.exists() or settings.is_dev:
        _warn_if_readable(path)
        return load_or_create_key(path)
    raise PolicyError(
        "production mode needs the fingerprint key: set HARGUARD_KEY or HARGUARD_KEY_FILE "
        f"(no file at {path}); `harguard admin generate-key` writes one"
    )


def _data_key(settings: GatewaySettings) -> bytes:
    if settings.data_key is not None:
        return _check_data_key(
            parse_key(settings.data_key.get_secret_value(), source="HARGUARD_DATA_KEY"),
            source="HARGUARD_DATA_KEY",
        )
    path = settings.resolved_data_key_file()
    _warn_if_readable(path)
    key = read_key_file(path)
    if key is not None:
        return _check_data_key(key, source=str(path))
    if not settings.is_dev:
        raise PolicyError(
            "production mode needs the blob data key: set HARGUARD_DATA_KEY or HARGUARD_DATA_KEY_FILE "
            f"(no file at {path}); `harguard admin generate-key` writes one"
        )
    return write_new_key(path)


def _check_data_key(key: bytes, *, source: str) -> bytes:
    if len(key) != 32:
        raise PolicyError(f"{source}: the data key must be exactly 32 bytes (64 hex digits)")
    return key


def _warn_if_readable(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("key file %s is readable by other users; chmod 600 it", path)
