"""`text/event-stream` bodies: every `data:` payload is scrubbed as text (usually JSON)."""

from __future__ import annotations

import re

from ._api import Scrub

__all__ = ["SSELayer"]

_FIELD = re.compile(r"(?m)^(data|event|id|retry):")
_DATA_URI = re.compile(r"(?i)data:[a-z0-9.+-]+/[a-z0-9.+-]+[;,]")  # `data:image/png;base64,…` is no stream
_DATA = re.compile(r"(?m)^(data:[ ]?)(.*?)(\r?)$")


class SSELayer:
    name = "sse"

    def sniff(self, text: str) -> bool:
        if text.startswith(":"):
            return True
        return _FIELD.match(text) is not None and _DATA_URI.match(text) is None

    def scrub(self, text: str, scrub: Scrub, *, loc: str, depth: int) -> str | None:
        if not scrub.survey(text) and "%" not in text:
            return text  # one look at the whole stream: no event can hold anything
        count = 0

        def data(m: re.Match[str]) -> str:
            nonlocal count
            count += 1
            new = scrub.text(m.group(2), loc=f"{loc}/sse[{count - 1}]", depth=depth + 1)
            return f"{m.group(1)}{new}{m.group(3)}"

        return _DATA.sub(data, text)
