"""Reading free text: telling words, assignments (`key: "value"`), layer signs, edit lists.

The scrubber's leaf finders use these; they hold no state and no secret.
"""

from __future__ import annotations

import bisect
import ipaddress
import json
import re
from collections.abc import Sequence

from ..detect.entropy import is_placeholder_or_stopword
from ..keynames import normalize_key

__all__ = [
    "B64_TEXT", "CODE_BARE", "HEADER_LINE", "KV_AFTER", "PERCENT", "PLAIN_HEADER_NAMES", "QUOTED_B64", "URL_IN_TEXT",
    "HEADER_HINTS", "HINT_PATTERNS", "KEY_HINTS", "SIGHTING_PATTERNS", "Edit", "Edits", "assigned_keys",
    "candidate_keys", "is_private_ip", "person_hint", "is_script", "looks_secretish", "may_have_layers",
    "plausible_secret", "unescape",
]  # fmt: skip

Edit = tuple[int, int, str]

# Words that make a key name worth a look: the prefilter's "key" hint group.
KEY_HINTS = (
    "token", "secret", "pass", "pwd", "key", "auth", "sess", "sid", "credential", "otp", "csrf",
    "xsrf", "jwt", "bearer", "cookie", "signature", "sig", "saml", "assertion", "code", "state",
    "nonce", "ticket", "handle", "answer", "verifier", "hint", "hash", "mail", "phone", "mobile", "tel",
    "firstname", "first_name", "lastname", "last_name", "fullname", "displayname", "givenname",
    "given_name", "family", "surname", "middle", "unique", "address", "street", "postal", "zip", "login",
    "username", "user_name", "upn", "birth", "dob", "ssn", "social", "tax", "cvv", "cvc", "iban", "card",
    "clientip", "client_ip", "remote",
)  # fmt: skip
# Header lines in logs and pasted requests (`Authorization: Bearer …`, `Cookie: a=b`).
HEADER_HINTS = ("authorization", "cookie", "x-api-key", "-token", "api-key", "x-auth")
# Patterns that say a JSON text hides a layer: a quoted base64-looking string, a \u escape of
# an ASCII character (which could spell a key name).
# Where a telling key is assigned a value (`apiKey: "`, `password=`): its separator's end.
SIGHTING_PATTERNS = {
    "assign": "(?i:"
    + "|".join(re.escape(w) for w in sorted(KEY_HINTS, key=len, reverse=True))
    + r")[A-Za-z0-9_$.@-]{0,63}\\?[\"'`]?[ \t]{0,3}(?:=>|:=|[:=])",
}
HINT_PATTERNS = {
    "b64": r'"[A-Za-z0-9+/_-]{20,}={0,2}"',
    "escape": r"\\u00[0-7][0-9A-Fa-f]",
    # a URL or form parameter with a telling name (`?code=`, `&password=`, `"token=`)
    "param": r"(?i)[\"?&#;][A-Za-z0-9_.%-]{0,40}(?:token|secret|passw|pwd|code|state|sess|sid|key|auth"
    r"|sig|assertion|saml|ticket|nonce|hint|credential|otp|jwt|bearer|mail|user|login|relay|redirect"
    r"|return|goto|next|callback|continue|phone)[A-Za-z0-9_.%-]{0,40}=",
    "userinfo": r"://[^/\s\"@:]{1,64}:[^/\s\"@]{1,128}@",
    "datauri": r"(?i)data:[a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,80}[^,\s\"]{0,200};base64,",
}


def person_hint(parents: Sequence[str]) -> str:
    """A prefilter pattern for `"customer": {` and `"users": [`: objects whose `name` is a person's."""
    words = "|".join(re.escape(p) for p in sorted(parents, key=len, reverse=True))
    return rf'(?i)"(?:{words})s?"\s*:\s*[\[{{]'


QUOTED_B64 = re.compile(r'"([A-Za-z0-9+/_-]{20,}={0,2})"')

HEADER_LINE = re.compile(r"(?im)^[ \t>]*([A-Za-z][A-Za-z0-9-]{1,60}|:path):[ \t]*(\S[^\r\n]*?)[ \t]*\r?$")
PLAIN_HEADER_NAMES = frozenset({"authorization", "cookie", "apikey", "dpop", "cookie2"})
_KEY_RUN = re.compile(r"[A-Za-z0-9_$.@-]+")
_ASSIGNED_KEY_REVERSED = re.compile(r"""(?:>=|=:|[:=])[ \t]{0,3}["'`]?\\?([A-Za-z0-9_$.@-]{1,63})""")
_KEY_TAIL = re.compile(r"[A-Za-z0-9_$.@-]+$")
KV_AFTER = re.compile(
    r"""(?:\\?["'])?\s{0,3}(?:=>|:=|[:=])\s{0,3}
        (?:(\\?["'`])((?:\\.|[^\\"'`\r\n]){1,4000}?)\1      # quoted value (also \"-escaped JSON in JS)
          |([^\s"'`,;&<>(){}\[\]|]{1,4000}))                 # or a bare value
    """,
    re.VERBOSE,
)
# Any scheme: `mongodb://user:pass@host`, `amqps://…`, `redis://:pass@host` carry credentials too.
URL_IN_TEXT = re.compile(r"""(?i)\b[a-z][a-z0-9+.-]{1,20}://[^\s"'<>`\\{}|^]+""")
PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
# Every decode layer needs one of these; text without any is scanned as a leaf directly.
_URL_WITH_PARTS = re.compile(r"://[^\s]*[?#@]")
# Base64 that could hold text: long, with digits, upper and lower case (not hex, UUIDs, paths).
B64_TEXT = re.compile(r"(?=[^\s]*\d)(?=[^\s]*[A-Z])(?=[^\s]*[a-z])[A-Za-z0-9+/_-]{20,}={0,2}\s*")
_LAYER_STARTS = ("--", "data:", "event:", "id:", "retry:", "[", "{", "<")


def may_have_layers(value: str) -> bool:
    """Whether any decode layer could apply: every layer needs one of these signs (cheap `in`
    tests first, since this runs for most values of a capture)."""
    if "=" in value or value.startswith(_LAYER_STARTS):
        return True
    if "%" in value and PERCENT.search(value):
        return True
    if "://" in value and _URL_WITH_PARTS.search(value):
        return True
    if value[:1].isspace() and value.lstrip().startswith(_LAYER_STARTS):
        return True
    return len(value) >= 20 and B64_TEXT.fullmatch(value) is not None


CODE_BARE = re.compile(r"^!?(?:[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*|\d+|true|false|null|undefined|None)$")
_IDENTIFIER = re.compile(r"[a-z]+(?:[A-Z][a-z0-9]*)+|[a-z_]+(?:[.-][a-z_]+)*|[A-Z][a-z]+(?:[A-Z][a-z]+)*")
_CODE_WORDS = frozenset({
    "include", "omit", "same-origin", "same-site", "required", "optional", "hidden", "text",
    "password", "current-password", "new-password", "one-time-code", "username", "email",
    "disabled", "enabled", "string", "number", "boolean", "object", "function", "submit",
    "bearer", "basic", "token", "secret", "none", "default", "true", "false", "null", "undefined",
})  # fmt: skip


def assigned_keys(text: str, separator_ends: list[int]) -> list[tuple[int, int, str]]:
    """The keys before assignment separators that a sighting pattern found."""
    found: list[tuple[int, int, str]] = []
    last_end = -1
    for end in separator_ends:
        # Read backwards (on the reversed slice, so each sighting costs one short match): the
        # separator, optional blanks and quote, then the key itself.
        window = text[max(0, end - 80) : end][::-1]
        m = _ASSIGNED_KEY_REVERSED.match(window)
        if m is None:
            continue
        key_end = end - m.start(1)
        key_start = end - m.end(1)
        if key_start < last_end:
            continue
        last_end = key_end
        found.append((key_start, key_end, text[key_start:key_end].strip(".@$-")))
    return found


def candidate_keys(text: str, sightings: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Identifier-like keys around the sightings of telling fragments, with their spans."""
    found: list[tuple[int, int, str]] = []
    last_end = -1
    for start, end in sightings:
        if start < last_end:
            continue
        left = _KEY_TAIL.search(text, max(0, start - 63), start)
        if left is not None:
            start = left.start()
        right = _KEY_RUN.match(text, end, end + 63)
        if right is not None:
            end = right.end()
        last_end = end
        found.append((start, end, text[start:end].strip(".@$-")))
    return found


def is_script(mime: str, text: str) -> bool:
    """JavaScript and CSS: only quoted values count as `key: "value"` pairs there."""
    lowered = mime.lower()
    if "javascript" in lowered or "ecmascript" in lowered or "css" in lowered:
        return True
    if lowered and not lowered.startswith(("text/plain", "application/octet-stream")):
        return False
    head = text[:65536]
    return text[:1] not in "{[<" and sum(head.count(w) for w in _CODE_MARKERS) >= 5


_CODE_MARKERS = ("function(", "function ", "=>", "var ", "const ", "let ", "return ", "});")


def plausible_secret(key: str, value: str) -> bool:
    """A value in free text next to a telling key, that is not code or a placeholder.

    Scripts are full of `password: "password"`, `accesskey: "accessKey"` and
    `credentials: "include"`: words and identifiers, not secrets.
    """
    stripped = value.strip()
    if len(stripped) < 4 or is_placeholder_or_stopword(stripped) or stripped.lower() in _CODE_WORDS:
        return False
    if normalize_key(stripped) == normalize_key(key):
        return False
    if _IDENTIFIER.fullmatch(stripped) and not any(c.isdigit() for c in stripped):
        return False
    return not stripped.startswith(("function", "${", "{{", "#{", "%(", "<%"))


def looks_secretish(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value) and len(value) >= 8


def unescape(value: str) -> str:
    try:
        return str(json.loads(f'"{value}"'))
    except ValueError:
        return value.replace('\\"', '"').replace("\\'", "'")


class Edits:
    """Non-overlapping replacements of spans of one text: the first finder to claim a span
    wins. Kept sorted, so a claim costs a binary search (a log can hold thousands)."""

    __slots__ = ("_items", "_starts")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._items: list[Edit] = []

    def __bool__(self) -> bool:
        return bool(self._items)

    def is_free(self, start: int, end: int) -> bool:
        """Whether no claimed edit overlaps [start, end)."""
        i = bisect.bisect_right(self._starts, start)
        if i and self._items[i - 1][1] > start:
            return False
        return i == len(self._items) or self._items[i][0] >= end

    def claim(self, start: int, end: int, replacement: str) -> None:
        """Add an edit unless it overlaps one already claimed."""
        if self.is_free(start, end):
            i = bisect.bisect_right(self._starts, start)
            self._starts.insert(i, start)
            self._items.insert(i, (start, end, replacement))

    def within(self, start: int, end: int) -> list[Edit]:
        i = bisect.bisect_left(self._starts, start)
        j = bisect.bisect_left(self._starts, end)
        return [e for e in self._items[i:j] if e[1] <= end]

    def remove(self, edit: Edit) -> None:
        i = self._items.index(edit)
        del self._items[i], self._starts[i]

    def apply(self, text: str) -> str:
        if not self._items:
            return text
        out = []
        last = 0
        for start, end, replacement in self._items:
            out.append(text[last:start])
            out.append(replacement)
            last = end
        out.append(text[last:])
        return "".join(out)


def is_private_ip(value: str) -> bool:
    """Addresses of a customer's own network (RFC 1918, loopback, link-local, ULA)."""
    try:
        address = ipaddress.ip_address(value.strip().strip("[]").split("%")[0])
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local
