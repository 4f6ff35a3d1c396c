"""Per-session memory, in event time: which contexts (network, client, device) a session was
seen in, when, and on which kind of event. Detectors compare a new event with it.

Sessions are keyed by a keyed fingerprint of the session handle (or of the presented session
credential), never the handle, and user agents are kept as the outbound guard scrubbed them. A
session keeps at most `MAX_CONTEXTS` distinct contexts, and sessions idle longer than the
configured lifetime (by event time) are forgotten, so memory is bounded however long the
monitor follows. The whole tracker round-trips through JSON, so a
restarted monitor resumes with the baselines it had.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .events import Event
from .network import network_of

__all__ = ["Context", "SessionState", "SessionTracker", "activity_kind", "km_between"]

MAX_CONTEXTS = 32
_UA_CACHE = 16_384
START_EVENTS = frozenset({"user.session.start"})
SSO_EVENTS = frozenset({"user.authentication.sso"})
EVALUATE_EVENTS = frozenset({"policy.evaluate_sign_on"})


def activity_kind(activity: str) -> str:
    """start | sso | evaluate | other: the event families the Okta rules distinguish."""
    if activity in START_EVENTS:
        return "start"
    if activity in SSO_EVENTS:
        return "sso"
    if activity in EVALUATE_EVENTS:
        return "evaluate"
    return "other"


@dataclass
class Context:
    """One distinct (ASN, network, user agent, device) a session was seen in."""

    first: datetime
    last: datetime
    asn: int | None
    network: str | None
    ip: str | None
    user_agent: str | None
    device: str | None
    proxy: bool | None
    country: str | None
    lat: float | None = None
    lon: float | None = None
    kinds: set[str] = field(default_factory=set)

    def same(self, event: Event, user_agent: str | None) -> bool:
        """The event was seen in this context (`user_agent`: the event's, as the tracker keeps it)."""
        return (self.asn, self.ip, self.user_agent, self.device) == (
            event.asn,
            event.src_ip,
            user_agent,
            event.device_uid,
        )

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k not in ("first", "last", "kinds")}
        return {
            **out,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "kinds": sorted(self.kinds),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Context:
        values = dict(data)
        values["first"] = datetime.fromisoformat(values["first"])
        values["last"] = datetime.fromisoformat(values["last"])
        values["kinds"] = set(values.get("kinds", ()))
        return cls(**values)


@dataclass
class SessionState:
    first: datetime
    last: datetime
    started: datetime | None = None
    contexts: list[Context] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    """Rules that alerted on this session (a later admin action in it is then critical)."""
    exposures: set[int] = field(default_factory=set)

    def before(self, when: datetime) -> list[Context]:
        """Contexts first seen no later than `when`: the legitimate user's, before an upload."""
        return [c for c in self.contexts if c.first <= when]

    def of_kind(self, *kinds: str) -> list[Context]:
        return [c for c in self.contexts if c.kinds.intersection(kinds)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "started": self.started.isoformat() if self.started else None,
            "contexts": [c.as_dict() for c in self.contexts],
            "flags": sorted(self.flags),
            "exposures": sorted(self.exposures),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionState:
        return cls(
            first=datetime.fromisoformat(data["first"]),
            last=datetime.fromisoformat(data["last"]),
            started=datetime.fromisoformat(data["started"]) if data.get("started") else None,
            contexts=[Context.from_dict(c) for c in data.get("contexts", ())],
            flags=set(data.get("flags", ())),
            exposures=set(data.get("exposures", ())),
        )


class SessionTracker:
    """Session key → state, least recently seen first; bounded in count and in event time.

    `scrub` cleans a user agent before it is kept (a UA can carry a token, and the tracker is
    saved to the state file): the monitor passes the outbound guard's `scrub_text`. Its result
    is cached per distinct user agent, which repeat on nearly every line.
    """

    def __init__(
        self,
        *,
        max_sessions: int = 200_000,
        idle: timedelta = timedelta(hours=24),
        scrub: Callable[[str], str | None] | None = None,
    ) -> None:
        self.sessions: OrderedDict[str, SessionState] = OrderedDict()
        self.max_sessions = max_sessions
        self.idle = idle
        self.scrub = scrub
        self._scrubbed: dict[str, str | None] = {}

    def user_agent(self, value: str | None) -> str | None:
        """A user agent as the tracker keeps it: through `scrub`, if any."""
        if value is None or self.scrub is None:
            return value
        try:
            return self._scrubbed[value]
        except KeyError:
            if len(self._scrubbed) >= _UA_CACHE:
                self._scrubbed.clear()
            found = self._scrubbed[value] = self.scrub(value)
            return found

    def get(self, key: str | None) -> SessionState | None:
        return self.sessions.get(key) if key else None

    def observe(self, event: Event, *, exposures: set[int] | None = None) -> None:
        key = event.tracking_key
        if not key:
            return
        state = self.sessions.get(key)
        if state is None:
            state = self.sessions[key] = SessionState(first=event.time, last=event.time)
        else:
            self.sessions.move_to_end(key)
        state.first, state.last = min(state.first, event.time), max(state.last, event.time)
        kind = activity_kind(event.activity)
        if kind == "start" and state.started is None:
            state.started = event.time
        if exposures:
            state.exposures.update(exposures)
        self._add_context(state, event, kind)
        while len(self.sessions) > self.max_sessions:
            self.sessions.popitem(last=False)

    def _add_context(self, state: SessionState, event: Event, kind: str) -> None:
        user_agent = self.user_agent(event.user_agent)
        for context in state.contexts:
            if context.same(event, user_agent):
                context.first, context.last = min(context.first, event.time), max(context.last, event.time)
                context.kinds.add(kind)
                return
        if len(state.contexts) >= MAX_CONTEXTS:
            state.contexts[-1].last = max(state.contexts[-1].last, event.time)
            return
        state.contexts.append(
            Context(
                first=event.time,
                last=event.time,
                asn=event.asn,
                network=network_of(event.src_ip) if event.src_ip else None,
                ip=event.src_ip,
                user_agent=user_agent,
                device=event.device_uid,
                proxy=event.is_proxy,
                country=event.country,
                lat=event.lat,
                lon=event.lon,
                kinds={kind},
            )
        )

    def flag(self, key: str | None, rule: str) -> None:
        state = self.get(key)
        if state is not None:
            state.flags.add(rule)

    def evict(self, now: datetime) -> int:
        """Forget sessions idle for longer than `idle` before `now` (event time)."""
        cutoff = now - self.idle
        stale = [k for k, s in self.sessions.items() if s.last < cutoff]
        for key in stale:
            del self.sessions[key]
        return len(stale)

    def snapshot(self) -> dict[str, Any]:
        return {key: state.as_dict() for key, state in self.sessions.items()}

    def restore(self, data: dict[str, Any]) -> None:
        self.sessions = OrderedDict((k, SessionState.from_dict(v)) for k, v in data.items())
        for state in self.sessions.values():  # a state saved before user agents were scrubbed
            for context in state.contexts:
                context.user_agent = self.user_agent(context.user_agent)


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine), for the geo-velocity signal."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
