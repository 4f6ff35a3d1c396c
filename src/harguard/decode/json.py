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
    def __init__(self, scrub: Scrub, depth: int, context: object) -> None:
        self.scrub = scrub
        self.depth = depth
        self.context = context
        self.changed = False

    def node(self, node: Any, loc: str, *, key: str | None, siblings: Collection[str] | None) -> Any:
        if isinstance(node, str):
            new = self.scrub.value(node, key=key or "", loc=loc, depth=self.depth, siblings=siblings,
                                   context=self.context)  # fmt: skip
        elif isinstance(node, dict):
            names = [normalize_key(k) for k in node]
            for k, v in node.items():
                carrier = key is not None and normalize_key(k) in _CARRIERS and not self.scrub.is_sensitive_key(k)
                inherited = key if carrier else k
                node[k] = self.node(v, f"{loc}.{k}", key=inherited, siblings=names)
            return node
        elif isinstance(node, list):
            for i, item in enumerate(node):
                node[i] = self.node(item, f"{loc}[{i}]", key=key, siblings=siblings)
            return node
        elif key is not None and node is not None and not isinstance(node, bool):
            # A number under a credential key (an OTP, a PIN) is redacted like a string.
            text = str(node)
            new = self.scrub.value(text, key=key, loc=loc, depth=self.depth, siblings=siblings,
                                   context=self.context)  # fmt: skip
            if new != text:
                self.changed = True
                return new
            return node
        else:
            return node
        if new != node:
            self.changed = True
        return new
