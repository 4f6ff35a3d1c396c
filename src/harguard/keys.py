"""The fingerprint key: where it comes from, and the per-user key the CLI creates.

Fingerprints and placeholders are HMACs under this key. It is never hard-coded: a service
reads it from its configuration, and the CLI creates one random key per user on first use
(`~/.config/harguard/key`, mode 0600), so one person's placeholders stay stable across files.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from .errors import PolicyError

__all__ = ["default_key_path", "load_or_create_key", "parse_key", "read_key_file"]

ENV_KEY = "HARGUARD_KEY"


def default_key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "harguard" / "key"


def parse_key(text: str, *, source: str) -> bytes:
    """A key written as hex or base64 (at least 16 bytes once decoded)."""
    text = text.strip()
    for decode in (bytes.fromhex, base64.b64decode):
        try:
            key = decode(text)
        except (ValueError, binascii.Error):
            continue
        if len(key) >= 16:
            return key
    raise PolicyError(f"{source}: the key must be at least 16 bytes, written as hex or base64")


def load_or_create_key(path: Path | None = None) -> bytes:
    """$HARGUARD_KEY, else the key file (created with a random key if it does not exist)."""
    if os.environ.get(ENV_KEY):
        return parse_key(os.environ[ENV_KEY], source=ENV_KEY)
    path = path or default_key_path()
    key = read_key_file(path)
    return key if key is not None else write_new_key(path)


def read_key_file(path: Path) -> bytes | None:
    """The key in a key file, or None if there is no such file; PolicyError if it cannot be read."""
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read the key file ({type(exc).__name__})") from None
    return parse_key(text, source=str(path))


def write_new_key(path: Path) -> bytes:
    """A random 32-byte key written as hex to a new file (0600); an existing file is never replaced."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key
