"""JSON text (API bodies, JSON inside strings, WebSocket frames): walk the tree by key.

Keys give positions (`access_token`, `password` …), so every string leaf is handed back with
its key and the names of its siblings. A list inherits the key that holds it; an object held by
a credential key passes that key on to carrier members such as `value` (`{"token": {"value":
"…"}}`). The text is re-serialised only if a leaf changed, with the original's indentation style.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import Any

from ..har import _json
from ..keynames import normalize_key
from ._api import Scrub

__all__ = ["JSONLayer"]

_CARRIERS = frozenset({"value", "token", "secret", "data", "raw", "encoded", "jwt", "key", "credential"})
# In valid JSON, `"…"` followed by `:` can only be an object key (quotes inside strings are escaped).
_KEY = re.compile(r'"([^"\\]{1,128})"\s*:')  # keys with escapes are walked (see content_needs_walk)
_NAME = re.compile(r"[A-Za-z_:][\w.:-]{0,63}")
_PAIR = re.compile(r'\[\s*"([A-Za-z_][\w.:-]{0,63})"\s*,\s*"')  # `["name", "…` (each pair of a list)
_PARENT = re.compile(r'"([A-Za-z][A-Za-z0-9_-]{0,40})"\s*:\s*[\[{]')
_PERSON_KEY = re.compile(r'"(?i:nick[_-]?)?[Nn]ame"\s*:')
_NAME_MEMBER = re.compile(r'"name"\s*:\s*"([A-Za-z_:][\w.:-]{0,63})"')
_SCALAR = re.compile(r'\s*(?:"|-?\d|true\b|false\b|null\b)')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_decoder = json.JSONDecoder()


class JSONLayer:
    name = "json"

    def sniff(self, text: str) -> bool:
        stripped = text.strip()
        return len(stripped) > 1 and (
            (stripped[0] == "{" and stripped[-1] == "}") or (stripped[0] == "[" and stripped[-1] == "]")
        )

    def scrub(self, text: str, scrub: Scrub, *, loc: str, depth: int) -> str | None:
        context = scrub.survey(text)
        if not context:
            return text  # no telling key, rule keyword or hidden layer anywhere: skip the parse
        plan = _plan(text, scrub, context)
        if plan is not None:
            edited = _edit_in_place(text, plan, scrub, context, loc=loc, depth=depth)
            if edited is not None:
                return edited
        try:
            doc = _json.loads(text)
        except _json.JSONSyntaxError:
            return None
        walker = _Walker(scrub, depth + 1, context)
        new = walker.node(doc, f"{loc}/json:$", key=None, siblings=None)
        if not walker.changed:
            return text
        indent = "\n" in text.strip()
        return _json.dumps_str(new, indent=indent)


def _plan(text: str, scrub: Scrub, context: object) -> list[str] | None:
    """The keys to redact in place, or None when only a full parse and walk can tell.

    Most bodies need no walk: their keys are all harmless (then the plan is empty and, unless
    their content needs a look, they are left as they are), or the only telling keys are plain
    ones such as `password` or `email` with scalar values, whose values can be replaced where
    they stand. Conditional keys (`code`, `state`), person names, credential keys holding objects
    and content that hides layers (URL parameters, base64, JSON inside strings) take the walk.
    """
    if scrub.content_needs_walk(text, context):
        return None
    names = _PAIR.findall(text) if '["' in text or '[ "' in text else []
    if '"name"' in text and '"value"' in text:
        names += _NAME_MEMBER.findall(text)
    if any(scrub.name_matters(name) for name in set(names)):
        return None  # `{"name": "Cookie", "value": …}` and `["SAMLResponse", …]` pairs are walked
    # Every key that can matter holds a telling word, and the engine finds those keys directly.
    telling = scrub.telling_keys(text, context)
    if any(scrub.siblings_decide(key, ()) is None for key in telling):
        return _plan_with_all_keys(text, scrub)  # a conditional key (`code`, `state`): its siblings decide
    relevant = [key for key in telling if scrub.key_class(key) == 1]
    if _PERSON_KEY.search(text):
        context = [normalize_key(k) for k in telling] + [f"@{normalize_key(k)}" for k in _PARENT.findall(text)]
        if scrub.describes_person(context):
            return None  # a `name` beside an email, or under `customer`: only its object can tell
    return relevant


def _plan_with_all_keys(text: str, scrub: Scrub) -> list[str] | None:
    keys = {_decode_key(raw) for raw in _KEY.findall(text)}
    normalized = [normalize_key(k) for k in keys]
    relevant = []
    for key in keys:
        cls = scrub.key_class(key)
        if cls == 2 and scrub.describes_person(normalized):
            return None
        if cls == 1:
            if scrub.siblings_decide(key, normalized):
                return None  # `code` beside `state` or `redirect_uri` somewhere: the objects decide
            relevant.append(key)  # plain, or conditional on its value alone (`code` that looks random)
    return relevant


def _is_pair(item: Any) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 2
        and isinstance(item[0], str)
        and isinstance(item[1], str)
        and _NAME.fullmatch(item[0]) is not None
    )


def _decode_key(raw: str) -> str:
    if "\\" not in raw:
        return raw
    try:
        return str(json.loads(f'"{raw}"'))
    except ValueError:
        return raw


def _edit_in_place(text: str, keys: list[str], scrub: Scrub, context: object, *, loc: str, depth: int) -> str | None:
    """Replace the scalar values of plain telling keys where they stand, without a parse."""
    if not keys:
        return scrub.apply_survey_raw(text, context, loc=f"{loc}/json:$")
    pattern = re.compile('"(' + "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)) + ')"\\s*:')
    targets: list[tuple[str, int]] = []
    for m in pattern.finditer(text):
        at = m.end()
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        if text.startswith(("{", "["), at):
            return None  # a credential key holding an object or a list: walk it (nothing recorded yet)
        targets.append((_decode_key(m.group(1)), at))
    edits: list[tuple[int, int, str]] = []
    for key, at in targets:
        here = f"{loc}/json:$..{key}"
        if text.startswith('"', at):
            try:
                value, end = _decoder.raw_decode(text, at)
            except ValueError:
                return None
            new = scrub.value(value, key=key, loc=here, depth=depth + 1)
            if new != value:
                edits.append((at, end, json.dumps(new, ensure_ascii=False)))
            continue
        number = _NUMBER.match(text, at)
        if number is not None:
            new = scrub.value(number.group(0), key=key, loc=here, depth=depth + 1)
            if new != number.group(0):
                edits.append((at, number.end(), json.dumps(new, ensure_ascii=False)))
    out = []
    last = 0
    for start, end, replacement in edits:
        out.append(text[last:start])
        out.append(replacement)
        last = end
    out.append(text[last:])
    return scrub.apply_survey_raw("".join(out), context, loc=f"{loc}/json:$")


class _Walker:
    """Walks a parsed JSON document, handing back only the values that may matter.

    Most leaves of an API response are ids, timestamps and words under harmless keys: one cached
    look at the key and one cheap look at the value decide, without building a location or a
    sibling list. This loop runs for every leaf of every JSON body, so it is written for speed.
    """

    def __init__(self, scrub: Scrub, depth: int, context: object) -> None:
        self.scrub = scrub
        self.depth = depth
        self.context = context
        self.changed = False
        self.check = scrub.content_check(context)
        self.key_class = scrub.key_class

    def node(self, node: Any, loc: str, *, key: str | None, siblings: Collection[str] | None) -> Any:
        if isinstance(node, dict):
            return self._object(node, loc, key)
        if isinstance(node, list):
            if node and all(_is_pair(item) for item in node):
                # `[["SAMLResponse", "PHNh…"], ["RelayState", "/home"]]` (SAML-tracer `post`, form
                # dumps): a list of name and value pairs; each value sits under its name.
                for i, (name, value) in enumerate(node):
                    new = self.scrub.pair(name, value, loc=f"{loc}[{i}][{name}]", depth=self.depth)
                    if new != value:
                        node[i][1] = new
                        self.changed = True
                return node
            keyed = key is not None and self.key_class(key) == 1
            check = self.check
            for i, item in enumerate(node):
                if isinstance(item, (dict, list)):
                    node[i] = self.node(item, f"{loc}[{i}]", key=key, siblings=siblings)
                elif item.__class__ is str and (keyed or check(item)):
                    node[i] = self._leaf(item, f"{loc}[{i}]", key, siblings)
            return node
        if isinstance(node, str):
            return self._leaf(node, loc, key, siblings)
        return node

    def _object(self, node: dict[str, Any], loc: str, key: str | None) -> dict[str, Any]:
        name, value = node.get("name"), node.get("value")
        if isinstance(name, str) and isinstance(value, str) and _NAME.fullmatch(name):
            # `{"name": "Cookie", "value": "sid=…"}` (headers in SAML-tracer, Postman, HAR-like logs):
            # the value sits under the name it carries.
            new = self.scrub.pair(name, value, loc=f"{loc}[{name}]", depth=self.depth)
            if new != value:
                node["value"] = new
                self.changed = True
        key_class = self.key_class
        check = self.check
        siblings: list[str] | None = None
        person: bool | None = None
        for k, v in node.items():
            if k == "value" and isinstance(name, str) and isinstance(v, str) and _NAME.fullmatch(name):
                continue  # scrubbed above, under its name
            cls = key_class(k)
            if v.__class__ is str:
                if cls == 0 and not check(v):
                    continue
                if cls == 2:
                    if person is None:
                        siblings = self._siblings(node, key)
                        person = self.scrub.describes_person(siblings)
                    if not person and not check(v):
                        continue
            elif isinstance(v, (dict, list)):
                pass
            elif cls != 1 or v is None or isinstance(v, bool):
                continue
            if siblings is None:
                siblings = self._siblings(node, key)
            carrier = key is not None and normalize_key(k) in _CARRIERS and cls != 1
            inherited = key if carrier else k
            here = f"{loc}.{k}"
            if isinstance(v, (dict, list)):
                node[k] = self.node(v, here, key=inherited, siblings=siblings)
            elif isinstance(v, str):
                node[k] = self._leaf(v, here, inherited, siblings)
            else:
                # A number under a credential key (an OTP, a PIN) is redacted like a string.
                text = str(v)
                new = self.scrub.value(text, key=inherited or k, loc=here, depth=self.depth, siblings=siblings,
                                       context=self.context)  # fmt: skip
                if new != text:
                    self.changed = True
                    node[k] = new
        renamed = {
            k: new for k in node if check(k) and (new := self.scrub.leaf(k, loc=f"{loc}.<key>", depth=self.depth)) != k
        }
        if renamed:
            # Objects keyed by session ids or tokens (`{"sessions": {"<sid>": {…}}}`): the key goes too.
            items = [(renamed.get(k, k), v) for k, v in node.items()]
            node.clear()
            node.update(items)
            self.changed = True
        return node

    @staticmethod
    def _siblings(node: dict[str, Any], key: str | None) -> list[str]:
        """The object's normalised keys, and the key it sits under as `@key` (`"customer": {…}`)."""
        siblings = [normalize_key(name) for name in node]
        if key:
            siblings.append(f"@{normalize_key(key)}")
        return siblings

    def _leaf(self, value: str, loc: str, key: str | None, siblings: Collection[str] | None) -> str:
        new = self.scrub.value(value, key=key or "", loc=loc, depth=self.depth, siblings=siblings,
                               context=self.context)  # fmt: skip
        if new != value:
            self.changed = True
        return new
