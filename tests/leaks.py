"""Leak checks that name the planted *id* and the *spelling* that leaked, never the value.

Never write `assert secret not in text`: when it fails pytest prints both strings. Use
`assert_no_leak(text, {"plant-id": secret}, where="output")` instead; its frame is hidden from
pytest tracebacks (`__tracebackhide__`), so its arguments are not printed either.

A value can leak in many spellings, so `spellings()` lists the ones a HAR can hold: raw,
percent-encoded (four ways), JSON-escaped (also twice, for JSON inside a JSON string), HTML-escaped,
Python-repr-escaped (exception messages), and base64 (standard and URL-safe). Base64 is listed both
as the encoding of the value alone and as three "cores": the characters that encode only the
value's bytes when it sits at offset 0, 1 or 2 (mod 3) inside a longer base64 blob, so a secret
left inside a base64 body or a re-encoded JWT payload is found without decoding.
`decoded_views()` adds an independent second opinion by decoding the output (JSON strings,
percent-encoding, base64, raw deflate) before searching.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import math
import os
import re
import traceback
import zlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus, unquote, unquote_plus

import pytest

__all__ = [
    "assert_no_leak",
    "assert_no_leak_deep",
    "decoded_views",
    "find_leaks",
    "guarded",
    "spellings",
]

T = TypeVar("T")

# A base64 core shorter than this could match by chance in a large body.
_MIN_B64_CORE = 8
_B64_RUN = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_PCT_HEX = re.compile(r"%[0-9A-F]{2}")


def spellings(value: str) -> dict[str, str]:
    """Every spelling of `value` that a HAR may hold, by spelling name.

    Keys are always the same set except the base64 cores, which are left out when shorter than
    8 characters. Different names may map to the same text (for plain alphanumerics most do).
    """
    raw = value.encode("utf-8")
    url = quote(value, safe="")
    out = {
        "raw": value,
        "url": url,
        "url-path": quote(value),
        "url-plus": quote_plus(value),
        "url-lower": _PCT_HEX.sub(lambda m: m.group(0).lower(), url),
        "json": json.dumps(value, ensure_ascii=False)[1:-1],
        "json-ascii": json.dumps(value)[1:-1],
        "json-slash": json.dumps(value)[1:-1].replace("/", "\\/"),
        "json-twice": json.dumps(json.dumps(value, ensure_ascii=False)[1:-1], ensure_ascii=False)[1:-1],
        "html": html.escape(value, quote=True),
        "repr": repr(value)[1:-1],  # exception messages and logs often use !r
        "base64": base64.b64encode(raw).decode("ascii"),
        "base64-url": base64.urlsafe_b64encode(raw).decode("ascii"),
    }
    for shift in range(3):
        core = _base64_core(raw, shift)
        if len(core) >= _MIN_B64_CORE:
            out[f"base64-at{shift}"] = core
            out[f"base64-url-at{shift}"] = core.replace("+", "-").replace("/", "_")
    return out


def _base64_core(raw: bytes, shift: int) -> str:
    """The base64 characters fixed by `raw` alone when it starts `shift` bytes into a blob."""
    encoded = base64.b64encode(b"\0" * shift + raw).decode("ascii").rstrip("=")
    start = math.ceil(shift * 8 / 6)
    end = ((shift + len(raw)) * 8) // 6
    return encoded[start:end]


def find_leaks(data: str | bytes, planted: Mapping[str, str]) -> list[tuple[str, str]]:
    """(planted id, spelling name) for every spelling of every planted value found in `data`.

    Spellings with the same text are reported once, under the first name.
    """
    haystack_is_bytes = isinstance(data, bytes | bytearray)
    found: list[tuple[str, str]] = []
    for pid, value in planted.items():
        if not value:
            raise ValueError(f"planted value {pid!r} is empty")
        seen: set[str] = set()
        for name, text in spellings(value).items():
            if text in seen:
                continue
            seen.add(text)
            needle: str | bytes = text.encode("utf-8") if haystack_is_bytes else text
            if needle in data:  # type: ignore[operator]
                found.append((pid, name))
    return found


def _describe(leaks: list[tuple[str, str]]) -> str:
    by_id: dict[str, list[str]] = {}
    for pid, name in leaks:
        by_id.setdefault(pid, []).append(name)
    return "; ".join(f"{pid} [{', '.join(names)}]" for pid, names in by_id.items())


def assert_no_leak(data: str | bytes, planted: Mapping[str, str], where: str) -> None:
    """Fail if any spelling of any planted value is in `data`; the message has ids and names only."""
    __tracebackhide__ = True
    leaks = find_leaks(data, planted)
    if leaks:
        pytest.fail(f"{where}: planted values leaked: {_describe(leaks)}", pytrace=False)


def decoded_views(data: str | bytes, *, depth: int = 3, limit: int = 4000) -> Iterator[tuple[str, str]]:
    """(view name, text) for `data` and what an attacker gets by decoding it.

    Views: the text itself; its JSON string leaves, unescaped (also JSON parsed out of strings);
    percent-decoded (`+` as space and not); and every base64 run of 16+ characters decoded (standard
    or URL-safe, also raw-deflate-inflated, as SAML redirect binding does), recursively up to `depth`.
    At most `limit` views, so a huge input stays cheap.
    """
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes | bytearray) else data
    queue: list[tuple[str, str, int]] = [("text", text, 0)]
    seen: set[str] = set()
    emitted = 0
    while queue and emitted < limit:
        name, current, level = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        emitted += 1
        yield name, current
        if level >= depth:
            continue
        strings = _json_strings(current)
        if strings is not None:
            queue.append((f"{name}>json-strings", "\n".join(strings), level + 1))
        for label, decoded in (("pct", unquote(current)), ("pct-plus", unquote_plus(current))):
            if decoded != current:
                queue.append((f"{name}>{label}", decoded, level + 1))
        for i, blob in enumerate(_base64_texts(current)):
            queue.append((f"{name}>b64#{i}", blob, level + 1))


def _json_strings(text: str) -> list[str] | None:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(doc, str):
        return [doc]
    out: list[str] = []
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            out.extend(str(k) for k in node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            out.append(node)
            if node.lstrip()[:1] in ("{", "[") and len(out) < 100_000:
                try:
                    stack.append(json.loads(node))  # JSON inside a JSON string
                except (ValueError, RecursionError):
                    pass
    return out if out else None


def _base64_texts(text: str) -> Iterator[str]:
    for match in _B64_RUN.finditer(text):
        run = match.group(0).rstrip("=")
        for alt in (run, run.replace("-", "+").replace("_", "/")):
            padded = alt + "=" * (-len(alt) % 4)
            try:
                raw = base64.b64decode(padded, validate=True)
            except (binascii.Error, ValueError):
                continue
            for candidate in (raw, _inflate(raw)):
                if candidate:
                    decoded = _as_text(candidate)
                    if decoded is not None:
                        yield decoded
            break


def _inflate(raw: bytes) -> bytes | None:
    try:
        return zlib.decompressobj(-15).decompress(raw, 1 << 20)
    except zlib.error:
        return None


def _as_text(raw: bytes) -> str | None:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in decoded)
    return decoded if printable >= 0.9 * len(decoded) else None


def assert_no_leak_deep(data: str | bytes, planted: Mapping[str, str], where: str) -> None:
    """`assert_no_leak` over `data` and every decoded view of it."""
    __tracebackhide__ = True
    # Per id: the first (shallowest) view it was found in, and its spellings there.
    first: dict[str, tuple[str, list[str]]] = {}
    for view, text in decoded_views(data):
        for pid, name in find_leaks(text, planted):
            first.setdefault(pid, (view, []))
            if first[pid][0] == view:
                first[pid][1].append(name)
    if first:
        parts = [f"{pid} [{', '.join(names)}] in {view}" for pid, (view, names) in first.items()]
        pytest.fail(f"{where}: planted values leaked: " + "; ".join(parts), pytrace=False)


def guarded(planted: Mapping[str, str], fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Call `fn`; if it raises unexpectedly, fail without a traceback that would print arguments.

    pytest's long tracebacks print every frame's arguments, and harguard's inner frames hold the
    planted values. The failure names the exception type and the innermost frames (file, line,
    function) instead; its message is included only if it holds no planted value. Set
    HARGUARD_TEST_TRACEBACKS=1 to re-raise as is when debugging locally.
    """
    __tracebackhide__ = True
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        if os.environ.get("HARGUARD_TEST_TRACEBACKS") == "1":
            raise
        frames = traceback.extract_tb(exc.__traceback__)[-4:]
        where = " <- ".join(f"{os.path.basename(f.filename)}:{f.lineno} {f.name}" for f in reversed(frames))
        message = str(exc)
        shown = "(message withheld: it holds a planted value)" if find_leaks(message, planted) else message
        failure = f"{getattr(fn, '__name__', fn)} raised {type(exc).__name__}: {shown} at {where}"
    # Fail outside the except block: inside it, pytest would print the original exception as context.
    pytest.fail(failure, pytrace=False)
