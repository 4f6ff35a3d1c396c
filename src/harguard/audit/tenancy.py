"""Tenant and case from a stored file's path, by a regular expression with named groups.

    --tenant-pattern '^(?P<tenant>[^/]+)/(?P<case>CASE-\\d+)/'

is matched (`re.search`) against the path below the audited root, with an archive member
appended after a slash, so `acme/CASE-42/upload.zip:inner/a.har` is tenant `acme`, case
`CASE-42`. A pattern without a `tenant` or `case` group is refused: it would silently put
everything in no tenant.
"""

from __future__ import annotations

import re

from ..errors import PolicyError

__all__ = ["TenantPattern"]


class TenantPattern:
    """Places files in tenants and cases; without a pattern everything is unplaced (None)."""

    def __init__(self, pattern: str | None) -> None:
        self.pattern = pattern
        self._regex: re.Pattern[str] | None = None
        if pattern:
            try:
                self._regex = re.compile(pattern)
            except re.error as exc:
                raise PolicyError(f"--tenant-pattern is not a valid regular expression ({exc.msg})") from None
            if not {"tenant", "case"} & set(self._regex.groupindex):
                raise PolicyError("--tenant-pattern needs a (?P<tenant>…) or (?P<case>…) group")

    def __repr__(self) -> str:
        return f"TenantPattern({self.pattern!r})"

    def place(self, relative: str, member: str = "") -> tuple[str | None, str | None]:
        if self._regex is None:
            return None, None
        m = self._regex.search(f"{relative}/{member}" if member else relative)
        if m is None:
            return None, None
        groups = m.groupdict()
        return _clip(groups.get("tenant")), _clip(groups.get("case"))


def _clip(value: str | None) -> str | None:
    return value[:128] if value else None
