"""Network and client context: ASN lookup, network prefixes, user-agent similarity.

There is no internet here and no MaxMind/pyasn data, so ASN lookup is pluggable: a local CSV
of `cidr,asn[,org]` rows when the operator has one; otherwise events that carry their own ASN
(Okta `securityContext.asNumber`, Entra `autonomousSystemNumber`) are used as they are, and
anything else is compared by network prefix (/24 for IPv4, /48 for IPv6), which approximates
"same provider" closely enough for a home or office line and is stricter than ASN.

User agents are compared the way Panther's `okta_potentially_stolen_session` rule does
(`SequenceMatcher` ratio, 0.95 by default, because Okta keeps sessions across browser
upgrades), plus a browser/major/OS family comparison for sources such as Auth0 that log a
parsed UA ("Firefox 118.0.0 / Windows 10.0.0") rather than the raw string.
"""

from __future__ import annotations

import csv
import ipaddress
import re
from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from ..errors import PolicyError

__all__ = ["AsnTable", "is_scripted", "network_of", "ua_family", "ua_similar"]

# Elastic "Okta AiTM Session Cookie Replay" non-browser list, plus common HTTP libraries.
_SCRIPTED = re.compile(
    r"^(?:python-requests|python-urllib|python-httpx|httpx|aiohttp|curl/|wget/|Go-http-client|Java/|okhttp|"
    r"libwww-perl|node-fetch|axios/|undici|PostmanRuntime|Apache-HttpClient|Ruby|Faraday|powershell|"
    r"Mozilla/5\.0 \(compatible; MSIE 9\.0; Windows NT; (?:Windows )?PowerShell)"
    r"|Headless|PhantomJS|Puppeteer|Playwright|Selenium",
    re.IGNORECASE,
)
_BROWSERS = (
    ("edge", r"Edg(?:e|A|iOS)?[/ ](\d+)"),
    ("opera", r"OPR[/ ](\d+)"),
    ("firefox", r"Firefox[/ ](\d+)"),
    ("chrome", r"Chrom(?:e|ium)[/ ](\d+)"),
    ("safari", r"Version/(\d+)[^ ]* (?:Mobile/\S+ )?Safari"),
    ("safari", r"^Safari[/ ](\d+)"),
)
_BROWSER_RES = tuple((name, re.compile(pattern)) for name, pattern in _BROWSERS)
_OSES = (
    ("windows", r"Windows"),
    ("ios", r"iPhone|iPad|iOS"),
    ("macos", r"Mac OS X|Macintosh|macOS"),
    ("android", r"Android"),
    ("chromeos", r"CrOS|Chrome OS"),
    ("linux", r"Linux|X11"),
)
_OS_RES = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _OSES)


def is_scripted(user_agent: str | None) -> bool:
    """A non-browser or headless client (`python-requests`, `curl`, `HeadlessChrome` …)."""
    return bool(user_agent) and _SCRIPTED.search(user_agent or "") is not None


@lru_cache(maxsize=4096)
def ua_family(user_agent: str) -> tuple[str, str, str] | None:
    """(browser, major version, OS) when both are recognisable, else None."""
    browser = major = os_name = None
    for name, pattern in _BROWSER_RES:
        m = pattern.search(user_agent)
        if m:
            browser, major = name, m.group(1)
            break
    for name, pattern in _OS_RES:
        if pattern.search(user_agent):
            os_name = name
            break
    if browser is None or major is None or os_name is None:
        return None
    return browser, major, os_name


@lru_cache(maxsize=16384)
def ua_similar(a: str, b: str, threshold: float = 0.95) -> bool:
    """Whether two user agents plausibly come from the same browser install."""
    if a == b:
        return True
    if SequenceMatcher(None, a, b).ratio() >= threshold:
        return True
    fa, fb = ua_family(a), ua_family(b)
    return fa is not None and fa == fb and (not a.startswith("Mozilla/") or not b.startswith("Mozilla/"))


@lru_cache(maxsize=65536)
def network_of(ip: str) -> str | None:
    """The /24 (IPv4) or /48 (IPv6) network of an address; None if it is not one."""
    try:
        address = ipaddress.ip_address(ip.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


@dataclass(frozen=True, slots=True)
class _Range:
    start: int
    end: int
    asn: int
    org: str


class AsnTable:
    """CIDR → ASN from a local CSV (`cidr,asn[,org]`, `#` comments); longest prefix wins."""

    def __init__(self, ranges: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, int, str]]) -> None:
        self._tables: dict[int, tuple[list[int], list[_Range]]] = {}
        for version in (4, 6):
            rows = sorted(
                (
                    _Range(int(n.network_address), int(n.broadcast_address), asn, org)
                    for n, asn, org in ranges
                    if n.version == version
                ),
                key=lambda r: (r.start, -r.end),
            )
            self._tables[version] = ([r.start for r in rows], rows)

    def __len__(self) -> int:
        return sum(len(rows) for _, rows in self._tables.values())

    @classmethod
    def from_csv(cls, path: Path) -> AsnTable:
        ranges = []
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                for number, row in enumerate(csv.reader(handle), 1):
                    if not row or row[0].lstrip().startswith("#") or row[0].strip().lower() in ("cidr", "network"):
                        continue
                    try:
                        network = ipaddress.ip_network(row[0].strip(), strict=False)
                        asn = int(row[1].strip().upper().removeprefix("AS"))
                    except (ValueError, IndexError):
                        raise PolicyError(f"{path}:{number}: expected `cidr,asn[,org]`") from None
                    ranges.append((network, asn, row[2].strip() if len(row) > 2 else ""))
        except OSError as exc:
            raise PolicyError(f"{path}: cannot read the ASN table ({exc.strerror})") from None
        return cls(ranges)

    def lookup(self, ip: str) -> tuple[int, str] | None:
        try:
            address = ipaddress.ip_address(ip.strip().strip("[]"))
        except ValueError:
            return None
        starts, rows = self._tables[address.version]
        value = int(address)
        best: _Range | None = None
        i = bisect_right(starts, value) - 1
        # Ranges sorted by start: an enclosing range starts at or before us; walk back a little
        # to find a shorter (enclosing) prefix when a more specific one ended before us.
        for j in range(i, max(-1, i - 64), -1):
            candidate = rows[j]
            if candidate.start <= value <= candidate.end and (
                best is None or candidate.end - candidate.start < best.end - best.start
            ):
                best = candidate
        return (best.asn, best.org) if best is not None else None
