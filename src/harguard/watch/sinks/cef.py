"""CEF over syslog: `CEF:0|harguard|watch|<version>|<rule>|<title>|<severity>|<extensions>` in an
RFC 5424 message, over TCP (RFC 6587 octet counting), TLS, or UDP.

Escaping follows the CEF spec as the Logstash codec and rsigma's parser implement it: in the
header `\\` and `|`; in extension values `\\`, `=`, and line breaks as `\\n` / `\\r`. `parse_cef`
is the inverse, used by the tests to prove the round trip.
"""

from __future__ import annotations

import re
import socket
import ssl
from typing import ClassVar

from ..._version import __version__
from ...errors import DeliveryError
from ..alerts import Alert
from ._base import Sink

__all__ = ["CefSyslogSink", "cef_line", "parse_cef"]

_CEF_SEVERITY = {"low": 3, "medium": 5, "high": 8, "critical": 10}
_SYSLOG_SEVERITY = {"low": 5, "medium": 4, "high": 3, "critical": 2}
_AUTHPRIV = 10


def _header(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _ext(value: object) -> str:
    text = str(value)
    return text.replace("\\", "\\\\").replace("=", "\\=").replace("\r", "\\r").replace("\n", "\\n")


def cef_line(alert: Alert) -> str:
    exposure = alert.exposure or {}
    evidence = alert.evidence
    ua = (evidence.get("user_agent") or {}).get("current") if isinstance(evidence.get("user_agent"), dict) else None
    ip = (evidence.get("ip") or {}).get("current") if isinstance(evidence.get("ip"), dict) else evidence.get("ip")
    fields = [
        ("rt", int(alert.time.timestamp() * 1000)),
        ("externalId", alert.uid),
        ("msg", alert.summary),
        ("cat", ",".join(alert.signals)),
        ("cs1Label", "case"),
        ("cs1", alert.case),
        ("cs2Label", "tenant"),
        ("cs2", alert.tenant),
        ("cs3Label", "fingerprint"),
        ("cs3", exposure.get("fingerprint")),
        ("cs4Label", "kind"),
        ("cs4", exposure.get("kind")),
        ("src", ip),
        ("requestClientApplication", ua),
        ("suser", (alert.actor or {}).get("uid")),
    ]
    extensions = " ".join(f"{k}={_ext(v)}" for k, v in fields if v not in (None, ""))
    header = "|".join(_header(x) for x in ("harguard", "watch", __version__, alert.rule, alert.title))
    return f"CEF:0|{header}|{_CEF_SEVERITY[alert.severity.value]}|{extensions}"


_HEADER_FIELD = re.compile(r"((?:[^|\\]|\\.)*)\|")
_EXT_KEY = re.compile(r"(?:^| )([A-Za-z0-9_.]+)=")


def parse_cef(line: str) -> tuple[list[str], dict[str, str]]:
    """(header fields, extensions) of a CEF line: the inverse of `cef_line`'s escaping."""
    start = line.index("CEF:")
    rest = line[start:]
    header: list[str] = []
    pos = 0
    for _ in range(7):
        m = _HEADER_FIELD.match(rest, pos)
        if m is None:
            raise ValueError("not a CEF line")
        header.append(re.sub(r"\\(.)", r"\1", m.group(1)))
        pos = m.end()
    ext_text = rest[pos:]
    keys = [m for m in _EXT_KEY.finditer(ext_text) if not _escaped(ext_text, m.start(1) - 1)]
    extensions: dict[str, str] = {}
    for i, m in enumerate(keys):
        end = keys[i + 1].start() if i + 1 < len(keys) else len(ext_text)
        raw = ext_text[m.end() : end]
        extensions[m.group(1)] = re.sub(r"\\(.)", lambda e: {"n": "\n", "r": "\r"}.get(e.group(1), e.group(1)), raw)
    return header, extensions


def _escaped(text: str, index: int) -> bool:
    """Whether the `=` after a key candidate is escaped (an odd run of backslashes before it)."""
    count, i = 0, index
    while i >= 0 and text[i] == "\\":
        count, i = count + 1, i - 1
    return count % 2 == 1


class CefSyslogSink(Sink):
    kind: ClassVar[str] = "cef"

    def __init__(
        self,
        *,
        host: str,
        port: int,
        protocol: str = "tcp",
        name: str | None = None,
        timeout: float = 5.0,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(name=name)
        self.host, self.port, self.protocol, self.timeout = host, port, protocol, timeout
        self.tls_context = tls_context

    def render(self, alert: Alert) -> bytes:
        pri = _AUTHPRIV * 8 + _SYSLOG_SEVERITY[alert.severity.value]
        stamp = alert.time.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        host = socket.gethostname() or "-"
        return f"<{pri}>1 {stamp} {host} harguard - watch - {cef_line(alert)}".encode()

    def send(self, payload: bytes) -> None:
        try:
            if self.protocol == "udp":
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                    sock.sendto(payload, (self.host, self.port))
                return
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as raw:
                if self.protocol == "tls":
                    context = self.tls_context or ssl.create_default_context()
                    with context.wrap_socket(raw, server_hostname=self.host) as sock:
                        sock.sendall(b"%d " % len(payload) + payload)
                else:
                    raw.sendall(b"%d " % len(payload) + payload)
        except OSError as exc:
            raise DeliveryError(f"{self.name}: {type(exc).__name__}") from None
