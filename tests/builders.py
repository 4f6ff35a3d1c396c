"""Builders for valid, Chrome-like HAR 1.2 documents that tests plant values into.

Every surface a test may need is a keyword argument of `make_entry`, and copies of the same datum are
produced the way Chrome writes them: the URL query is mirrored (decoded) in `queryString`, the `Cookie`
header in `request.cookies`, `Set-Cookie` in `response.cookies`, `Location` in `redirectURL`, and a form
`postData.text` in `postData.params`. Tests then only say what to plant, never how HAR is laid out.

`schema_errors` validates a document against harguard's HAR 1.2 schema (when it exists) and reports
JSON paths and validator names only: jsonschema's own messages quote the offending value.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "CHROME_UA",
    "HAR_SCHEMA_PATH",
    "Header",
    "har_schema",
    "header_value",
    "header_values",
    "make_entry",
    "make_har",
    "make_websocket_message",
    "parse_set_cookie",
    "schema_errors",
]

Header = tuple[str, str]

CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
STARTED = "2024-05-14T09:30:00.000Z"
HAR_SCHEMA_PATH = Path(__file__).resolve().parents[1] / "src/harguard/har/schema/har-1.2.schema.json"

_FORM = "application/x-www-form-urlencoded"


def make_har(
    entries: Sequence[Mapping[str, Any]] = (),
    *,
    pages: Sequence[tuple[str, str]] | None = (("page_1", "App - Example"),),
    comment: str | None = None,
    creator: tuple[str, str] = ("WebInspector", "537.36"),
    log_extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A HAR 1.2 document; `pages` is a list of (id, title), None leaves `pages` out."""
    log: dict[str, Any] = {
        "version": "1.2",
        "creator": {"name": creator[0], "version": creator[1]},
    }
    if pages is not None:
        log["pages"] = [
            {
                "startedDateTime": STARTED,
                "id": page_id,
                "title": title,
                "pageTimings": {"onContentLoad": 120.5, "onLoad": 310.25},
            }
            for page_id, title in pages
        ]
    log["entries"] = [copy.deepcopy(dict(e)) for e in entries]
    if comment is not None:
        log["comment"] = comment
    if log_extra:
        log.update(copy.deepcopy(dict(log_extra)))
    return {"log": log}


def make_entry(
    *,
    url: str = "https://app.example.com/api/v1/items?page=2",
    method: str = "GET",
    http_version: str = "http/2.0",
    request_headers: Sequence[Header] = (),
    default_headers: bool = True,
    pseudo_headers: bool = False,
    cookies: Sequence[Header] = (),
    cookie_header: bool = True,
    query_string: Sequence[Header] | None = None,
    post_text: str | None = None,
    post_mime: str = _FORM,
    post_params: Sequence[Header] | None = None,
    status: int = 200,
    status_text: str | None = None,
    response_headers: Sequence[Header] = (),
    set_cookies: Sequence[str] = (),
    set_cookie_joined: bool = False,
    response_cookies: Sequence[Mapping[str, Any]] | None = None,
    redirect_url: str = "",
    location_header: bool = True,
    body: str | bytes | None = None,
    mime_type: str = "application/json",
    base64_body: bool = False,
    websocket_messages: Sequence[Mapping[str, Any]] | None = None,
    initiator: Mapping[str, Any] | None = None,
    resource_type: str = "fetch",
    comment: str | None = None,
    request_comment: str | None = None,
    pageref: str | None = "page_1",
    started: str = STARTED,
    server_ip: str = "203.0.113.10",
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One HAR entry. Header names are written as given; the defaults are lowercase on HTTP/2.

    - `cookies`: request cookies as (name, value); written to `request.cookies` and, unless
      `cookie_header=False`, to one `Cookie` header joined by "; ".
    - `query_string`: defaults to the URL query, decoded as Chrome does (`+` and `%XX`).
    - `post_params`: defaults to the parsed `post_text` for form bodies, absent otherwise.
    - `set_cookies`: raw Set-Cookie values, one header each, or one header joined by "\\n" when
      `set_cookie_joined` (Chrome does this for HTTP/1.1); `response.cookies` is parsed from them
      unless `response_cookies` is given.
    - `redirect_url`: also written as a `Location` header unless `location_header=False`.
    - `body`: response text; `base64_body=True` stores it base64-encoded with `encoding: base64`.
    - `extra`: merged into the entry last (vendor `_` fields, overrides).
    """
    h2 = http_version.lower().startswith(("http/2", "h2", "http/3", "h3"))
    parts = urlsplit(url)

    req_headers: list[dict[str, str]] = []
    if pseudo_headers:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        req_headers += _nv(
            [
                (":authority", parts.netloc.rpartition("@")[2]),
                (":method", method),
                (":path", path),
                (":scheme", parts.scheme),
            ]
        )
    if default_headers:
        req_headers += _nv(
            [
                (_name("accept", h2), "application/json, text/plain, */*"),
                (_name("accept-language", h2), "en-US,en;q=0.9"),
                (_name("user-agent", h2), CHROME_UA),
            ]
        )
    if cookies and cookie_header:
        req_headers += _nv([(_name("cookie", h2), "; ".join(f"{n}={v}" for n, v in cookies))])
    req_headers += _nv(request_headers)

    if query_string is None:
        query_string = parse_qsl(parts.query, keep_blank_values=True)

    request: dict[str, Any] = {
        "method": method,
        "url": url,
        "httpVersion": http_version,
        "headers": req_headers,
        "queryString": _nv(query_string),
        "cookies": [{"name": n, "value": v} for n, v in cookies],
        "headersSize": -1,
        "bodySize": 0,
    }
    if post_text is not None:
        post: dict[str, Any] = {"mimeType": post_mime, "text": post_text}
        if post_params is None and post_mime.split(";")[0].strip().lower() == _FORM:
            post_params = parse_qsl(post_text, keep_blank_values=True)
        if post_params is not None:
            post["params"] = _nv(post_params)
        request["postData"] = post
        request["bodySize"] = len(post_text.encode())
    if request_comment is not None:
        request["comment"] = request_comment

    resp_headers = _nv(
        [
            (_name("content-type", h2), mime_type),
            (_name("date", h2), "Tue, 14 May 2024 09:30:00 GMT"),
        ]
    )
    if set_cookies:
        if set_cookie_joined:
            resp_headers += _nv([(_name("set-cookie", h2), "\n".join(set_cookies))])
        else:
            resp_headers += _nv([(_name("set-cookie", h2), sc) for sc in set_cookies])
    if redirect_url and location_header:
        resp_headers += _nv([(_name("location", h2), redirect_url)])
    resp_headers += _nv(response_headers)
    if response_cookies is None:
        response_cookies = [parse_set_cookie(sc) for sc in set_cookies]

    content: dict[str, Any] = {"size": 0, "mimeType": mime_type}
    if body is not None:
        raw = body.encode() if isinstance(body, str) else body
        content["size"] = len(raw)
        if base64_body or isinstance(body, bytes):
            content["text"] = base64.b64encode(raw).decode("ascii")
            content["encoding"] = "base64"
        else:
            content["text"] = body

    response: dict[str, Any] = {
        "status": status,
        "statusText": _reason(status) if status_text is None else status_text,
        "httpVersion": http_version,
        "headers": resp_headers,
        "cookies": [dict(c) for c in response_cookies],
        "content": content,
        "redirectURL": redirect_url,
        "headersSize": -1,
        "bodySize": content["size"],
        "_transferSize": content["size"] + 300,
    }

    entry: dict[str, Any] = {
        "_initiator": dict(initiator) if initiator is not None else {"type": "other"},
        "_priority": "High",
        "_resourceType": resource_type,
        "cache": {},
        "connection": "443",
        "request": request,
        "response": response,
        "serverIPAddress": server_ip,
        "startedDateTime": started,
        "time": 42.5,
        "timings": {
            "blocked": 1.5,
            "dns": -1,
            "ssl": -1,
            "connect": -1,
            "send": 0.25,
            "wait": 38.0,
            "receive": 2.75,
        },
    }
    if pageref is not None:
        entry["pageref"] = pageref
    if websocket_messages is not None:
        entry["_webSocketMessages"] = [dict(m) for m in websocket_messages]
    if comment is not None:
        entry["comment"] = comment
    if extra:
        entry.update(copy.deepcopy(dict(extra)))
    return entry


def make_websocket_message(
    data: str, *, type: str = "send", time: float = 1715679000.25, opcode: int = 1
) -> dict[str, Any]:
    """One Chrome `_webSocketMessages[]` item (opcode 1 = text frame)."""
    return {"type": type, "time": time, "opcode": opcode, "data": data}


def parse_set_cookie(value: str) -> dict[str, Any]:
    """The `response.cookies[]` item Chrome writes for one Set-Cookie value."""
    first, *attrs = [p.strip() for p in value.split(";")]
    name, _, val = first.partition("=")
    cookie: dict[str, Any] = {"name": name, "value": val}
    for attr in attrs:
        key, _, arg = attr.partition("=")
        key = key.strip().lower()
        if key == "path":
            cookie["path"] = arg
        elif key == "domain":
            cookie["domain"] = arg
        elif key == "expires":
            cookie["expires"] = arg
        elif key == "httponly":
            cookie["httpOnly"] = True
        elif key == "secure":
            cookie["secure"] = True
        elif key == "samesite":
            cookie["sameSite"] = arg
    cookie.setdefault("httpOnly", False)
    cookie.setdefault("secure", False)
    return cookie


def header_values(headers: Sequence[Mapping[str, Any]], name: str) -> list[str]:
    """Every value of a header, matched case-insensitively, in order."""
    return [h["value"] for h in headers if str(h.get("name", "")).lower() == name.lower()]


def header_value(headers: Sequence[Mapping[str, Any]], name: str) -> str:
    """The one value of a header; fails (without quoting values) when it is absent or repeated."""
    found = header_values(headers, name)
    assert len(found) == 1, f"expected one {name!r} header, found {len(found)}"
    return found[0]


@cache
def har_schema() -> dict[str, Any] | None:
    """harguard's HAR 1.2 JSON schema, or None while it does not exist yet."""
    if not HAR_SCHEMA_PATH.is_file():
        return None
    loaded: dict[str, Any] = json.loads(HAR_SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def schema_errors(document: Any) -> list[str] | None:
    """Schema violations as "json.path: validator" (never the offending value); None if no schema."""
    schema = har_schema()
    if schema is None:
        return None
    import jsonschema

    validator_cls = jsonschema.validators.validator_for(schema)
    validator = validator_cls(schema)
    return sorted(f"{err.json_path}: {err.validator}" for err in validator.iter_errors(document))


def _nv(pairs: Sequence[Header]) -> list[dict[str, str]]:
    return [{"name": n, "value": v} for n, v in pairs]


def _name(lower: str, h2: bool) -> str:
    return lower if h2 else "-".join(p.capitalize() for p in lower.split("-"))


_REASONS = {
    101: "Switching Protocols",
    200: "OK",
    204: "No Content",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
}


def _reason(status: int) -> str:
    return _REASONS.get(status, "")
