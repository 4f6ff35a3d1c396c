"""`multipart/form-data` bodies: each part is scrubbed under its field name.

The boundary is read from the body's first line rather than from the MIME type, which HAR
exporters often drop. Binary file parts are left alone; text parts and fields are scrubbed.
"""

from __future__ import annotations

import re

from ._api import Scrub
from .base64 import is_binary

__all__ = ["MultipartLayer"]

_FIRST_LINE = re.compile(r"--([^\r\n]{1,200})\r?\n")
_NAME = re.compile(r"""(?i)content-disposition:[^\r\n]*?\bname=(?:"([^"]*)"|([^\s;]+))""")
_FILENAME = re.compile(r"(?i)content-disposition:[^\r\n]*?\bfilename\*?=")


class MultipartLayer:
    name = "multipart"

    def sniff(self, text: str) -> bool:
        m = _FIRST_LINE.match(text)
        return m is not None and "content-disposition" in text[m.end() : m.end() + 400].lower()

    def scrub(self, text: str, scrub: Scrub, *, loc: str, depth: int) -> str | None:
        m = _FIRST_LINE.match(text)
        if m is None:
            return None
        delimiter = "--" + m.group(1)
        pieces = text.split(delimiter)
        changed = False
        for i, piece in enumerate(pieces):
            head, sep, body = piece.partition("\r\n\r\n")
            if not sep:
                head, sep, body = piece.partition("\n\n")
            name = _NAME.search(head)
            if not sep or name is None:
                continue
            key = name.group(1) if name.group(1) is not None else name.group(2)
            trailer = body[len(body.rstrip("\r\n")) :]
            value = body[: len(body) - len(trailer)]
            if _FILENAME.search(head) and is_binary(value.encode("utf-8", "surrogatepass")):
                continue
            new = scrub.value(value, key=key, loc=f"{loc}/multipart:{key}", depth=depth + 1)
            if new != value:
                pieces[i] = f"{head}{sep}{new}{trailer}"
                changed = True
        return delimiter.join(pieces) if changed else text
