"""Generic JSON lines → Event, by field mapping.

Reads, without configuration, OCSF records (what the edge sensor writes, `Event.to_ocsf()`) and
flat application logs with common names (`time`, `ip`, `user_agent`, `session_fp`, `user` …).
Anything else is described with a mapping of Event field → dotted path, e.g.
`{"src_ip": "client.addr", "credential_fps": "auth.sess_fp"}` (`--map` on the command line).
Credentials are accepted only as fingerprints; a session handle is fingerprinted here, and kept
as the event's own handle (`session_uid`) only when it is OCSF's `actor.session.uid` (what an
earlier `Event.to_ocsf()` wrote): a flat `session_uid` field of an application log may well be the
raw session cookie, which must not travel on into alerts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...errors import PolicyError
from ..events import HTTP_ACTIVITY, Event, Outcome, parse_time
from ._base import IngestContext, Ingestor, as_int, as_str, dig, path_only

__all__ = ["FIELDS", "JsonLinesIngestor"]

OCSF_SESSION_UID = "actor.session.uid"
# Event field → candidate dotted paths, first present wins.
DEFAULTS: dict[str, tuple[str, ...]] = {
    "time": ("time", "timestamp", "@timestamp", "ts", "date"),
    "uid": ("metadata.uid", "uid", "id", "event_id", "request_id"),
    "activity": ("metadata.event_code", "activity", "event", "event_type", "type"),
    "actor_uid": ("actor.user.uid", "user_id", "user", "actor"),
    "actor_name": ("actor.user.name", "user_name", "username"),
    "session_uid": (OCSF_SESSION_UID, "session_uid"),
    "credential_fps": (
        "actor.session.credential_uid",
        "unmapped.credential_fps",
        "credential_fps",
        "session_fp",
        "sess_fp",
        "credential_fp",
    ),
    "src_ip": ("src_endpoint.ip", "src_ip", "client_ip", "ip", "remote_addr"),
    "asn": ("src_endpoint.asn", "asn"),
    "user_agent": ("http_request.user_agent", "user_agent", "ua"),
    "device_uid": ("device.uid", "device_id"),
    "http_method": ("http_request.http_method", "method"),
    "url_path": ("http_request.url.path", "path", "uri", "url"),
    "http_status": ("http_response.code", "status"),
    "outcome": ("status", "outcome"),
}
FIELDS = frozenset(DEFAULTS)


class JsonLinesIngestor(Ingestor):
    name = "jsonl"

    def __init__(self, mapping: Mapping[str, str] | None = None) -> None:
        unknown = set(mapping or {}) - FIELDS
        if unknown:
            raise PolicyError(f"unknown event field(s) in the mapping: {', '.join(sorted(unknown))}")
        self.paths = {
            name: ((mapping or {})[name],) if name in (mapping or {}) else paths for name, paths in DEFAULTS.items()
        }

    def _get(self, record: Mapping[str, Any], name: str) -> Any:
        return self._find(record, name)[1]

    def _find(self, record: Mapping[str, Any], name: str) -> tuple[str | None, Any]:
        """(the path that held it, the value) of the first present path of a field."""
        for path in self.paths[name]:
            value = dig(record, *path.split("."))
            if value not in (None, "", []):
                return path, value
        return None, None

    def parse(self, record: Any, ctx: IngestContext) -> Event | None:
        if not isinstance(record, Mapping):
            return None
        time = parse_time(self._get(record, "time"))
        if time is None:
            ctx.notes["jsonl: record without a valid time"] += 1
            return None
        fps = self._get(record, "credential_fps")
        fps = [fps] if isinstance(fps, str) else fps if isinstance(fps, list) else []
        session_path, session = self._find(record, "session_uid")
        session = session if isinstance(session, str) else None
        status = as_int(self._get(record, "http_status"))
        outcome = str(self._get(record, "outcome") or "").lower()
        credential_fps = tuple(ctx.presented_fp(f, source=self.name) for f in fps if isinstance(f, str) and f.strip())
        return Event(
            time=time,
            source=self.name,
            uid=str(self._get(record, "uid") or ctx.digest(json.dumps(dict(record), sort_keys=True, default=str))),
            activity=str(self._get(record, "activity") or "http.request"),
            class_uid=int(record.get("class_uid") or HTTP_ACTIVITY)
            if str(record.get("class_uid", "")).isdigit()
            else HTTP_ACTIVITY,
            outcome=outcome if outcome in (Outcome.SUCCESS, Outcome.FAILURE) else Outcome.UNKNOWN,
            actor_uid=as_str(self._get(record, "actor_uid")),
            actor_name=as_str(self._get(record, "actor_name")),
            session_uid=session if session_path == OCSF_SESSION_UID else None,
            session_fp=ctx.fp(session) if session else None,
            identifier_fps=(("session", ctx.fp(session)),) if session else (),
            credential_fps=credential_fps,
            src_ip=as_str(self._get(record, "src_ip")),
            asn=as_int(self._get(record, "asn")),
            user_agent=as_str(self._get(record, "user_agent")),
            device_uid=as_str(self._get(record, "device_uid")),
            http_method=as_str(self._get(record, "http_method")),
            url_path=path_only(self._get(record, "url_path")),
            http_status=status,
        )
