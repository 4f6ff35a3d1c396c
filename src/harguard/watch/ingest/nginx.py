"""nginx access logs → Event: the `combined` format, and JSON lines (`escape=json`).

`combined` has no session field, so its events only carry client context (IP, UA, time) for
correlation. The JSON format is where an organisation's own edge logs presented credentials,
as *fingerprints* (`sess_fp`, set by the app or by njs/Lua as `HMAC(key, $cookie_…)`, a
`hm1:`-prefixed 16-hex prefix or the full 64 hex). A raw `$http_cookie` or `$cookie_*` field is
never read; it is counted so the operator knows the log itself is a token store to clean up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..events import HTTP_ACTIVITY, Event, Outcome, parse_time
from ._base import IngestContext, Ingestor, as_int, first, path_only

__all__ = ["NginxCombinedIngestor", "NginxJsonIngestor"]

_COMBINED = re.compile(
    r'(?P<ip>\S+) \S+ (?P<user>\S+) \[(?P<time>[^\]]+)\] "(?P<request>(?:[^"\\]|\\.)*)" (?P<status>\d{3}) '
    r'(?P<bytes>\S+)(?: "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)")?'
)
FP_FIELDS = ("sess_fp", "session_fp", "credential_fp", "cred_fp", "harguard_fp", "x_session_fp")
_RAW_FIELDS = re.compile(r"^(?:http_cookie|cookie|cookie_.+|http_authorization|authorization)$", re.IGNORECASE)


def _http(
    ip: str | None,
    ua: str | None,
    method: str | None,
    uri: Any,
    status: int | None,
    time: datetime,
    uid: str,
    fps: tuple[str, ...],
    ctx: IngestContext,
    source: str,
) -> Event:
    asn, as_org = ctx.asn_of(ip)
    return Event(
        time=time,
        source=source,
        uid=uid,
        activity="http.request",
        class_uid=HTTP_ACTIVITY,
        outcome=Outcome.UNKNOWN if status is None else Outcome.FAILURE if status in (401, 403) else Outcome.SUCCESS,
        credential_fps=fps,
        src_ip=ip,
        asn=asn,
        as_org=as_org,
        user_agent=ua or None,
        http_method=method,
        url_path=path_only(uri),
        http_status=status,
    )


class NginxCombinedIngestor(Ingestor):
    name = "nginx"
    lines = "text"

    def parse(self, record: Any, ctx: IngestContext) -> Event | None:
        if not isinstance(record, str):
            return None
        m = _COMBINED.match(record)
        if m is None:
            ctx.notes["nginx: line not in combined format"] += 1
            return None
        try:
            time = datetime.strptime(m.group("time"), "%d/%b/%Y:%H:%M:%S %z")
        except ValueError:
            ctx.notes["nginx: unreadable time_local"] += 1
            return None
        method, _, rest = m.group("request").partition(" ")
        uri = rest.rsplit(" ", 1)[0] if " HTTP/" in rest else rest
        ua = m.group("ua")
        return _http(
            m.group("ip"),
            None if ua in (None, "-") else ua,
            method or None,
            uri,
            as_int(m.group("status")),
            time,
            ctx.digest(record),
            (),
            ctx,
            self.name,
        )


class NginxJsonIngestor(Ingestor):
    name = "nginx-json"

    def parse(self, record: Any, ctx: IngestContext) -> Event | None:
        if not isinstance(record, Mapping):
            return None
        time = parse_time(first(record, "time", "time_iso8601", "@timestamp", "timestamp", "msec"))
        if time is None:
            ctx.notes["nginx-json: line without a valid time"] += 1
            return None
        if any(_RAW_FIELDS.match(k) and v not in (None, "", "-") for k, v in record.items()):
            ctx.notes["nginx-json: a raw cookie/authorization field is logged (ignored; audit this log)"] += 1
        fps: list[str] = []
        for name in FP_FIELDS:
            value = record.get(name)
            if isinstance(value, str):
                fps.extend(
                    ctx.presented_fp(v, source=self.name) for v in value.split(",") if v.strip() not in ("", "-")
                )
        method = first(record, "method", "request_method")
        uri = first(record, "uri", "request_uri")
        if method is None and isinstance(record.get("request"), str):
            method, _, rest = record["request"].partition(" ")
            uri = rest.rsplit(" ", 1)[0]
        ua = first(record, "ua", "http_user_agent", "user_agent")
        ip = first(record, "remote_addr", "client_ip", "ip")
        uid = first(record, "request_id", "id")
        return _http(
            ip if isinstance(ip, str) else None,
            ua if isinstance(ua, str) and ua != "-" else None,
            method if isinstance(method, str) else None,
            uri,
            as_int(record.get("status")),
            time,
            str(uid) if uid else ctx.digest(repr(sorted(record.items(), key=lambda kv: kv[0]))),
            tuple(fps),
            ctx,
            self.name,
        )
