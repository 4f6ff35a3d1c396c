"""Matching events to exposures: index candidates, confirmed against the full watchlist rows.

What an event matched *through* matters as much as whether it matched. A presented credential
or an identifier naming the session or the token (`sid`, `uti`, `jti`, the Okta session id
found in the HAR) is a use of the exposed session; a user identifier (`sub`, `oid`, the Okta
user id) only says the same person did something, which the legitimate user does all day. The
latter is kept for correlation (use after revoke shows up as failures with no session id).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .events import Event
from .index import WatchIndex
from .watchlist import Exposure, StatusChange, Watchlist

__all__ = ["SESSION_LINKS", "Match", "Matcher"]

SESSION_LINKS = frozenset({"sid", "session_id", "sessionId", "okta-session-id", "uti", "jti"})
_CACHE_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class Match:
    """One exposure an event matched, and through what."""

    exposure: Exposure
    via: str
    """`credential` (the value itself was presented) or the linked claim (`sid`, `uti` …)."""
    changes: tuple[StatusChange, ...] = ()

    @property
    def is_use(self) -> bool:
        """The event used the exposed session or token (not merely the same user)."""
        return self.via == "credential" or self.via in SESSION_LINKS

    def status_at(self, when: datetime, *, skew: timedelta = timedelta(0)) -> tuple[str, datetime | None]:
        """(status, since) at event time: history first, then `exp`, then the row's status.

        A revocation recorded without history (another writer set the column) counts from
        the exposure time: without a time we cannot prove a use came before it.
        """
        status, since = "live", None
        for change in self.changes:
            if change.at <= when + skew:
                status, since = change.status, change.at
        if self.exposure.status == "canary":
            return "canary", self.exposure.exposed_at
        if status == "live" and self.exposure.status in ("revoked", "expired") and not self.changes:
            status, since = self.exposure.status, self.exposure.exposed_at
        expires = self.exposure.expires_at
        if status == "live" and expires is not None and when > expires + skew:
            return "expired", expires
        return status, since


class Matcher:
    """Event → confirmed `Match`es, through the index and a small cache of exposure rows."""

    def __init__(self, watchlist: Watchlist, index: WatchIndex | None = None) -> None:
        self.watchlist = watchlist
        self.index = index or WatchIndex(watchlist)
        self._cache: dict[int, tuple[Exposure, tuple[StatusChange, ...]]] = {}

    def refresh(self) -> int:
        """New watchlist rows into the index; statuses re-read on next use (cheap, per batch)."""
        self._cache.clear()
        return self.index.refresh()

    def match(self, event: Event) -> list[Match]:
        ids = self.index.candidates((*event.credential_fps, *(fp for _, fp in event.identifier_fps)))
        if not ids:
            return []
        self._load(ids)
        credentials = _presented(event.credential_fps)  # once per event, not once per candidate
        identifiers = _presented(fp for _, fp in event.identifier_fps)
        out: list[Match] = []
        for exposure_id in sorted(ids):
            exposure, changes = self._cache[exposure_id] if exposure_id in self._cache else (None, ())
            if exposure is None:
                continue
            via = _via(credentials, identifiers, exposure)
            if via is not None:
                out.append(Match(exposure, via, changes))
        return out

    def _load(self, ids: set[int]) -> None:
        missing = [i for i in ids if i not in self._cache]
        if not missing:
            return
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        changes = self.watchlist.status_changes(missing)
        for exposure in self.watchlist.by_ids(missing):
            assert exposure.id is not None
            self._cache[exposure.id] = (exposure, tuple(changes.get(exposure.id, ())))


def _presented(fingerprints: Iterable[str]) -> list[str]:
    """Presented fingerprints as `_via` compares them: lowercase hex without `hm1:`; those
    shorter than 16 hex digits (64 bits, what a log can carry) cannot confirm a match."""
    normalized = (fp.strip().lower().removeprefix("hm1:") for fp in fingerprints)
    return [fp for fp in normalized if len(fp) >= 16]


def _via(credentials: list[str], identifiers: list[str], exposure: Exposure) -> str | None:
    """How the event names the exposure (a full fingerprint, or a prefix of one, from
    `_presented`); a session or token link wins over a user link."""
    if any(exposure.fingerprint.startswith(fp) for fp in credentials):
        return "credential"
    claims = [claim for fp in identifiers for claim, linked in exposure.links.items() if linked.startswith(fp)]
    return next((c for c in claims if c == "credential" or c in SESSION_LINKS), claims[0] if claims else None)
