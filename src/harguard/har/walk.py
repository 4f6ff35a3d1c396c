"""The one canonical walk over every surface of a HAR document.

Each HAR object has a table from member name to handler, so every member of every object is
visited by exactly one handler: known members get the handler that understands them (a URL, a
header list, a body), anything else (comments, `_` extensions, members no exporter documents)
gets the generic one, which scrubs strings by the name that holds them. Nothing is skipped
unseen. Values are written back in place, so copies of one datum (URL ↔ `queryString`, `Cookie`
↔ `cookies[]`, `Location` ↔ `redirectURL`, `postData.text` ↔ `params`) come out the same
way they went in: through the same deterministic scrubber.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, Protocol

from ..errors import LimitExceededError
from ..keynames import normalize_key
from .context import host_of

__all__ = ["HarScrub", "walk_document", "walk_entry"]


class HarScrub(Protocol):
    """What the walk needs from a scrubber."""

    host: str | None

    def value(
        self, value: str, *, key: str, loc: str, depth: int = 0, siblings: Collection[str] | None = None
    ) -> str: ...

    def text(self, text: str, *, loc: str, depth: int = 0) -> str: ...

    def header(self, name: str, value: str, *, loc: str) -> str: ...

    def is_positional_header(self, name: str) -> bool: ...

    def survey(self, text: str) -> object: ...

    def needs_look(self, value: str, key: str, context: object) -> bool: ...

    def cookie(self, name: str, value: str, *, loc: str) -> str: ...

    def url(self, value: str, *, loc: str) -> str: ...

    def body(self, text: str, *, encoding: str | None, mime: str, loc: str) -> str: ...

    def server_ip(self, value: str, *, loc: str) -> str: ...


Handler = Callable[[HarScrub, Any, str], Any]

_MAX_DEPTH = 200


def _generic(s: HarScrub, node: Any, loc: str, key: str | None = None, depth: int = 0) -> Any:
    """Any value of unknown meaning: strings are scrubbed by the name that holds them."""
    if depth > _MAX_DEPTH:
        raise LimitExceededError(f"{loc}: nesting deeper than {_MAX_DEPTH} levels")
    if isinstance(node, str):
        return s.text(node, loc=loc) if key is None else s.value(node, key=key, loc=loc)
    if isinstance(node, dict):
        siblings = [normalize_key(k) for k in node]
        for k, v in node.items():
            if isinstance(v, str):
                node[k] = s.value(v, key=k, loc=f"{loc}.{k}", siblings=siblings)
            elif isinstance(v, (dict, list)):
                node[k] = _generic(s, v, f"{loc}.{k}", k, depth + 1)
            elif v is not None and not isinstance(v, bool) and isinstance(v, (int, float)):
                new = s.value(str(v), key=k, loc=f"{loc}.{k}", siblings=siblings)
                if new != str(v):
                    node[k] = new
        return node
    if isinstance(node, list):
        for i, item in enumerate(node):
            node[i] = _generic(s, item, f"{loc}[{i}]", key, depth + 1)
        return node
    return node


def _skip(s: HarScrub, node: Any, loc: str) -> Any:
    """Members that hold no secret by definition (times, sizes, methods, status codes, ids).
    Definitions are not promises: a long string or a structure there is scrubbed anyway."""
    if isinstance(node, str):
        return s.text(node, loc=loc) if len(node) > 24 else node
    if isinstance(node, (dict, list)):
        return _generic(s, node, loc)
    return node


def _url(s: HarScrub, node: Any, loc: str) -> Any:
    return s.url(node, loc=loc) if isinstance(node, str) else _generic(s, node, loc)


def _text(s: HarScrub, node: Any, loc: str) -> Any:
    return s.text(node, loc=loc) if isinstance(node, str) else _generic(s, node, loc)


def _headers(s: HarScrub, node: Any, loc: str) -> Any:
    if not isinstance(node, list):
        return _generic(s, node, loc)
    base = loc.removesuffix("s")
    # One survey of all plain header values (user agents, dates, ETags …) decides which of
    # them deserve a closer look; positional headers (Authorization, Cookie …) always do.
    plain = [h["value"] for h in node if isinstance(h, dict) and isinstance(h.get("name"), str)
             and isinstance(h.get("value"), str) and not s.is_positional_header(h["name"])]  # fmt: skip
    context = s.survey("\n".join(plain)) if plain else None
    for i, header in enumerate(node):
        if not isinstance(header, dict) or not isinstance(header.get("name"), str):
            node[i] = _generic(s, header, f"{base}[{i}]")
            continue
        name = header["name"]
        for member, value in header.items():
            if member == "value" and isinstance(value, str):
                if s.is_positional_header(name) or s.needs_look(value, "", context):
                    header["value"] = s.header(name, value, loc=f"{base}[{name.lower()}]")
            elif member != "name":
                header[member] = _generic(s, value, f"{base}[{name.lower()}].{member}")
    return node


def _cookies(s: HarScrub, node: Any, loc: str) -> Any:
    if not isinstance(node, list):
        return _generic(s, node, loc)
    base = loc.removesuffix("s")
    for i, cookie in enumerate(node):
        if not isinstance(cookie, dict) or not isinstance(cookie.get("name"), str):
            node[i] = _generic(s, cookie, f"{base}[{i}]")
            continue
        name = cookie["name"]
        here = f"{base}[{name}]"
        for member, value in cookie.items():
            if member == "value" and isinstance(value, str):
                cookie["value"] = s.cookie(name, value, loc=here)
            elif member not in ("name", "path", "domain", "expires", "httpOnly", "secure", "sameSite"):
                cookie[member] = _generic(s, value, f"{here}.{member}")
    return node


def _pairs(s: HarScrub, node: Any, loc: str) -> Any:
    """`queryString[]` and `postData.params[]`: values by name, with the other names as siblings."""
    if not isinstance(node, list):
        return _generic(s, node, loc)
    siblings = {normalize_key(p["name"]) for p in node if isinstance(p, dict) and isinstance(p.get("name"), str)}
    for i, pair in enumerate(node):
        if not isinstance(pair, dict) or not isinstance(pair.get("name"), str):
            node[i] = _generic(s, pair, f"{loc}[#{i}]")
            continue
        name = pair["name"]
        # The name is data too (a token can be a parameter name): scrubbed first, and the
        # location is built from what remains.
        new_name = s.text(name, loc=f"{loc}[#{i}].name")
        if new_name != name:
            pair["name"] = new_name
        here = f"{loc}[{new_name}]"
        for member, value in pair.items():
            if member == "value" and isinstance(value, str):
                pair["value"] = s.value(value, key=name, loc=here, siblings=siblings)
            elif member not in ("name", "fileName", "contentType"):
                pair[member] = _generic(s, value, f"{here}.{member}")
    return node


def _post_data(s: HarScrub, node: Any, loc: str) -> Any:
    if not isinstance(node, dict):
        return _generic(s, node, loc)
    body_loc = f"{loc[: -len('.postData')]}.body"
    for member, value in node.items():
        if member == "text" and isinstance(value, str):
            node["text"] = s.body(value, encoding=None, mime=str(node.get("mimeType") or ""), loc=body_loc)
        elif member == "params":
            node["params"] = _pairs(s, value, f"{loc[: -len('.postData')]}.param")
        elif member != "mimeType":
            node[member] = _generic(s, value, f"{loc}.{member}", member)
    return node


def _content(s: HarScrub, node: Any, loc: str) -> Any:
    if not isinstance(node, dict):
        return _generic(s, node, loc)
    text = node.get("text")
    if isinstance(text, str) and text:
        encoding = node.get("encoding")
        mime = str(node.get("mimeType") or "")
        node["text"] = s.body(text, encoding=encoding if isinstance(encoding, str) else None, mime=mime,
                              loc=f"{loc[: -len('.content')]}.body")  # fmt: skip
    for member, value in node.items():
        if member not in ("text", "size", "compression", "mimeType", "encoding"):
            node[member] = _generic(s, value, f"{loc}.{member}", member)
    return node


def _websocket_messages(s: HarScrub, node: Any, loc: str) -> Any:
    if not isinstance(node, list):
        return _generic(s, node, loc)
    texts = [m.get("data") for m in node if isinstance(m, dict) and m.get("opcode") != 2]
    if all(isinstance(t, str) for t in texts) and len(texts) == len(node):
        joined = "\n".join(texts)  # type: ignore[arg-type]
        if not s.survey(joined) and not any(s.needs_look(t, "", None) for t in texts):  # type: ignore[arg-type]
            return node  # one look at every text frame: none can hold anything
    for i, message in enumerate(node):
        here = f"{loc}[{i}]"
        if not isinstance(message, dict):
            node[i] = _generic(s, message, here)
            continue
        for member, value in message.items():
            if member == "data" and isinstance(value, str):
                binary = message.get("opcode") == 2
                message["data"] = s.body(value, encoding="base64" if binary else None, mime="", loc=f"{here}.data")
            elif member not in ("type", "time", "opcode"):
                message[member] = _generic(s, value, f"{here}.{member}", member)
    return node


def _server_ip(s: HarScrub, node: Any, loc: str) -> Any:
    return s.server_ip(node, loc=loc) if isinstance(node, str) else _generic(s, node, loc)


def _initiator(s: HarScrub, node: Any, loc: str, depth: int = 0) -> Any:
    """`_initiator` (Chrome): URLs and stack frames (`callFrames[].url`), stacks nest by `parent`."""
    if depth > _MAX_DEPTH:
        raise LimitExceededError(f"{loc}: nesting deeper than {_MAX_DEPTH} levels")
    if isinstance(node, list):
        for i, item in enumerate(node):
            node[i] = _initiator(s, item, f"{loc}[{i}]", depth + 1)
        return node
    if not isinstance(node, dict):
        return _generic(s, node, loc)
    for member, value in node.items():
        here = f"{loc}.{member}"
        if member == "url" and isinstance(value, str):
            node[member] = s.url(value, loc=here)
        elif member in ("lineNumber", "columnNumber", "type", "scriptId", "functionName", "requestId"):
            continue
        elif isinstance(value, (dict, list)):
            node[member] = _initiator(s, value, here, depth + 1)
        else:
            node[member] = _generic(s, value, here, member)
    return node


def _object(s: HarScrub, node: Any, loc: str, table: dict[str, Handler]) -> Any:
    if not isinstance(node, dict):
        return _generic(s, node, loc)
    for member, value in node.items():
        handler = table.get(member)
        here = f"{loc}.{member}"
        node[member] = handler(s, value, here) if handler is not None else _generic(s, value, here, member)
    return node


_REQUEST: dict[str, Handler] = {
    "method": _skip, "httpVersion": _skip, "headersSize": _skip, "bodySize": _skip,
    "url": _url, "headers": _headers, "cookies": _cookies,
    "queryString": lambda s, v, loc: _pairs(s, v, loc.replace(".queryString", ".query")),
    "postData": _post_data, "comment": _text,
}  # fmt: skip
_RESPONSE: dict[str, Handler] = {
    "status": _skip, "statusText": _skip, "httpVersion": _skip, "headersSize": _skip,
    "bodySize": _skip, "_transferSize": _skip, "headers": _headers, "cookies": _cookies,
    "content": _content, "redirectURL": _url, "comment": _text,
}  # fmt: skip
_ENTRY: dict[str, Handler] = {
    "pageref": _skip, "startedDateTime": _skip, "time": _skip, "timings": _skip,
    "connection": _skip, "_priority": _skip, "_resourceType": _skip, "_fromCache": _skip,
    "_transferSize": _skip, "cache": lambda s, v, loc: _generic(s, v, loc),
    "request": lambda s, v, loc: _object(s, v, loc, _REQUEST),
    "response": lambda s, v, loc: _object(s, v, loc, _RESPONSE),
    "serverIPAddress": _server_ip, "_webSocketMessages": _websocket_messages,
    "_initiator": _initiator, "comment": _text,
}  # fmt: skip
_PAGE: dict[str, Handler] = {
    "startedDateTime": _skip, "id": _skip, "pageTimings": _skip, "title": _text, "comment": _text,
}  # fmt: skip


def walk_entry(s: HarScrub, entry: Any, index: int) -> Any:
    """Scrub one entry in place (the unit of streaming and of the residual fix-up)."""
    loc = f"entries[{index}]"
    if isinstance(entry, dict):
        request = entry.get("request")
        url = request.get("url") if isinstance(request, dict) else None
        s.host = host_of(url) if isinstance(url, str) else None
    return _object(s, entry, loc, _ENTRY)


def walk_log_fields(s: HarScrub, log: dict[str, Any]) -> None:
    """Everything in `log` except the entries: pages, creator, browser, comments, extensions."""
    s.host = None
    for member, value in log.items():
        if member in ("entries", "version", "_harguard"):
            continue
        if member == "pages" and isinstance(value, list):
            for i, page in enumerate(value):
                value[i] = _object(s, page, f"pages[{i}]", _PAGE)
        else:
            log[member] = _generic(s, value, f"log.{member}", member)


def walk_document(s: HarScrub, doc: dict[str, Any]) -> None:
    """Scrub a whole (already validated) HAR document in place."""
    log = doc["log"]
    walk_log_fields(s, log)
    for i, entry in enumerate(log["entries"]):
        log["entries"][i] = walk_entry(s, entry, i)
