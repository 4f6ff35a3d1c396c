"""URLs: userinfo, path, query and fragment, each scrubbed in its own way.

The URL is split by hand, not with `urllib.parse.urlsplit`/`urlunsplit`, because those
normalise (an empty `?` disappears) and the output must differ from the input only where a
secret was. Query and fragment go through the form layer (`#access_token=…&id_token=…` is a
form), nested URLs in parameters (`redirect_uri`, `RelayState`, `returnTo`) come back here.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from ._api import Scrub
from .form import scrub_pairs

__all__ = ["URLLayer", "scrub_url"]

_URL = re.compile(
    r"""(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,20}:)?
        (?://(?P<userinfo>[^/?#@\s]*@)?(?P<host>[^/?#\s]*))?
        (?P<path>[^?#]*)
        (?:\?(?P<query>[^#]*))?
        (?:\#(?P<fragment>.*))?""",
    re.VERBOSE | re.DOTALL,
)
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\s]")  # any scheme: https, wss, mongodb, amqps …


class URLLayer:
    name = "url"

    def sniff(self, text: str) -> bool:
        return _ABSOLUTE.match(text) is not None and not any(c in text for c in " \n\t")

    def scrub(self, text: str, scrub: Scrub, *, loc: str, depth: int) -> str | None:
        return scrub_url(text, scrub, loc=loc, depth=depth)


def scrub_url(url: str, scrub: Scrub, *, loc: str, depth: int) -> str:
    """Scrub any URL, absolute or relative (`/path?query` as in the HTTP/2 `:path`)."""
    m = _URL.fullmatch(url)
    if m is None:
        return scrub.leaf(url, loc=loc, depth=depth)
    scheme, userinfo, host, path, query, fragment = m.group("scheme", "userinfo", "host", "path", "query", "fragment")
    depth += 1
    out = [scheme or ""]
    if host is not None:
        out.append("//")
        if userinfo:
            out.append(_scrub_userinfo(userinfo, scrub, loc=f"{loc}/userinfo", depth=depth))
        out.append(host)
    out.append(scrub.url_path(path, loc=f"{loc}/path", depth=depth) if path else "")
    if query is not None:
        out.append("?")
        out.append(scrub_pairs(query, scrub, loc=f"{loc}/query", depth=depth) if query else "")
    if fragment is not None:
        out.append("#")
        if "=" in fragment:
            # OAuth implicit flow and SPA routers put forms in fragments: `#/cb?code=…`.
            route, sep, form = fragment.rpartition("?") if "?" in fragment else ("", "", fragment)
            out.append(route + sep + scrub_pairs(form, scrub, loc=f"{loc}/fragment", depth=depth))
        else:
            out.append(scrub.leaf(fragment, loc=f"{loc}/fragment", depth=depth))
    return "".join(out)


def _scrub_userinfo(userinfo: str, scrub: Scrub, *, loc: str, depth: int) -> str:
    """`user:password@`: placeholders are percent-encoded here, since a `[` in the authority
    would make URL parsers read the host as an IPv6 literal."""
    body = userinfo[:-1]
    user, sep, password = body.partition(":")
    if user:
        new_user = scrub.value(unquote(user), key="username", loc=loc, depth=depth)
        user = user if new_user == unquote(user) else quote(new_user, safe="")
    if sep and password:
        new_password = scrub.value(unquote(password), key="password", loc=loc, depth=depth)
        password = password if new_password == unquote(password) else quote(new_password, safe="")
    return f"{user}{sep}{password}@"
