"""Builders and local servers for the watch tests.

- `okta_event`, `entra_row`, `auth0_log`: log records in the providers' documented shapes, with
  documentation IPs and ASNs (RFC 5737, RFC 5398), as in the monitoring anchors' examples.
- `okta_har`: a HAR whose `/api/v1/sessions/me` response names the Okta session, with the
  session cookies (`idx`, `DT`) that the watch must turn into fingerprints.
- `LocalServer`: a real HTTP server on loopback in a thread (http.server), answering through a
  route function and recording every request: the external APIs (Okta, Graph, Auth0, Google,
  webhooks, Splunk) are spoken to over real HTTP, never mocked in process.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from tests.builders import make_entry, make_har

__all__ = [
    "ADMIN_UA",
    "ATTACKER_UA",
    "CASE",
    "DT",
    "IDX",
    "LocalServer",
    "ResolveTo",
    "SESSION_ID",
    "TENANT",
    "USER_ID",
    "auth0_log",
    "entra_row",
    "make_jwt",
    "okta_event",
    "okta_har",
    "serve",
]

ADMIN_UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/117.0.0.0 Safari/537.36"
)
ATTACKER_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:118.0) Gecko/20100101 Firefox/118.0"
IDX = "102Zq7Hn4Kx9Lm2Pw8Rt5Vb3Yc6Nd1Gf0Jh"  # planted: the session cookie
DT = "DI0Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz"  # planted: the device-token cookie
SESSION_ID = "idxEXAMPLEsess0001AAAA"
USER_ID = "00uEXAMPLEADMIN01"
CASE = "CASE-1042"
TENANT = "acme"


def okta_har(
    *,
    ua: str = ADMIN_UA,
    started: str = "2023-10-02T13:55:00.000Z",
    idx: str = IDX,
    session_id: str = SESSION_ID,
    sid: str | None = None,
) -> dict[str, Any]:
    body = {
        "id": session_id,
        "userId": USER_ID,
        "login": "it-admin@example.com",
        "status": "ACTIVE",
        "createdAt": "2023-10-02T13:40:07.000Z",
        "expiresAt": "2023-10-03T01:40:07.000Z",
    }
    entry = make_entry(
        url="https://example.okta.com/api/v1/sessions/me",
        cookies=[("idx", idx), ("DT", DT), *([("sid", sid)] if sid else [])],
        started=started,
        body=json.dumps(body),
    )
    for header in entry["request"]["headers"]:
        if header["name"].lower() == "user-agent":
            header["value"] = ua
    return make_har([entry])


def okta_event(
    uuid: str,
    published: str,
    *,
    event_type: str = "user.authentication.sso",
    ip: str = "198.51.100.7",
    asn: int = 64500,
    ua: str = ADMIN_UA,
    dt: str = "a1b2c3d4e5f6",
    proxy: bool = False,
    session: str | None = SESSION_ID,
    result: str = "SUCCESS",
    risk: str | None = None,
    request_uri: str = "/app/UserHome",
    actor: str = USER_ID,
) -> dict[str, Any]:
    debug: dict[str, Any] = {"dtHash": dt, "requestUri": request_uri}
    if risk:
        debug["risk"] = f"{{level={risk}}}"
    return {
        "uuid": uuid,
        "published": published,
        "eventType": event_type,
        "severity": "INFO",
        "actor": {"id": actor, "type": "User", "alternateId": "it-admin@example.com"},
        "client": {
            "ipAddress": ip,
            "userAgent": {"rawUserAgent": ua},
            "device": "Computer",
            "geographicalContext": {"country": "United States"},
        },
        "authenticationContext": {"externalSessionId": session, "rootSessionId": session},
        "securityContext": {"asNumber": asn, "asOrg": f"as{asn}", "isProxy": proxy},
        "debugContext": {"debugData": debug},
        "outcome": {"result": result},
        "target": [{"type": "AppInstance", "displayName": "Okta Admin Console"}],
    }


def make_jwt(claims: dict[str, Any]) -> str:
    def seg(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    signature = "c2lnbmF0dXJlLW5vdC1yZWFsLTEyMzQ1Njc4OTA"
    return f"{seg({'alg': 'RS256', 'kid': 'k1', 'typ': 'JWT'})}.{seg(claims)}.{signature}"


def entra_row(
    created: str,
    *,
    uti: str,
    sid: str,
    ip: str = "203.0.113.50",
    asn: int = 64510,
    ua: str = "python-requests/2.31",
    unbound: bool = True,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": f"entra-{created}",
        "createdDateTime": created,
        "userPrincipalName": "it-admin@contoso.example",
        "userId": "11111111-2222-4333-8444-555555555555",
        "ipAddress": ip,
        "autonomousSystemNumber": asn,
        "isInteractive": False,
        "clientAppUsed": "Browser",
        "userAgent": ua,
        "sessionId": sid,
        "uniqueTokenIdentifier": uti,
        "incomingTokenType": "none",
        "riskEventTypes_v2": [],
        "riskLevelDuringSignIn": "none",
        "status": {"errorCode": 0},
    }
    if unbound:
        row["tokenProtectionStatusDetails"] = {
            "signInSessionStatus": "unbound",
            "signInSessionStatusCode": 1008,
        }
    return row


def auth0_log(
    log_id: str,
    date: str,
    *,
    sid: str,
    code: str = "ssa",
    ip: str = "203.0.113.50",
    country: str = "NL",
    ua: str = "Firefox 118.0.0 / Windows 10.0.0",
) -> dict[str, Any]:
    return {
        "log_id": log_id,
        "date": date,
        "type": code,
        "client_id": "AaiyAPdpYdesoKnqjj8HJqRn4T5titww",
        "client_name": "Admin Portal",
        "ip": ip,
        "user_agent": ua,
        "user_id": "auth0|64f0example",
        "user_name": "it-admin@example.com",
        "details": {"session_id": sid},
        "location_info": {"country_code": country, "city_name": "Amsterdam"},
    }


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Route = Callable[[Request], tuple[int, dict[str, str], bytes]]


@dataclass
class LocalServer:
    """A real HTTP server on 127.0.0.1; `requests` lists what it received, in order."""

    route: Route
    requests: list[Request] = field(default_factory=list)
    url: str = ""

    def handle(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        self.requests.append(request)
        return self.route(request)


@contextmanager
def serve(route: Route) -> Iterator[LocalServer]:
    server = LocalServer(route)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                self.command,
                self.path,
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length) if length else b"",
            )
            status, headers, body = server.handle(request)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_DELETE = do_PUT = _any

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


class ResolveTo(httpx.HTTPTransport):
    """An httpx transport that sends requests for `host` to a local server: the test's stand-in
    for DNS, so a call to `https://example.okta.com` really goes over HTTP to `LocalServer`."""

    def __init__(self, host: str, server: LocalServer) -> None:
        super().__init__()
        self.host = host
        self.target = httpx.URL(server.url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == self.host:
            request.url = request.url.copy_with(scheme="http", host=self.target.host, port=self.target.port)
        return super().handle_request(request)


def json_response(
    status: int, payload: Any, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(payload).encode()
