"""Persisted monitor state: file and API cursors, session memory, alert deduplication.

One JSON document per monitor name in the state folder, written atomically (temp file +
`os.replace`) after each batch, and when a follow loop goes idle after reading something. It holds fingerprints,
network and client context only; never a credential, never a session handle in clear.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import PolicyError
from ..har.write import atomic_output

__all__ = ["StateStore"]

_FORMAT = "harguard-watch-state/1"


class StateStore:
    def __init__(self, folder: Path, name: str = "monitor") -> None:
        if not name.replace("-", "").replace("_", "").isalnum():
            raise PolicyError("a state name may hold letters, digits, '-' and '_' only")
        self.folder = folder
        self.path = folder / f"{name}.json"

    def __repr__(self) -> str:
        return f"<StateStore {self.path}>"

    def load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            raise PolicyError(f"{self.path}: the watch state is unreadable; move it aside to start over") from None
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise PolicyError(f"{self.path}: not a harguard watch state file")
        return dict(data.get("state") or {})

    def save(self, state: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with atomic_output(self.path) as handle:
            handle.write(json.dumps({"format": _FORMAT, "state": state}, sort_keys=True).encode())
