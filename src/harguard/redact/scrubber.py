"""The scrubber: find and replace secrets in strings, layer by layer.

Every string of a capture reaches one of three doors:

* `value(v, key=…)`: a value stored under a name (header, cookie, parameter, JSON key). The
  position rules decide first; a credential position is replaced whole, whatever its shape.
* `text(t)`: a string with no telling name. Its layers are sniffed (JSON, HTML, XML, URL,
  multipart, event stream, form, base64, percent-encoding) and each inner value comes back
  through `value` with its own name.
* `leaf(t)`: text with no further structure. Header lines, `key: "value"` pairs with telling
  keys, embedded URLs, the value rules and copies of already known secrets are found there.

One scrubber serves one document run: it records findings and remembers every secret it
replaced (the redactor), so copies get the same placeholder.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from urllib.parse import unquote

from ..decode import LAYERS
from ..decode.base64 import BINARY_MIME, is_binary
from ..decode.base64 import decode_text as decode_base64_text
from ..decode.base64 import encode_text as encode_base64_text
from ..decode.datauri import DATA_URI, payload_span, scrub_payload
from ..decode.form import encode_component
from ..decode.url import scrub_url
from ..detect.catalogue import Rule
from ..detect.engine import Engine, Hits
from ..detect.entropy import has_uuid, looks_random
from ..detect.known import KnownSecrets
from ..detect.position import Position, Positions
from ..errors import LimitExceededError
from ..policy import Policy
from ..types import PLACEHOLDER_ANY_SPELLING, Finding, Severity
from ._text import (
    B64_TEXT,
    CODE_BARE,
    HEADER_HINTS,
    HEADER_LINE,
    HINT_PATTERNS,
    KEY_HINTS,
    KV_AFTER,
    PERCENT,
    PLAIN_HEADER_NAMES,
    QUOTED_B64,
    SIGHTING_PATTERNS,
    URL_IN_TEXT,
    Edits,
    assigned_keys,
    candidate_keys,
    is_private_ip,
    is_script,
    looks_secretish,
    may_have_layers,
    person_hint,
    plausible_secret,
    unescape,
)
from .jwt import JWT_SHAPE, jwt_facts, redact_jwt
from .placeholders import PLACEHOLDER_PREFIX, Redactor, contains_placeholder, is_placeholder

__all__ = [
    "CanaryMint",
    "HEADER_HINTS",
    "HINT_PATTERNS",
    "SIGHTING_PATTERNS",
    "person_hint",
    "KEY_HINTS",
    "Limits",
    "Scrubber",
]


@dataclass(frozen=True)
class Limits:
    """Hard limits on what one document may contain; exceeding one is an input error."""

    max_string_chars: int = 64 * 2**20
    max_layers: int = 8


_SCHEME_SPLIT = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)(\s+)(\S.*)", re.DOTALL)
_MIN_TEXT = 6
# A path segment after one of these is a token when it looks random: `/reset-password/<token>`,
# `/invite/<uuid>`, `/api/v1/sessions/<okta session id>`, `/magic-link/<token>`.
_PATH_WORDS = re.compile(
    r"(?i)token|reset|passw|verif|confirm|activat|invit|magic|session|auth|sso|otp|sign-?in|login|secret|ticket"
)
_MIN_PATH_TOKEN = 16
_HEADER_KEYS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})

CanaryMint = Callable[[str, str, str], str | None]
"""(kind, value, fingerprint) → a decoy that replaces the value, or None for a placeholder."""


@dataclass(frozen=True, slots=True)
class Survey:
    """What one look at a whole text found: prefilter hits and value-rule matches by secret."""

    hits: Hits
    matches: dict[str, Rule] = field(repr=False)  # keyed by the raw secrets
    escaped: bool = False


class Scrubber:
    """Finds and replaces secrets in the strings of one document (see module docstring)."""

    def __init__(
        self,
        *,
        engine: Engine,
        positions: Positions,
        policy: Policy,
        redactor: Redactor,
        limits: Limits,
        on_finding: Callable[[Finding], None],
        canary: CanaryMint | None = None,
    ) -> None:
        self.engine = engine
        self.positions = positions
        self.policy = policy
        self.redactor = redactor
        self.limits = limits
        self.on_finding = on_finding
        self.canary = canary
        self.known: KnownSecrets | None = None
        self._key_classes: dict[str, int] = {}
        self.kinds_seen: Counter[str] = Counter()
        self.host: str | None = None

    def __repr__(self) -> str:
        return f"<Scrubber engine={self.engine.backend} {self.redactor!r}>"

    # -- recording -----------------------------------------------------------------------
    def _record(self, value: str, *, kind: str, rule: str, severity: Severity, loc: str) -> None:
        self.kinds_seen[kind] += 1
        expires_at, links = jwt_facts(value, self.redactor) if value.startswith("eyJ") else (None, ())
        finding = Finding(kind, rule, self.location(loc), severity, self.redactor.fingerprint(value), expires_at, links)
        self.on_finding(finding)

    def location(self, text: str) -> str:
        """`text` (a location, or a message that names one) with every value-rule match replaced
        by its placeholder: locations are built from names in the capture (JSON keys, parameter
        and header names), and a name can be a secret too."""
        hits = self.engine.hits(text)
        if not hits.rules:
            return text
        edits = _own_placeholders(text)
        for m in self.engine.find(text, hits):
            if edits.is_free(m.start, m.end):
                critical = m.rule.severity is Severity.CRITICAL
                edits.claim(
                    m.start, m.end, self.redactor.placeholder(text[m.start : m.end], m.rule.kind, critical=critical)
                )
        return edits.apply(text)

    def redact(self, value: str, *, kind: str, rule: str, severity: Severity, loc: str) -> str:
        """Replace a whole secret: JWTs partially, everything else by its placeholder."""
        stripped = value.strip()
        if not stripped or is_placeholder(stripped) or stripped in self.policy.allow_values:
            return value
        if contains_placeholder(stripped) and JWT_SHAPE.match(stripped):
            return value  # a JWT this tool already redacted
        if stripped != value:
            lead = value[: len(value) - len(value.lstrip())]
            trail = value[len(value.rstrip()) :]
            return lead + self.redact(stripped, kind=kind, rule=rule, severity=severity, loc=loc) + trail
        critical = severity is Severity.CRITICAL
        replacement = self.redactor.replacement(value)
        if replacement is None and self.policy.jwt == "partial" and value.startswith("eyJ"):
            replacement = redact_jwt(value, kind=kind, redactor=self.redactor, critical=critical)
        if replacement is None and self.canary is not None:
            replacement = self._mint_canary(value, kind=kind, critical=critical)
        if replacement is None:
            replacement = self.redactor.placeholder(value, kind, critical=critical)
        elif critical:
            self.redactor.register(value, replacement, kind, critical=True)
        self._record(value, kind=kind, rule=rule, severity=severity, loc=loc)
        return replacement

    def _mint_canary(self, value: str, *, kind: str, critical: bool) -> str | None:
        """A format-preserving decoy instead of a placeholder (watch's canary mode), unless the
        decoy would itself look like a live credential to the value rules."""
        assert self.canary is not None
        minted = self.canary(kind, value, self.redactor.fingerprint(value))
        if not minted or self.engine.find(minted, only=Severity.CRITICAL):
            return None
        self.redactor.register(value, minted, kind, critical=critical)
        return minted

    def _redact_position(self, value: str, pos: Position, loc: str) -> str:
        if pos.mode == "whole":
            return self.redact(value, kind=pos.kind, rule=pos.rule, severity=pos.severity, loc=loc)
        if pos.mode == "authorization":
            return self.authorization(value, loc=loc, rule=pos.rule)
        if pos.mode == "cookie-header":
            return self.cookie_header(value, loc=loc)
        if pos.mode == "set-cookie":
            return self.set_cookie(value, loc=loc)
        if value[:1] in "<0123456789" or any(c in value for c in " \t\n"):
            # `Link: <https://…?token=…>; rel=next`, `Refresh: 0; url=…`: URLs inside a header value
            return self.leaf(value, loc=loc)
        return scrub_url(value, self, loc=loc, depth=0)

    # -- doors ---------------------------------------------------------------------------
    def pair(self, name: str, value: str, *, loc: str, depth: int) -> str:
        header = self.positions.header(name)
        if header is not None and header.mode != "whole":
            return self._redact_position(value, header, loc)  # Cookie, Authorization, Set-Cookie, URLs
        if header is not None and self.positions.key(name, value=value) is None:
            return self._redact_position(value, header, loc)
        return self.value(value, key=name, loc=loc, depth=depth)

    def name_matters(self, name: str) -> bool:
        return self.key_class(name) != 0 or self.positions.header(name) is not None

    def key_class(self, key: str) -> int:
        found = self._key_classes.get(key)
        if found is None:
            if self.positions.may_matter(key):
                found = 1
            elif self.policy.pii and self.positions.is_person_key(key):
                found = 2
            else:
                found = 0
            if len(self._key_classes) < 100_000:
                self._key_classes[key] = found
        return found

    def content_check(self, context: object) -> Callable[[str], bool]:
        survey = context if isinstance(context, Survey) else None
        return lambda value: self._worth_a_look(value, survey)

    def _worth_a_look(self, value: str, survey: Survey | None) -> bool:
        """Whether a value under a harmless key may hold something: a layer, a telling
        `key: value` in prose, a value-rule match its text's survey saw, a known secret."""
        if len(value) < _MIN_TEXT:
            return False
        if may_have_layers(value):
            return True
        if survey is not None:
            if ": " in value and "key" in survey.hits.hints:
                return True
            if any(secret in value for secret in survey.matches):
                return True
        return bool(self.known) and bool(self.known.present(value))  # type: ignore[union-attr]

    def describes_person(self, siblings: Collection[str]) -> bool:
        return self.positions.describes_person(siblings)

    def survey(self, text: str) -> Survey | None:
        """Look at a whole text once (a JSON body): its hits, and the value-rule matches in it."""
        hits = self.engine.hits(text)
        if not hits and not self.known:
            return None
        matches: dict[str, Rule] = {}
        escaped = False
        own = _own_placeholders(text)
        for m in self.engine.find(text, hits):
            if not own.is_free(m.start, m.end):
                continue
            secret = text[m.start : m.end]
            if "\\" in secret:
                secret = unescape(secret)
                escaped = True
            matches.setdefault(secret, m.rule)
        return Survey(hits, matches, escaped)

    def content_needs_walk(self, text: str, context: object) -> bool:
        """Signs that some value of this JSON text hides a layer, or holds a match that only a
        walk can place: URL or form parameters with telling names, URL credentials, JSON or
        markup inside strings, escapes, text-like base64, known secrets."""
        if not isinstance(context, Survey) or context.escaped:
            return True
        hints = context.hits.hints
        if "escape" in hints or "param" in hints or "userinfo" in hints or "datauri" in hints:
            return True
        if '\\"' in text or '"<' in text or '"{' in text or '"[' in text:
            return True
        if "key" in hints and "%" in text and PERCENT.search(text):
            return True
        if "b64" in hints and any(B64_TEXT.fullmatch(m.group(1)) for m in QUOTED_B64.finditer(text)):
            return True
        return bool(self.known) and bool(self.known.present(text))  # type: ignore[union-attr]

    def siblings_decide(self, key: str, keys: Collection[str]) -> bool | None:
        return self.positions.siblings_decide(key, keys)

    def telling_keys(self, text: str, context: object = None) -> set[str]:
        if isinstance(context, Survey) and "key" not in context.hits.hints:
            return set()  # every telling key holds a word of the "key" hint group
        return {key for _, _, key in self._assignments(text)}

    def _assignments(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of keys with a telling word followed by an assignment separator."""
        ends = self.engine.pattern_ends(text, "assign")
        if ends is None:
            return candidate_keys(text, self.engine.hint_sightings(text, "key"))
        return assigned_keys(text, ends)

    def apply_survey_raw(self, text: str, context: object, *, loc: str) -> str:
        return self._apply_survey(text, context, loc=loc) if isinstance(context, Survey) else text

    def value(
        self,
        value: str,
        *,
        key: str,
        loc: str,
        depth: int = 0,
        siblings: Collection[str] | None = None,
        context: object | None = None,
    ) -> str:
        if len(value) > self.limits.max_string_chars:
            raise LimitExceededError(f"{loc}: a string of {len(value)} characters exceeds the limit")
        if key and key.lower() in _HEADER_KEYS:
            # `{"headers": {"Authorization": "Bearer …", "Cookie": "a=1; b=2"}}` in a log or a
            # test fixture: read as the header, so the scheme word and cookie names stay.
            header = self.positions.header(key)
            if header is not None:
                return self._redact_position(value, header, loc)
        pos = self.positions.key(key, value=value, siblings=siblings) if key else None
        if pos is not None:
            if pos.kind in ("saml-response", "saml-request"):
                return self._saml(value, pos, loc=loc, depth=depth)
            return self._redact_position(value, pos, loc)
        if not isinstance(context, Survey):
            return self.text(value, loc=loc, depth=depth)
        if may_have_layers(value):
            new = self.text(value, loc=loc, depth=depth)
        else:
            new = self._surveyed_leaf(value, context, loc=loc, depth=depth)
        return self._apply_survey(new, context, loc=loc)

    def needs_look(self, value: str, key: str, context: object) -> bool:
        """False when `value`, from a text whose survey is `context` (None: the survey found
        nothing), certainly holds nothing: the fast path for most values of a capture."""
        if key and self.positions.may_matter(key):
            return True
        return self._worth_a_look(value, context if isinstance(context, Survey) else None)

    def is_positional_header(self, name: str) -> bool:
        return self.positions.header(name) is not None

    def _surveyed_leaf(self, value: str, survey: Survey, *, loc: str, depth: int) -> str:
        """A plain value of a surveyed text: only what the survey saw can be in it."""
        if len(value) < _MIN_TEXT:
            return value
        found = [(secret, rule) for secret, rule in survey.matches.items() if secret in value]
        prose = "key" in survey.hits.hints and (": " in value or "headers" in survey.hits.hints)
        if not found and not prose and not (self.known and self.known.present(value)):
            return value
        return self.leaf(value, loc=loc, depth=depth)

    def _apply_survey(self, value: str, survey: Survey, *, loc: str) -> str:
        """Secrets the survey matched in the whole text (where a rule saw their context, such
        as an AWS key id next to its secret) are redacted in this value too."""
        for secret, rule in survey.matches.items():
            if secret in value:
                replacement = self.redact(secret, kind=rule.kind, rule=rule.id, severity=rule.severity, loc=loc)
                value = value.replace(secret, replacement)
        return value

    def text(self, text: str, *, loc: str, depth: int = 0) -> str:
        if len(text) < _MIN_TEXT:
            return text
        if len(text) > self.limits.max_string_chars:
            raise LimitExceededError(f"{loc}: a string of {len(text)} characters exceeds the limit")
        if depth < self.limits.max_layers and may_have_layers(text):
            for layer in LAYERS:
                if layer.sniff(text):
                    new = layer.scrub(text, self, loc=loc, depth=depth)
                    if new is not None:
                        return new
            if "%" in text and PERCENT.search(text):
                return self._percent(text, loc=loc, depth=depth)
        return self.leaf(text, loc=loc, depth=depth)

    def leaf(self, text: str, *, loc: str, depth: int = 0, code: bool = False) -> str:
        if len(text) < _MIN_TEXT:
            return text
        hits = self.engine.hits(text)
        known = self.known.present(text) if self.known else []
        if not hits and not known and "://" not in text:
            return text
        edits = _own_placeholders(text)
        if "://" in text:
            self._urls_in_text(text, edits, loc=loc, depth=depth)
        if "datauri" in hits.hints:
            self._data_uris(text, edits, loc=loc, depth=depth)
        if "headers" in hits.hints:
            self._header_lines(text, edits, loc=loc)
        if "key" in hits.hints:
            self._key_values(text, edits, loc=loc, depth=depth, code=code)
        for m in self.engine.find(text, hits):
            rule = m.rule
            secret = text[m.start : m.end]
            if (
                is_placeholder(secret)
                or text.startswith(PLACEHOLDER_PREFIX, m.end)
                or not edits.is_free(m.start, m.end)
            ):
                continue  # already redacted (a partial JWT ends in its placeholder) or claimed
            new = self.redact(secret, kind=rule.kind, rule=rule.id, severity=rule.severity, loc=loc)
            edits.claim(m.start, m.end, new)
        if known:
            for start, end, secret in self.known.spans(text, known):  # type: ignore[union-attr]
                edits.claim(start, end, self.known.replacement(secret))  # type: ignore[union-attr]
        return edits.apply(text)

    def url_path(self, path: str, *, loc: str, depth: int) -> str:
        segments = path.split("/")
        for i in range(1, len(segments)):
            segment, previous = segments[i], segments[i - 1]
            if (
                len(segment) >= _MIN_PATH_TOKEN
                and "." not in segment  # file names (`main.8f3a9c2b.js`); a JWT is left to its rule
                and _PATH_WORDS.search(previous)
                and not is_placeholder(segment)
                and (has_uuid(segment) or looks_random(unquote(segment), min_length=_MIN_PATH_TOKEN))
            ):
                segments[i] = self.redact(
                    segment, kind="url-path-token", rule="position.url-path", severity=Severity.HIGH, loc=loc
                )
        return self.leaf("/".join(segments), loc=loc, depth=depth)

    # -- positions with structure --------------------------------------------------------
    def header(self, name: str, value: str, *, loc: str) -> str:
        pos = self.positions.header(name)
        if pos is None:
            return self.text(value, loc=loc)
        return self._redact_position(value, pos, loc)

    def authorization(self, value: str, *, loc: str, rule: str = "position.authorization") -> str:
        """`<scheme> <credentials>`: the scheme word stays (it says how the client authenticated)."""
        m = _SCHEME_SPLIT.fullmatch(value.strip())
        if m is None:
            return self.redact(value, kind="token", rule=rule, severity=Severity.CRITICAL, loc=loc)
        scheme, space, credentials = m.groups()
        kind = _SCHEME_KINDS.get(scheme.lower(), "authorization")
        new = self.redact(credentials, kind=kind, rule=rule, severity=Severity.CRITICAL, loc=loc)
        return f"{scheme}{space}{new}"

    def cookie(self, name: str, value: str, *, loc: str) -> str:
        pos = self.positions.cookie(name, self.host)
        if pos is None:
            return value
        return self.redact(value, kind=pos.kind, rule=pos.rule, severity=pos.severity, loc=loc)

    def cookie_header(self, value: str, *, loc: str) -> str:
        """`a=1; b=2`: every value by its cookie name, names and separators untouched. A
        nameless cookie (`Cookie: 3f9a…`, which browsers send for `Set-Cookie: 3f9a…`) goes whole."""
        parts = value.split(";")
        for i, part in enumerate(parts):
            parts[i] = self._cookie_pair(part, loc=loc)
        return ";".join(parts)

    def set_cookie(self, value: str, *, loc: str) -> str:
        """One or more `name=value; Path=/; …` lines: the value goes, the attributes stay."""
        lines = value.split("\n")
        for i, line in enumerate(lines):
            pair, semi, attributes = line.partition(";")
            lines[i] = f"{self._cookie_pair(pair, loc=loc)}{semi}{attributes}"
        return "\n".join(lines)

    def _cookie_pair(self, pair: str, *, loc: str) -> str:
        """` name = value` with its spacing kept; without a `=` the whole text is the value."""
        name, sep, cookie_value = pair.partition("=")
        if not sep:
            name, cookie_value = "", name
        stripped = cookie_value.strip()
        if not stripped or is_placeholder(stripped):
            return pair
        lead = cookie_value[: len(cookie_value) - len(cookie_value.lstrip())]
        trail = cookie_value[len(cookie_value.rstrip()) :]
        new = self.cookie(name.strip(), stripped, loc=f"{loc}:{name.strip()}")
        return f"{name}{sep}{lead}{new}{trail}"

    def url(self, value: str, *, loc: str) -> str:
        return scrub_url(value, self, loc=loc, depth=0)

    def body(self, text: str, *, encoding: str | None, mime: str, loc: str) -> str:
        """A request or response body; base64 bodies are decoded unless they are binary."""
        if encoding != "base64":
            if is_script(mime, text):
                return self.leaf(text, loc=loc, code=True)
            return self.text(text, loc=loc)
        if mime.lower().startswith(BINARY_MIME):
            return text
        head = text[:4096].strip()
        try:
            if is_binary(base64.b64decode(head[: len(head) - len(head) % 4])):
                return text  # an image or a font: decided on its first kilobytes, not decoded whole
        except (binascii.Error, ValueError):
            return self.text(text, loc=loc)
        found = decode_base64_text(text.strip())
        if found is None:
            return self.text(text, loc=loc)
        decoded, how = found
        new = self.text(decoded, loc=f"{loc}/base64", depth=1)
        return text if new == decoded else encode_base64_text(new, how)

    def server_ip(self, value: str, *, loc: str) -> str:
        """`serverIPAddress`: private addresses reveal a customer's network (policy decides)."""
        mode = self.policy.server_ip
        if mode == "keep" or (mode == "private" and not is_private_ip(value)):
            return value
        return self.redact(value, kind="server-ip", rule="position.server-ip", severity=Severity.LOW, loc=loc)

    # -- layers the scrubber handles itself ----------------------------------------------
    def _percent(self, text: str, *, loc: str, depth: int) -> str:
        decoded = unquote(text)
        if decoded == text:
            return self.leaf(text, loc=loc, depth=depth)
        new = self.text(decoded, loc=f"{loc}/percent", depth=depth + 1)
        if new == decoded:
            return text
        return encode_component(new, like=text, plus=False)

    def _saml(self, value: str, pos: Position, *, loc: str, depth: int) -> str:
        """SAML messages keep their readable parts (issuer, audience, conditions, status) when
        decoding them removed what matters (for a response: its signatures); if not, the whole
        value goes."""
        known = self.redactor.replacement(value)
        if known is not None:
            self._record(value, kind=pos.kind, rule=pos.rule, severity=pos.severity, loc=loc)
            return known
        signatures = self.kinds_seen["signature"]
        new = self.text(value, loc=loc, depth=depth)
        if new == value and _already_sanitized_saml(value):
            return value
        unsigned = pos.kind == "saml-response" and self.kinds_seen["signature"] == signatures
        if new == value or unsigned:
            return self.redact(value, kind=pos.kind, rule=pos.rule, severity=pos.severity, loc=loc)
        self._record(value, kind=pos.kind, rule=pos.rule, severity=pos.severity, loc=loc)
        self.redactor.register(value, new, pos.kind, critical=pos.severity is Severity.CRITICAL)
        return new

    # -- leaf finders ----------------------------------------------------------------------
    def _urls_in_text(self, text: str, edits: Edits, *, loc: str, depth: int) -> None:
        for m in URL_IN_TEXT.finditer(text):
            url = m.group(0).rstrip(".,;:!?)]'")
            if depth >= self.limits.max_layers or not (any(c in url for c in "?#@") or _PATH_WORDS.search(url)):
                continue
            if not edits.is_free(m.start(), m.start() + len(url)):
                continue
            new = scrub_url(url, self, loc=f"{loc}/url", depth=depth + 1)
            if new != url:
                edits.claim(m.start(), m.start() + len(url), new)

    def _data_uris(self, text: str, edits: Edits, *, loc: str, depth: int) -> None:
        if depth >= self.limits.max_layers:
            return
        for m in DATA_URI.finditer(text):
            span = payload_span(m)
            if span is not None and edits.is_free(*span):
                new = scrub_payload(text[span[0] : span[1]], self, loc=loc, depth=depth)
                if new is not None:
                    edits.claim(*span, new)

    def _header_lines(self, text: str, edits: Edits, *, loc: str) -> None:
        for m in HEADER_LINE.finditer(text):
            name, value = m.group(1), m.group(2)
            if "-" not in name and name.lower() not in PLAIN_HEADER_NAMES:
                continue  # `getCookie: function…` is code, not a header line
            pos = self.positions.header(name)
            if pos is None or pos.mode == "url" or value.startswith(("function", "{", "(", "[", "=>")):
                continue
            start, end = m.start(2), m.end(2)
            # a header value may hold our placeholders; it keeps them itself
            inside = [e for e in edits.within(start, end) if e[2] == text[e[0] : e[1]]]
            for placeholder in inside:
                edits.remove(placeholder)
            if not edits.is_free(start, end):
                for placeholder in inside:
                    edits.claim(*placeholder)
                continue
            new = self._redact_position(value, pos, f"{loc}/header[{name.lower()}]")
            edits.claim(start, end, new)  # claimed even if unchanged: the line is handled

    def _key_values(self, text: str, edits: Edits, *, loc: str, depth: int, code: bool) -> None:
        """`key: "value"`, `key = 'value'`, `key=value`: a telling key makes the value a secret."""
        for start, end, key in self._assignments(text):
            m = KV_AFTER.match(text, end)
            if m is None:
                continue
            quoted = m.group(2) is not None
            value = m.group(2) if quoted else m.group(3)
            if not quoted and (code or (CODE_BARE.fullmatch(value) and not looks_secretish(value))):
                continue
            pos = self.positions.key(key, value=value)
            if pos is None or is_placeholder(value) or not plausible_secret(key, value):
                continue
            vstart = m.start(2) if quoted else m.start(3)
            if not edits.is_free(start, vstart + len(value)):
                continue
            raw = value
            if quoted and "\\" in value:
                value = unescape(value)
            new = self.value(value, key=key, loc=f"{loc}/kv:{key}", depth=depth + 1)
            if new != value:
                edits.claim(vstart, vstart + len(raw), new)


_SCHEME_KINDS = {
    "bearer": "bearer-token",
    "basic": "basic-auth",
    "ssws": "okta-api-token",
    "token": "api-key",
    "dpop": "bearer-token",
    "digest": "digest-auth",
    "negotiate": "kerberos-ticket",
    "ntlm": "ntlm-auth",
    "aws4-hmac-sha256": "aws-signature",
    "sapisidhash": "google-session",
}


def _already_sanitized_saml(value: str) -> bool:
    """A SAML message this tool already sanitized: its decoded XML holds our placeholders."""
    decoded = decode_base64_text(value.strip())
    return decoded is not None and PLACEHOLDER_PREFIX in decoded[0]


def _own_placeholders(text: str) -> Edits:
    """Edits that claim our own placeholders, in any spelling, so no finder redacts inside one
    (idempotence: `[REDACTED:email:…]` must not read as an `email: …` pair on a second run, nor
    `%5BREDACTED%3Apassword%3A…%5D@host` as an email address)."""
    edits = Edits()
    if "REDACTED" in text:
        for own in PLACEHOLDER_ANY_SPELLING.finditer(text):
            edits.claim(own.start(), own.end(), own.group(0))
    return edits
