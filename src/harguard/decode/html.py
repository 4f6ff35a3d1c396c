"""HTML: hidden inputs, meta tags, then the page text and inline scripts.

`<input name="authenticity_token" value="…">`, `<input type="hidden" name="SAMLResponse"
value="…">` (auto-post forms) and `<meta name="csrf-token" content="…">` are scrubbed by their
name; the rest of the page, inline `<script>` configuration included, goes through the leaf
scrubber in code mode (only quoted values count as `key: "value"` pairs).
"""

from __future__ import annotations

import html
import re

from ._api import Scrub

__all__ = ["HTMLLayer", "XMLLayer"]

_TAG = re.compile(r"<(input|meta|param)\b([^<>]{0,4000})>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
# An attribute holding entity-encoded JSON or text: React/Inertia `data-page="{&quot;props&quot;…}"`.
_ENCODED_ATTR = re.compile(r"""(\s[\w:.-]+\s*=\s*)(["'])([^"'<>]*?&(?:quot|#34|#x22);[^"'<>]*)\2""", re.IGNORECASE)
_HTML_HINT = re.compile(r"(?i)<(?:!doctype\s+html|html|head|body|form|input|script|div|meta|a\s|p>|span|table)\b")


class HTMLLayer:
    name = "html"

    def sniff(self, text: str) -> bool:
        head = text.lstrip()[:1]
        return head == "<" and _HTML_HINT.search(text, 0, 8192) is not None

    def scrub(self, text: str, scrub: Scrub, *, loc: str, depth: int) -> str | None:
        loc = f"{loc}/html"
        out: list[str] = []
        last = 0
        for m in _TAG.finditer(text):
            new_tag = _scrub_tag(m, scrub, loc=loc, depth=depth + 1)
            if new_tag is not None:
                out.append(text[last : m.start()])
                out.append(new_tag)
                last = m.end()
        if out:
            out.append(text[last:])
            text = "".join(out)
        if "&" in text:
            text = _ENCODED_ATTR.sub(lambda a: _encoded_attribute(a, scrub, loc=loc, depth=depth + 1), text)
        return scrub.leaf(text, loc=loc, depth=depth + 1, code=True)


def _encoded_attribute(m: re.Match[str], scrub: Scrub, *, loc: str, depth: int) -> str:
    value = html.unescape(m.group(3))
    new = scrub.text(value, loc=f"{loc}:@{m.group(1).strip().rstrip('=').strip()}", depth=depth)
    if new == value:
        return m.group(0)
    return f"{m.group(1)}{m.group(2)}{html.escape(new, quote=True)}{m.group(2)}"


def _scrub_tag(m: re.Match[str], scrub: Scrub, *, loc: str, depth: int) -> str | None:
    tag, body = m.group(1).lower(), m.group(2)
    attrs: dict[str, tuple[str, int, int]] = {}
    for a in _ATTR.finditer(body):
        group = 2 if a.group(2) is not None else 3 if a.group(3) is not None else 4
        attrs[a.group(1).lower()] = (a.group(group), a.start(group), a.end(group))
    if tag == "meta":
        name_attr = attrs.get("name") or attrs.get("property") or attrs.get("http-equiv")
        target = "content"
    else:
        name_attr = attrs.get("name") or attrs.get("id")
        target = "value"
    if target not in attrs:
        return None
    key = name_attr[0] if name_attr else ""
    if tag == "input" and attrs.get("type", ("",))[0].lower() == "password":
        key = "password"
    if not key:
        return None
    raw, start, end = attrs[target]
    value = html.unescape(raw)
    new = scrub.value(value, key=html.unescape(key), loc=f"{loc}:{tag}[{key}]", depth=depth)
    if new == value:
        return None
    body = body[:start] + html.escape(new, quote=True) + body[end:]
    return f"<{m.group(1)}{body}>"


# A declaration, a namespace, or plain nested elements (`<Response><Token>…</Token>`): XML that
# is not a page (the HTML layer has had its turn).
_XML_HINT = re.compile(r"<\?xml|<[\w.-]+:[\w.-]+[\s>]|xmlns|<[\w.-]+>\s*<[\w.-]+>[^<]*</[\w.-]+>")
_ELEMENT = re.compile(r"<((?:[\w.-]+:)?([\w.-]+))(\s[^<>]*)?>([^<]{1,200000})</\1\s*>")
_START_TAG = re.compile(r"<([\w.:-]+)(\s[^<>]*?)(/?)>")
_XML_ATTR = re.compile(r"""(\s)([\w.-]+:)?([\w.-]+)(\s*=\s*)(?:"([^"]*)"|'([^']*)')""")

# SAML and WS-Security elements and attributes, mapped to the key names the position rules
# know (so the policy applies to them as well): signatures, sessions, identities.
_ELEMENT_KEYS = {
    "signaturevalue": "signature",
    "ciphervalue": "secret",
    "nameid": "username",
    "attributevalue": "samlattribute",
    "binarysecuritytoken": "token",
    "nonce": "nonce",
}
_ATTRIBUTE_KEYS = {"sessionindex": "sessionid"}


class XMLLayer:
    """XML and SOAP bodies, SAML assertions: signature values, NameID, attributes, sessions.

    Removing the signature values makes an assertion unusable; the issuer, audience,
    conditions, status and timestamps stay, because those are what SAML troubleshooting needs.
    """

    name = "xml"

    def sniff(self, text: str) -> bool:
        return text.lstrip()[:1] == "<" and _XML_HINT.search(text, 0, 4096) is not None

    def scrub(self, text: str, scrub: Scrub, *, loc: str, depth: int) -> str | None:
        loc = f"{loc}/xml"
        depth += 1

        def element(m: re.Match[str]) -> str:
            local, content = m.group(2), m.group(4)
            stripped = content.strip()
            if not stripped:
                return m.group(0)
            key = _ELEMENT_KEYS.get(local.lower(), local)
            value = html.unescape(stripped)
            new = scrub.value(value, key=key, loc=f"{loc}:{local}", depth=depth)
            if new == value:
                return m.group(0)
            head = m.group(0)[: m.start(4) - m.start(0)]
            return f"{head}{content.replace(stripped, html.escape(new, quote=False))}</{m.group(1)}>"

        def start_tag(m: re.Match[str]) -> str:
            attrs = m.group(2)
            if "=" not in attrs:
                return m.group(0)
            new_attrs = _XML_ATTR.sub(lambda a: _attribute(a, scrub, loc=loc, depth=depth), attrs)
            return f"<{m.group(1)}{new_attrs}{m.group(3)}>"

        return _START_TAG.sub(start_tag, _ELEMENT.sub(element, text))


def _attribute(m: re.Match[str], scrub: Scrub, *, loc: str, depth: int) -> str:
    local = m.group(3)
    raw = m.group(5) if m.group(5) is not None else m.group(6)
    key = _ATTRIBUTE_KEYS.get(local.lower(), local)
    value = html.unescape(raw)
    new = scrub.value(value, key=key, loc=f"{loc}:@{local}", depth=depth)
    if new == value:
        return m.group(0)
    quote = '"' if m.group(5) is not None else "'"
    return f"{m.group(1)}{m.group(2) or ''}{local}{m.group(4)}{quote}{html.escape(new, quote=True)}{quote}"
