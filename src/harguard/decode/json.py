"""JSON text (API bodies, JSON inside strings, WebSocket frames): walk the tree by key.

Keys give positions (`access_token`, `password` …), so every string leaf is handed back with
its key and the names of its siblings. A list inherits the key that holds it; an object held by
a credential key passes that key on to carrier members such as `value` (`{"token": {"value":
"…"}}`). The text is re-serialised only if a leaf changed, with the original's indentation style.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..har import _json
from ..policy import normalize_key
from ._api import Scrub

__all__ = ["JSONLayer"]

_CARRIERS = frozenset({"value", "token", "secret", "data", "raw", "encoded", "jwt", "key", "credential"})


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


class _Walker:
    """Walks a parsed JSON document, handing back only the values that may matter.

    Most leaves of an API response are ids, timestamps and words under harmless keys; the
    scrubber's `needs_look` answers for them without building a location or a sibling list.
    """

    def __init__(self, scrub: Scrub, depth: int, context: object) -> None:
        self.scrub = scrub
        self.depth = depth
        self.context = context
        self.changed = False

    def node(self, node: Any, loc: str, *, key: str | None, siblings: Collection[str] | None) -> Any:
        if isinstance(node, dict):
            return self._object(node, loc, key)
        if isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, (dict, list)):
                    node[i] = self.node(item, f"{loc}[{i}]", key=key, siblings=siblings)
                elif isinstance(item, str) and self.scrub.needs_look(item, key or "", self.context):
                    node[i] = self._leaf(item, f"{loc}[{i}]", key, siblings)
            return node
        if isinstance(node, str):
            return self._leaf(node, loc, key, siblings)
        return node

    def _object(self, node: dict[str, Any], loc: str, key: str | None) -> dict[str, Any]:
        needs_look = self.scrub.needs_look
        context = self.context
        siblings: list[str] | None = None
        person: bool | None = None
        for k, v in node.items():
            if isinstance(v, str):
                if not needs_look(v, k, context):
                    if not self.scrub.is_person_key(k):
                        continue
                    if person is None:
                        siblings = [normalize_key(name) for name in node]
                        person = self.scrub.describes_person(siblings)
                    if not person:
                        continue
            elif isinstance(v, (dict, list)):
                pass
            elif v is None or isinstance(v, bool) or not needs_look(str(v), k, context):
                continue
            if siblings is None:
                siblings = [normalize_key(name) for name in node]
            carrier = key is not None and normalize_key(k) in _CARRIERS and not self.scrub.is_sensitive_key(k)
            inherited = key if carrier else k
            here = f"{loc}.{k}"
            if isinstance(v, (dict, list)):
                node[k] = self.node(v, here, key=inherited, siblings=siblings)
            elif isinstance(v, str):
                node[k] = self._leaf(v, here, inherited, siblings)
            else:
                # A number under a credential key (an OTP, a PIN) is redacted like a string.
                text = str(v)
                new = self.scrub.value(text, key=inherited, loc=here, depth=self.depth, siblings=siblings,
                                       context=context)  # fmt: skip
                if new != text:
                    self.changed = True
                    node[k] = new
        return node

    def _leaf(self, value: str, loc: str, key: str | None, siblings: Collection[str] | None) -> str:
        new = self.scrub.value(value, key=key or "", loc=loc, depth=self.depth, siblings=siblings,
                               context=self.context)  # fmt: skip
        if new != value:
            self.changed = True
        return new
