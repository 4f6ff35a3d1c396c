"""The catalogue of planted secrets (`PLANTS`) and of look-alikes that must survive (`DECOYS`).

Each `Plant` puts one dummy secret into one surface or encoding layer of a HAR; `Plant.planted()`
maps its id (plus ids for inner parts in `extras`, such as a JWT's signature or a SAML NameID) to
the values that must be gone from the sanitized output in every spelling (see `tests/leaks.py`).
Values are obvious dummies ("dummy" in them where the format allows) but shaped like the real thing:
checksums, prefixes and lengths are valid, so value-pattern rules fire as they would on real data.
They never end in `EXAMPLE`, which some rule sets allow-list. Reprs never show values.

Each `Decoy` plants a value that looks secret-ish but is debugging data, and says where it must be
found, unchanged, after sanitizing.

One module on purpose, though long: ids must stay unique across both lists, and a reviewer should see
every surface and layer side by side to spot the one that is missing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import string
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

from tests.builders import header_value, make_entry, make_har, make_websocket_message

__all__ = ["DECOYS", "PLANTS", "Decoy", "Plant", "github_token", "make_jwt", "plants_by_id", "png_bytes"]

Har = dict[str, Any]


# --------------------------------------------------------------------------- model


@dataclass(frozen=True, repr=False)
class Plant:
    """One secret planted in one place. `extras`: inner parts (by suffix) that must vanish too."""

    id: str
    value: str
    build: Callable[[Har], None]
    extras: Mapping[str, str] = field(default_factory=dict)
    path_has_secret: bool = False  # the secret sits in a URL path, so the path may change

    def planted(self) -> dict[str, str]:
        return {self.id: self.value, **{f"{self.id}/{k}": v for k, v in self.extras.items()}}

    def har(self) -> Har:
        har = make_har()
        self.build(har)
        return har

    def __repr__(self) -> str:
        return f"Plant({self.id!r})"


@dataclass(frozen=True, repr=False)
class Decoy:
    """A value that must survive: `get(document)` returns the text it must still be part of."""

    id: str
    value: str
    build: Callable[[Har], None]
    get: Callable[[Har], str]
    why: str

    def har(self) -> Har:
        har = make_har()
        self.build(har)
        return har

    def __repr__(self) -> str:
        return f"Decoy({self.id!r})"


def plants_by_id() -> dict[str, Plant]:
    return {p.id: p for p in PLANTS}


# --------------------------------------------------------------------------- value factories


def _b64(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return base64.b64encode(raw).decode("ascii")


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _noise(seed: str, size: int) -> bytes:
    """Deterministic high-entropy bytes (signatures, keys) derived from `seed`."""
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}/{counter}".encode()).digest()
        counter += 1
    return out[:size]


JWT_HEADER = {"alg": "RS256", "kid": "dummy-kid-2024-05", "typ": "JWT"}
JWT_SAFE_CLAIMS = {
    "iss": "https://dummy-idp.example.com/oauth2/default",
    "aud": "api://default",
    "iat": 1715678400,
    "exp": 1715682000,
    "scp": ["openid", "profile", "email"],
}


def make_jwt(
    *, seed: str, sub: str, email: str, name: str, jti: str, header: Mapping[str, Any] | None = None
) -> tuple[str, dict[str, str]]:
    """A signed-looking RS256 JWT and the parts that must not survive (sig and identifying claims)."""
    sid = f"sid-dummy-{seed}-0042"
    payload = {**JWT_SAFE_CLAIMS, "sub": sub, "email": email, "name": name, "jti": jti, "sid": sid}
    signature = _b64url(_noise(f"jwt-sig/{seed}", 256))
    token = ".".join(
        [
            _b64url(json.dumps(dict(header or JWT_HEADER), separators=(",", ":")).encode()),
            _b64url(json.dumps(payload, separators=(",", ":")).encode()),
            signature,
        ]
    )
    return token, {"sig": signature, "sub": sub, "email": email, "name": name, "jti": jti, "sid": sid}


_B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def github_token(body: str, prefix: str = "ghp_") -> str:
    """A GitHub token with a valid checksum: base62(crc32(body)), zero-padded to 6 characters."""
    assert len(body) == 30 and body.isalnum()
    n = zlib.crc32(body.encode())
    digits = ""
    while n:
        n, r = divmod(n, 62)
        digits = _B62[r] + digits
    return prefix + body + digits.rjust(6, "0")


def _saml_response(*, nameid: str, signature: str, attribute: str, rid: str) -> str:
    return (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        f'ID="_resp-{rid}" Version="2.0" IssueInstant="2024-05-14T09:30:00Z" '
        'Destination="https://sp.example.com/saml/acs">'
        "<saml:Issuer>https://dummy-idp.example.com/saml2</saml:Issuer>"
        '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
        f'<saml:Assertion ID="_assert-{rid}" Version="2.0" IssueInstant="2024-05-14T09:30:00Z">'
        "<saml:Issuer>https://dummy-idp.example.com/saml2</saml:Issuer>"
        '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>'
        '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
        f'<ds:Reference URI="#_assert-{rid}"><ds:DigestValue>{_b64(_noise("digest/" + rid, 32))}'
        "</ds:DigestValue></ds:Reference></ds:SignedInfo>"
        f"<ds:SignatureValue>{signature}</ds:SignatureValue></ds:Signature>"
        "<saml:Subject>"
        f'<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{nameid}</saml:NameID>'
        "</saml:Subject>"
        '<saml:Conditions NotBefore="2024-05-14T09:29:00Z" NotOnOrAfter="2024-05-14T09:35:00Z"/>'
        '<saml:AttributeStatement><saml:Attribute Name="employeeNumber">'
        f"<saml:AttributeValue>{attribute}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>"
        "</saml:Assertion></samlp:Response>"
    )


def png_bytes(width: int = 12, height: int = 12) -> bytes:
    """A small, valid, non-trivial PNG (high-entropy pixels), as a real image body would be."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + tag + data + zlib.crc32(tag + data).to_bytes(4, "big")

    noise = _noise("png", width * height * 3)
    rows = b"".join(b"\0" + noise[y * width * 3 : (y + 1) * width * 3] for y in range(height))
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def _deflate_b64(text: str) -> str:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    return _b64(comp.compress(text.encode()) + comp.flush())


def _json(obj: Any) -> str:
    return json.dumps(obj, indent=2)


def _add(har: Har, **kwargs: Any) -> dict[str, Any]:
    entry = make_entry(**kwargs)
    har["log"]["entries"].append(entry)
    return entry


# --------------------------------------------------------------------------- planted values

JWT_BEARER, JWT_BEARER_PARTS = make_jwt(
    seed="bearer",
    sub="00u1dummyuser0bearer",
    email="bearer.dummy@example.com",
    name="Bertha Dummyworth",
    jti="AT.dummyJti-bearer-0001",
)
JWT_COOKIE, JWT_COOKIE_PARTS = make_jwt(
    seed="cookie",
    sub="557058:dummy-cookie-account",
    email="cookie.dummy@example.com",
    name="Cora Dummyfield",
    jti="dummyJti-cookie-0002",
)
JWT_IDTOKEN, JWT_IDTOKEN_PARTS = make_jwt(
    seed="idtoken",
    sub="00u1dummyuser0idtok",
    email="idtoken.dummy@example.com",
    name="Ida Dummington",
    jti="ID.dummyJti-idtoken-0003",
)
JWT_FRAGMENT, JWT_FRAGMENT_PARTS = make_jwt(
    seed="fragment",
    sub="00u1dummyuser0frag",
    email="frag.dummy@example.com",
    name="Fran Dummystone",
    jti="ID.dummyJti-fragment-0004",
)
JWT_ASSERTION, JWT_ASSERTION_PARTS = make_jwt(
    seed="assertion",
    sub="0oa1dummyClientAssert",
    email="svc.dummy@example.com",
    name="Service Dummy Client",
    jti="dummyJti-assertion-0005",
)
JWT_HINT, JWT_HINT_PARTS = make_jwt(
    seed="hint",
    sub="00u1dummyuser0hint",
    email="hint.dummy@example.com",
    name="Hinton Dummyville",
    jti="ID.dummyJti-hint-0006",
)
JWT_PATH, JWT_PATH_PARTS = make_jwt(
    seed="path",
    sub="00u1dummyuser0path",
    email="path.dummy@example.com",
    name="Pat Dummyway",
    jti="dummyJti-magiclink-0007",
)

BASIC_PASSWORD = "Dummy-Passw0rd!42"
BASIC = _b64(f"dummy.user@example.com:{BASIC_PASSWORD}")
PROXY_PASSWORD = "Proxy-Dummy-Pass-42"
PROXY_BASIC = _b64(f"proxy-user:{PROXY_PASSWORD}")
LOG_BASIC = _b64("svc-backup:Log-Dummy-Passw0rd-99")

OKTA_SSWS = "00dummyOktaApiToken0123456789AbCdEfGhIjKlM"
assert len(OKTA_SSWS) == 42

AWS_AKID = "AKIAQ3DUMMYKEYZZ7ABC"
AWS_SECRET = "dUmMy0SeCrEt/KeY+For7Tests0nly012345678"
AWS_SECRET = AWS_SECRET + "9" * (40 - len(AWS_SECRET))
AWS_TEMP_AKID = "ASIAQ3DUMMYTEMPKEY7Z"
AWS_SESSION_TOKEN = "IQoJb3JpZ2luX2VjEDummySessionToken//////////wEaCXVzLWVhc3QtMSJHMEUCIQDdummy0123456789"
AWS_SIGV4_SIG = hashlib.sha256(b"dummy-sigv4-header-signature").hexdigest()
GITHUB_PAT = github_token("Dummy0GitHubPat0For0Tests00001")
SLACK_BOT = "xoxb-123456789012-1234567890123-DummySlackBotToken0AbCdE"
STRIPE_LIVE = "sk_live_51DummyStripeSecretKey0123456789AbCd"
GOOGLE_KEY = "AIza" + "SyDummyGoogleApiKey_0123456789-abcd"
assert len(GOOGLE_KEY) == 39
_PEM_BODY = _b64(_noise("pem", 144))
PEM_LINES = [_PEM_BODY[i : i + 64] for i in range(0, len(_PEM_BODY), 64)]
PEM_KEY = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(PEM_LINES) + "\n-----END RSA PRIVATE KEY-----\n"

SAML_RESP_XML = _saml_response(
    nameid="saml.form.dummy@example.com",
    signature=_b64(_noise("saml-form", 256)),
    attribute="EMP-DUMMY-000123",
    rid="form0001",
)
SAML_RESP = _b64(SAML_RESP_XML)
SAML_HTML_XML = _saml_response(
    nameid="saml.html.dummy@example.com",
    signature=_b64(_noise("saml-html", 256)),
    attribute="EMP-DUMMY-000456",
    rid="html0002",
)
SAML_HTML = _b64(SAML_HTML_XML)
SAML_REQ_NAMEID = "saml.request.dummy@example.com"
SAML_REQ = _deflate_b64(
    '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
    'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req-dummy-0003" Version="2.0" '
    'IssueInstant="2024-05-14T09:29:58Z" AssertionConsumerServiceURL="https://sp.example.com/saml/acs">'
    "<saml:Issuer>https://sp.example.com/saml/metadata</saml:Issuer>"
    f"<saml:Subject><saml:NameID>{SAML_REQ_NAMEID}</saml:NameID></saml:Subject>"
    "</samlp:AuthnRequest>"
)

OAUTH_QS = "client_id=0oa1dummyPublicClient7&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback"
IDP = "https://dummy-idp.example.com"
APP = "https://app.example.com"
CARD = "4111 1111 1111 1111"
IBAN = "GB82 WEST 1234 5698 7654 32"
SSN = "536-22-8437"  # area/group/serial all valid; not one of the published sample numbers
PHONE = "+14155550123"  # US 555-01xx: reserved for fiction
EMAIL = "jane.dummy.pii@example.com"


def _html_page(inner: str) -> str:
    return f"<!doctype html><html><head><title>App</title></head><body>{inner}</body></html>"


def _token_response(**tokens: str) -> str:
    return _json({**tokens, "token_type": "Bearer", "expires_in": 3600, "scope": "openid profile email"})


def _set_pages_title(har: Har, title: str) -> None:
    har["log"]["pages"][0]["title"] = title
    _add(
        har,
        url=f"{APP}/reset-password",
        mime_type="text/html",
        body=_html_page("<h1>Reset</h1>"),
        resource_type="document",
    )


def _multipart(fields: list[tuple[str, str]], boundary: str) -> str:
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n{v}\r\n' for n, v in fields]
    return "".join(parts) + f"--{boundary}--\r\n"


_BOUNDARY = "----WebKitFormBoundaryDummy0a1B2c3D"
_ODD_QUERY_VALUE = "dummy+Tok/en=Value%20ab12&z;9"
_SSE = (
    'event: ready\ndata: {"status":"ok"}\n\n'
    'event: token\ndata: {"access_token":"dummySseAccessToken_0123456789AbCd","expires_in":300}\n\n'
)


PLANTS: list[Plant] = [
    # ---- request headers -------------------------------------------------------------------
    Plant(
        "req-header.authorization-bearer-h2",
        "dummyOpaqueBearer0123456789abcdefXYZ",
        lambda h: _add(h, request_headers=[("authorization", "Bearer dummyOpaqueBearer0123456789abcdefXYZ")]),
    ),
    Plant(
        "req-header.authorization-bearer-jwt",
        JWT_BEARER,
        lambda h: _add(h, request_headers=[("authorization", f"Bearer {JWT_BEARER}")]),
        extras=JWT_BEARER_PARTS,
    ),
    Plant(
        "req-header.AUTHORIZATION-basic",
        BASIC,
        lambda h: _add(h, http_version="HTTP/1.1", request_headers=[("AUTHORIZATION", f"Basic {BASIC}")]),
        extras={"password": BASIC_PASSWORD},
    ),
    Plant(
        "req-header.authorization-ssws",
        OKTA_SSWS,
        lambda h: _add(
            h,
            url="https://dummy.okta.com/api/v1/users/me",
            request_headers=[("Authorization", f"SSWS {OKTA_SSWS}")],
        ),
    ),
    Plant(
        "req-header.authorization-sigv4",
        AWS_SIGV4_SIG,
        lambda h: _add(
            h,
            url="https://abc123.execute-api.us-east-1.amazonaws.com/prod/items",
            request_headers=[
                (
                    "authorization",
                    f"AWS4-HMAC-SHA256 Credential={AWS_AKID}/20240514/us-east-1/execute-api/aws4_request, "
                    f"SignedHeaders=host;x-amz-date, Signature={AWS_SIGV4_SIG}",
                ),
                ("x-amz-date", "20240514T093000Z"),
            ],
        ),
        extras={"akid": AWS_AKID},
    ),
    Plant(
        "req-header.Proxy-Authorization",
        PROXY_BASIC,
        lambda h: _add(h, http_version="HTTP/1.1", request_headers=[("Proxy-Authorization", f"Basic {PROXY_BASIC}")]),
        extras={"password": PROXY_PASSWORD},
    ),
    Plant(
        "req-header.x-api-key",
        "dummy-api-key-7f3c9a1e5b2d4f60",
        lambda h: _add(h, request_headers=[("x-api-key", "dummy-api-key-7f3c9a1e5b2d4f60")]),
    ),
    Plant(
        "req-header.X-Auth-Token",
        "dummyAuthToken-5f0e8c2a9b7d",
        lambda h: _add(h, http_version="HTTP/1.1", request_headers=[("X-Auth-Token", "dummyAuthToken-5f0e8c2a9b7d")]),
    ),
    Plant(
        "req-header.x-csrf-token",
        "dummyCsrfToken_Q2x9Lm4Np7RsT1",
        lambda h: _add(
            h,
            method="POST",
            post_text="a=1",
            request_headers=[("x-csrf-token", "dummyCsrfToken_Q2x9Lm4Np7RsT1")],
        ),
    ),
    Plant(
        "req-header.x-amz-security-token",
        AWS_SESSION_TOKEN,
        lambda h: _add(
            h,
            url="https://dummy-bucket.s3.amazonaws.com/a.txt",
            request_headers=[("x-amz-security-token", AWS_SESSION_TOKEN)],
        ),
    ),
    Plant(
        "req-header.h2-path-query",
        "dummyPathAccessToken0a1b2c3d4e",
        lambda h: _add(
            h,
            url=f"{APP}/api/v1/me?access_token=dummyPathAccessToken0a1b2c3d4e&fields=id",
            pseudo_headers=True,
        ),
    ),
    # ---- cookies ---------------------------------------------------------------------------
    Plant(
        "cookie.JSESSIONID-header+array",
        "DUMMY0A1B2C3D4E5F6A7B8C9D0E1F2A3",
        lambda h: _add(h, cookies=[("JSESSIONID", "DUMMY0A1B2C3D4E5F6A7B8C9D0E1F2A3"), ("lang", "en")]),
    ),
    Plant(
        "cookie.okta-idx",
        "dummyOktaIdxSession0123456789AbC",
        lambda h: _add(
            h,
            url="https://dummy.okta.com/app/UserHome",
            cookies=[("idx", "dummyOktaIdxSession0123456789AbC")],
        ),
    ),
    Plant(
        "cookie.unknown-name",
        "dummyCookieValueUnknownName01",
        lambda h: _add(h, cookies=[("ui_prefs_v2", "dummyCookieValueUnknownName01")]),
    ),
    Plant(
        "cookie.array-only",
        "dummyCookieArrayOnly_0123456789",
        lambda h: _add(h, cookies=[("sessionid", "dummyCookieArrayOnly_0123456789")], cookie_header=False),
    ),
    Plant(
        "cookie.jwt",
        JWT_COOKIE,
        lambda h: _add(
            h,
            url="https://dummy.atlassian.net/rest/api/3/myself",
            cookies=[("cloud.session.token", JWT_COOKIE)],
        ),
        extras=JWT_COOKIE_PARTS,
    ),
    Plant(
        "set-cookie.single+array",
        "dummySetCookieSid_0123456789AbCdEf",
        lambda h: _add(
            h,
            method="POST",
            url=f"{APP}/login",
            status=302,
            redirect_url=f"{APP}/home",
            set_cookies=["sid=dummySetCookieSid_0123456789AbCdEf; Path=/; Secure; HttpOnly; SameSite=Lax"],
        ),
    ),
    Plant(
        "set-cookie.joined-newlines",
        "dummyJoinedCookieOne_0123456789",
        lambda h: _add(
            h,
            http_version="HTTP/1.1",
            set_cookie_joined=True,
            set_cookies=[
                "auth0=dummyJoinedCookieOne_0123456789; Path=/; Expires=Wed, 15 May 2024 09:30:00 GMT; "
                "Secure; HttpOnly",
                "auth0_compat=dummyJoinedCookieTwo_0123456789; Path=/; Secure; HttpOnly",
                "did=s%3Adummy-device-0123456789.AbCdEfGh; Path=/; Secure; SameSite=None",
            ],
        ),
        extras={"second": "dummyJoinedCookieTwo_0123456789", "third": "s%3Adummy-device-0123456789.AbCdEfGh"},
    ),
    Plant(
        "cookie.nameless-both-ways",
        "dummyNamelessCookie_0123456789AbCd",
        lambda h: _add(
            h,
            cookie_header=False,
            request_headers=[("cookie", "theme=dark; dummyNamelessCookie_0123456789AbCd")],
            response_headers=[("set-cookie", "dummyNamelessSetCookie_0123456789; Path=/; Secure")],
        ),
        extras={"set": "dummyNamelessSetCookie_0123456789"},
    ),
    Plant(
        "body.json-headers-object",
        "dummyLoggedAuthz_0123456789AbCdEf",
        lambda h: _add(
            h,
            url=f"{APP}/api/v1/debug/last-request",
            body=_json({"request": {"headers": {"Authorization": "Bearer dummyLoggedAuthz_0123456789AbCdEf"}}}),
        ),
    ),
    Plant(
        "body.plain-xml-element",
        "dummyXmlSessTokQx7Kp2Lm9ZtR8vN3",
        lambda h: _add(
            h,
            url=f"{APP}/legacy/session.xml",
            mime_type="application/xml",
            body="<Response><Status>OK</Status><SessionToken>dummyXmlSessTokQx7Kp2Lm9ZtR8vN3</SessionToken></Response>",
        ),
    ),
    Plant(
        "body.html-entity-json-attribute",
        "dummyInertiaTokQx7Kp2Lm9ZtR8vN3",
        lambda h: _add(
            h,
            mime_type="text/html",
            body=_html_page(
                '<div id="app" data-page="{&quot;props&quot;:{&quot;auth&quot;:{&quot;accessToken&quot;:'
                '&quot;dummyInertiaTokQx7Kp2Lm9ZtR8vN3&quot;}},&quot;url&quot;:&quot;/home&quot;}"></div>'
            ),
        ),
    ),
    Plant(
        "pii.name-under-customer",
        "Dummyna Personelli",
        lambda h: _add(
            h,
            url=f"{APP}/api/v1/orders/42",
            body=_json({"order": {"id": 42, "customer": {"id": 7, "name": "Dummyna Personelli"}}}),
        ),
    ),
    # ---- URLs ------------------------------------------------------------------------------
    Plant(
        "url.token-as-parameter-name",
        github_token("Dummy0ParamName0Token000000001"),
        lambda h: _add(h, url=f"{APP}/api/v1/hook?{github_token('Dummy0ParamName0Token000000001')}=1&page=2"),
    ),
    Plant(
        "url.bare-query-part-email",
        "bare.query.dummy@example.com",
        lambda h: _add(h, url=f"{APP}/unsubscribe?bare.query.dummy@example.com"),
    ),
    Plant(
        "body.json-keyed-by-token",
        github_token("Dummy0JsonKey0Token00000000001"),
        lambda h: _add(
            h,
            url=f"{APP}/api/v1/deploy-keys",
            body=_json({"keys": {github_token("Dummy0JsonKey0Token00000000001"): {"scope": "repo"}}}),
        ),
    ),
    Plant(
        "url.path-reset-token",
        "dummyQx7Kp2Lm9ZtR8vN3bYc6dJ1",
        lambda h: _add(h, url=f"{APP}/account/reset-password/dummyQx7Kp2Lm9ZtR8vN3bYc6dJ1"),
        path_has_secret=True,
    ),
    Plant(
        "url.path-okta-session-id",
        "102dummyOktaSessQx7Kp2Lm9Zt",
        lambda h: _add(h, method="DELETE", url=f"{IDP}/api/v1/sessions/102dummyOktaSessQx7Kp2Lm9Zt"),
        path_has_secret=True,
    ),
    Plant(
        "url.query+queryString",
        "dummyQueryAccessToken_0123456789",
        lambda h: _add(h, url=f"{APP}/api/v1/feed?access_token=dummyQueryAccessToken_0123456789&page=1"),
    ),
    Plant(
        "url.query-encoded-chars",
        _ODD_QUERY_VALUE,
        lambda h: _add(h, url=f"{APP}/api/v1/export?" + urlencode({"token": _ODD_QUERY_VALUE, "format": "csv"})),
    ),
    Plant(
        "url.fragment-request-url",
        "dummyFragmentAccessToken_012345",
        lambda h: _add(
            h,
            url=f"{APP}/callback#access_token=dummyFragmentAccessToken_012345&token_type=Bearer"
            f"&id_token={JWT_FRAGMENT}&expires_in=3600",
            resource_type="document",
            mime_type="text/html",
        ),
        extras={"id_token": JWT_FRAGMENT, **{f"id_token.{k}": v for k, v in JWT_FRAGMENT_PARTS.items()}},
    ),
    Plant(
        "url.fragment-location",
        "dummyImplicitAccessToken_0123456",
        lambda h: _add(
            h,
            url=f"{IDP}/oauth2/v1/authorize?{OAUTH_QS}&response_type=token",
            status=302,
            redirect_url=f"{APP}/callback#access_token=dummyImplicitAccessToken_0123456&token_type=Bearer",
        ),
    ),
    Plant(
        "url.userinfo",
        "Dummy-Userinfo-Pass-77",
        lambda h: _add(
            h,
            url="https://svc-user:Dummy-Userinfo-Pass-77@internal.example.com/api/health",
            http_version="HTTP/1.1",
        ),
    ),
    Plant(
        "url.path-jwt",
        JWT_PATH,
        lambda h: _add(h, url=f"{APP}/auth/magic-link/{JWT_PATH}", resource_type="document", mime_type="text/html"),
        extras=JWT_PATH_PARTS,
        path_has_secret=True,
    ),
    Plant(
        "redirect.location+redirectURL-code",
        "dummyAuthCode_0123456789AbCdEfGh",
        lambda h: _add(
            h,
            url=f"{IDP}/oauth2/v1/authorize?{OAUTH_QS}&response_type=code&scope=openid",
            status=302,
            redirect_url=f"{APP}/callback?code=dummyAuthCode_0123456789AbCdEfGh&state=dummyState-0123456789abcd",
        ),
        extras={"state": "dummyState-0123456789abcd"},
    ),
    Plant(
        "req-header.referer",
        "dummyResetToken_0123456789AbCdEf",
        lambda h: _add(
            h, request_headers=[("referer", f"{APP}/reset-password?token=dummyResetToken_0123456789AbCdEf")]
        ),
    ),
    Plant(
        "resp-header.content-location",
        "dummyContentLocToken_0123456789",
        lambda h: _add(
            h,
            response_headers=[("content-location", f"{APP}/files/1?access_token=dummyContentLocToken_0123456789")],
        ),
    ),
    Plant(
        "resp-header.link",
        "dummyLinkSignature_0123456789AbCd",
        lambda h: _add(
            h,
            response_headers=[("link", f"<{APP}/preload.js?signature=dummyLinkSignature_0123456789AbCd>; rel=preload")],
        ),
    ),
    Plant(
        "resp-header.refresh",
        "4/0AdummyRefreshCodeQx7Kp2Lm9ZtR8vN3bYc6dJ1sE",
        lambda h: _add(
            h,
            response_headers=[("refresh", f"0; url={APP}/cb?code=4/0AdummyRefreshCodeQx7Kp2Lm9ZtR8vN3bYc6dJ1sE")],
        ),
    ),
    Plant(
        "body.data-uri-json",
        "dummyDataUriToken_0123456789AbCdEfGh",
        lambda h: _add(
            h,
            mime_type="text/html",
            body=_html_page(
                '<script src="data:application/json;base64,'
                + _b64(_json({"access_token": "dummyDataUriToken_0123456789AbCdEfGh"}))
                + '"></script>'
            ),
        ),
    ),
    Plant(
        "body.data-uri-svg",
        "Dummy-Svg-Passw0rd!42",
        lambda h: _add(
            h,
            body=_json(
                {
                    "icon": "data:image/svg+xml;charset=utf-8;base64,"
                    + _b64("<svg><!-- password=Dummy-Svg-Passw0rd!42 --></svg>")
                }
            ),
        ),
    ),
    # ---- request bodies --------------------------------------------------------------------
    Plant(
        "post.form+params-password",
        "Dummy-Form-Passw0rd!7",
        lambda h: _add(
            h,
            method="POST",
            url=f"{APP}/login",
            post_text=urlencode({"username": "jane", "password": "Dummy-Form-Passw0rd!7", "remember": "1"}),
        ),
    ),
    Plant(
        "post.form-otp",
        "483920",
        lambda h: _add(h, method="POST", url=f"{APP}/login/mfa", post_text="otp=483920&remember_device=false"),
    ),
    Plant(
        "post.json-nested-password",
        "Dummy-Json-Passw0rd#8",
        lambda h: _add(
            h,
            method="POST",
            url=f"{APP}/api/session",
            post_mime="application/json",
            post_text=json.dumps({"user": {"login": "jane", "credentials": {"password": "Dummy-Json-Passw0rd#8"}}}),
        ),
    ),
    Plant(
        "post.json-in-string",
        "Dummy-Nested-Passw0rd$9",
        lambda h: _add(
            h,
            method="POST",
            url=f"{APP}/api/rpc",
            post_mime="application/json",
            post_text=json.dumps({"op": "login", "payload": json.dumps({"password": "Dummy-Nested-Passw0rd$9"})}),
        ),
    ),
    Plant(
        "post.graphql-variables",
        "Dummy-GraphQL-Passw0rd%1",
        lambda h: _add(
            h,
            method="POST",
            url=f"{APP}/graphql",
            post_mime="application/json",
            post_text=json.dumps(
                {
                    "operationName": "Login",
                    "query": "mutation Login($u: String!, $p: String!) { login(u: $u, p: $p) { ok } }",
                    "variables": {
                        "u": "jane",
                        "p": "Dummy-GraphQL-Passw0rd%1",
                        "password": "Dummy-GraphQL-Passw0rd%1",
                    },
                }
            ),
        ),
    ),
    Plant(
        "post.multipart-client_secret",
        "dummyMultipartClientSecret_0123",
        lambda h: _add(
            h,
            method="POST",
            url=f"{IDP}/oauth2/v1/token",
            post_mime=f"multipart/form-data; boundary={_BOUNDARY}",
            post_text=_multipart(
                [
                    ("grant_type", "client_credentials"),
                    ("client_id", "svc-portal"),
                    ("client_secret", "dummyMultipartClientSecret_0123"),
                ],
                _BOUNDARY,
            ),
        ),
    ),
    # ---- response bodies -------------------------------------------------------------------
    Plant(
        "resp.json-access_token",
        "dummyRespAccessToken_0123456789Ab",
        lambda h: _add(
            h,
            method="POST",
            url=f"{IDP}/oauth2/v1/token",
            post_text="grant_type=refresh_token&refresh_token=x",
            body=_token_response(access_token="dummyRespAccessToken_0123456789Ab"),
        ),
    ),
    Plant(
        "resp.json-refresh_token",
        "dummyRespRefreshToken_0123456789A",
        lambda h: _add(
            h,
            method="POST",
            url=f"{IDP}/oauth2/v1/token",
            body=_token_response(refresh_token="dummyRespRefreshToken_0123456789A"),
        ),
    ),
    Plant(
        "resp.json-id_token",
        JWT_IDTOKEN,
        lambda h: _add(h, method="POST", url=f"{IDP}/oauth2/v1/token", body=_token_response(id_token=JWT_IDTOKEN)),
        extras=JWT_IDTOKEN_PARTS,
    ),
    Plant(
        "resp.json-charset",
        "dummyCharsetAccessToken_012345678",
        lambda h: _add(
            h,
            mime_type="application/json; charset=utf-8",
            body=_json({"auth": {"accessToken": "dummyCharsetAccessToken_012345678"}}),
        ),
    ),
    Plant(
        "resp.text-plain-json",
        "dummyTextPlainApiKey_0123456789Ab",
        lambda h: _add(h, mime_type="text/plain", body=json.dumps({"apiKey": "dummyTextPlainApiKey_0123456789Ab"})),
    ),
    Plant(
        "resp.base64-json",
        "dummyBase64BodySession_0123456789",
        lambda h: _add(
            h,
            base64_body=True,
            body=_json({"session_token": "dummyBase64BodySession_0123456789", "ok": True}),
        ),
    ),
    Plant(
        "resp.sse-data",
        "dummySseAccessToken_0123456789AbCd",
        lambda h: _add(
            h, url=f"{APP}/api/events", mime_type="text/event-stream", body=_SSE, resource_type="eventsource"
        ),
    ),
    Plant(
        "resp.log-line-basic",
        LOG_BASIC,
        lambda h: _add(
            h,
            url=f"{APP}/admin/logs/proxy.log",
            mime_type="text/plain",
            body=(
                "2024-05-14T09:30:00Z INFO  proxy: forwarding GET /v1/data\n"
                "2024-05-14T09:30:00Z DEBUG proxy: upstream headers "
                f"{{'Authorization': 'Basic {LOG_BASIC}', 'Accept': '*/*'}}\n"
                "2024-05-14T09:30:01Z INFO  proxy: 200 OK in 41 ms\n"
            ),
        ),
    ),
    # ---- nested URLs and encoded JSON in queries ----------------------------------------------
    Plant(
        "query.urlencoded-json",
        "dummyUrlJsonToken_0123456789AbCd",
        lambda h: _add(
            h,
            url=f"{APP}/api/search?"
            + urlencode({"filter": json.dumps({"auth": {"token": "dummyUrlJsonToken_0123456789AbCd"}, "q": "x"})}),
        ),
    ),
    Plant(
        "query.redirect_uri-nested",
        "dummyNestedRedirToken_012345678",
        lambda h: _add(
            h,
            url=f"{IDP}/oauth2/v1/authorize?client_id=0oa1dummyPublicClient7&response_type=code&"
            + urlencode({"redirect_uri": f"{APP}/cb?access_token=dummyNestedRedirToken_012345678"}),
        ),
    ),
    Plant(
        "query.RelayState-nested",
        "dummyRelayStateToken_0123456789",
        lambda h: _add(
            h,
            url=f"{IDP}/app/sso/saml?"
            + urlencode({"RelayState": f"{APP}/sso/landing?token=dummyRelayStateToken_0123456789"}),
        ),
    ),
    Plant(
        "query.returnTo-nested",
        "dummyReturnToToken_0123456789AbC",
        lambda h: _add(
            h,
            url=f"{APP}/login?" + urlencode({"returnTo": "/dashboard?access_token=dummyReturnToToken_0123456789AbC"}),
        ),
    ),
    Plant(
        "query.goto-double-encoded",
        "dummyGotoApiKey_0123456789AbCdEf",
        lambda h: _add(
            h,
            url=f"{APP}/sso?goto="
            + quote(quote(f"{APP}/landing?api_key=dummyGotoApiKey_0123456789AbCdEf", safe=""), safe=""),
        ),
    ),
    # ---- SAML ------------------------------------------------------------------------------
    Plant(
        "saml.SAMLResponse-form-post",
        SAML_RESP,
        lambda h: _add(
            h,
            method="POST",
            url="https://sp.example.com/saml/acs",
            post_text="SAMLResponse=" + quote_plus(SAML_RESP) + "&RelayState=%2Fhome",
        ),
        extras={
            "nameid": "saml.form.dummy@example.com",
            "signature": _b64(_noise("saml-form", 256)),
            "attribute": "EMP-DUMMY-000123",
        },
    ),
    Plant(
        "saml.SAMLResponse-html-autopost",
        SAML_HTML,
        lambda h: _add(
            h,
            method="POST",
            url=f"{IDP}/login/sso",
            mime_type="text/html; charset=utf-8",
            body=_html_page(
                '<form method="post" action="https://sp.example.com/saml/acs">'
                f'<input type="hidden" name="SAMLResponse" value="{SAML_HTML}"/>'
                '<input type="hidden" name="RelayState" value="/home"/></form>'
                "<script>document.forms[0].submit()</script>"
            ),
        ),
        extras={
            "nameid": "saml.html.dummy@example.com",
            "signature": _b64(_noise("saml-html", 256)),
            "attribute": "EMP-DUMMY-000456",
        },
    ),
    Plant(
        "saml.SAMLRequest-deflate-query",
        SAML_REQ,
        lambda h: _add(
            h,
            url=f"{IDP}/app/sso/saml?" + urlencode({"SAMLRequest": SAML_REQ, "RelayState": "/home"}),
            resource_type="document",
            mime_type="text/html",
        ),
        extras={"nameid": SAML_REQ_NAMEID},
    ),
    # ---- HTML and scripts ------------------------------------------------------------------
    Plant(
        "html.hidden-authenticity_token",
        "dummyAuthenticityToken_0123456789AbCdEf==",
        lambda h: _add(
            h,
            url=f"{APP}/login",
            mime_type="text/html",
            resource_type="document",
            body=_html_page(
                '<form action="/session" method="post">'
                '<input type="hidden" name="authenticity_token" '
                'value="dummyAuthenticityToken_0123456789AbCdEf==" />'
                '<input name="login"/></form>'
            ),
        ),
    ),
    Plant(
        "html.meta-csrf-token",
        "dummyMetaCsrfToken_0123456789AbCd",
        lambda h: _add(
            h,
            url=f"{APP}/",
            mime_type="text/html",
            resource_type="document",
            body=(
                "<!doctype html><html><head>"
                '<meta name="csrf-token" content="dummyMetaCsrfToken_0123456789AbCd">'
                "<title>App</title></head><body>Hello</body></html>"
            ),
        ),
    ),
    Plant(
        "html.inline-script-apiKey",
        "dummyInlineApiKey_3f9A7c1E5b2D8e",
        lambda h: _add(
            h,
            url=f"{APP}/",
            mime_type="text/html",
            resource_type="document",
            body=_html_page(
                '<script>window.__CONFIG__ = { env: "prod", '
                'apiKey: "dummyInlineApiKey_3f9A7c1E5b2D8e", region: "eu" };</script>'
            ),
        ),
    ),
    # ---- WebSocket, pages, initiator, comments, extensions ----------------------------------
    Plant(
        "websocket.send-frame",
        "dummyWsAuthToken_0123456789AbCdEf",
        lambda h: _add(
            h,
            url="wss://app.example.com/graphql",
            status=101,
            resource_type="websocket",
            body="",
            websocket_messages=[
                make_websocket_message(
                    json.dumps(
                        {
                            "type": "connection_init",
                            "payload": {"authToken": "dummyWsAuthToken_0123456789AbCdEf"},
                        }
                    )
                ),
                make_websocket_message(json.dumps({"type": "connection_ack"}), type="receive"),
            ],
        ),
    ),
    Plant(
        "websocket.receive-frame",
        "dummyWsSessionToken_0123456789AbC",
        lambda h: _add(
            h,
            url="wss://app.example.com/socket",
            status=101,
            resource_type="websocket",
            body="",
            websocket_messages=[
                make_websocket_message(
                    json.dumps({"event": "hello", "session": {"token": "dummyWsSessionToken_0123456789AbC"}}),
                    type="receive",
                )
            ],
        ),
    ),
    Plant(
        "pages.title",
        "dummyTitleResetToken_0123456789Ab",
        lambda h: _set_pages_title(h, f"{APP}/reset-password?token=dummyTitleResetToken_0123456789Ab"),
    ),
    Plant(
        "initiator.url",
        "dummyInitiatorAccessTok_012345678",
        lambda h: _add(
            h,
            initiator={
                "type": "parser",
                "lineNumber": 12,
                "url": f"{APP}/callback?access_token=dummyInitiatorAccessTok_012345678",
            },
        ),
    ),
    Plant(
        "initiator.stack-callFrames",
        "dummyStackFrameToken_0123456789A",
        lambda h: _add(
            h,
            initiator={
                "type": "script",
                "stack": {
                    "callFrames": [
                        {
                            "functionName": "load",
                            "scriptId": "42",
                            "lineNumber": 10,
                            "columnNumber": 4,
                            "url": f"{APP}/static/main.js",
                        },
                        {
                            "functionName": "",
                            "scriptId": "43",
                            "lineNumber": 0,
                            "columnNumber": 0,
                            "url": f"{APP}/embed?token=dummyStackFrameToken_0123456789A",
                        },
                    ]
                },
            },
        ),
    ),
    Plant(
        "comment.entry",
        "dummyCommentBearer_0123456789AbCd",
        lambda h: _add(
            h,
            comment="customer note: failing call sent Authorization: Bearer dummyCommentBearer_0123456789AbCd",
        ),
    ),
    Plant(
        "comment.log",
        "dummyLogCommentApiKey_0123456789A",
        lambda h: (
            h["log"].__setitem__("comment", "exported for ticket 4821 with api_key=dummyLogCommentApiKey_0123456789A"),
            _add(h),
        ),
    ),
    Plant(
        "extension._custom",
        "dummyCustomExtBearer_0123456789Ab",
        lambda h: _add(
            h,
            extra={
                "_custom": {"debug": {"requestHeaders": {"Authorization": "Bearer dummyCustomExtBearer_0123456789Ab"}}}
            },
        ),
    ),
    # ---- Okta ------------------------------------------------------------------------------
    Plant(
        "okta.sessionToken",
        "20111dummySessionToken0AbCdEfGh0123",
        lambda h: _add(
            h,
            method="POST",
            url="https://dummy.okta.com/api/v1/authn",
            post_mime="application/json",
            post_text=json.dumps({"username": "jane", "options": {"warnBeforePasswordExpired": True}}),
            body=_json(
                {
                    "expiresAt": "2024-05-14T09:35:00.000Z",
                    "status": "SUCCESS",
                    "sessionToken": "20111dummySessionToken0AbCdEfGh0123",
                }
            ),
        ),
    ),
    Plant(
        "okta.stateToken",
        "00dummyStateToken-AbCdEfGhIjKlMnOpQr",
        lambda h: _add(
            h,
            method="POST",
            url="https://dummy.okta.com/api/v1/authn/factors/abc/verify",
            post_mime="application/json",
            post_text=json.dumps({"stateToken": "00dummyStateToken-AbCdEfGhIjKlMnOpQr"}),
        ),
    ),
    Plant(
        "okta.stateHandle",
        "02.id.dummyStateHandle0123456789AbCdEf",
        lambda h: _add(
            h,
            method="POST",
            url="https://dummy.okta.com/idp/idx/identify",
            post_mime="application/json",
            post_text=json.dumps({"identifier": "jane", "stateHandle": "02.id.dummyStateHandle0123456789AbCdEf"}),
        ),
    ),
    Plant(
        "okta.interactionHandle",
        "dummyInteractionHandle_0123456789",
        lambda h: _add(
            h,
            method="POST",
            url="https://dummy.okta.com/idp/idx/introspect",
            post_mime="application/json",
            post_text=json.dumps({"interactionHandle": "dummyInteractionHandle_0123456789"}),
        ),
    ),
    Plant(
        "okta.sessionCookieRedirect",
        "dummyCookieRedirectToken_0123456",
        lambda h: _add(
            h,
            url="https://dummy.okta.com/login/sessionCookieRedirect?"
            + urlencode({"token": "dummyCookieRedirectToken_0123456", "redirectUrl": f"{APP}/"}),
            status=302,
            redirect_url=f"{APP}/",
            resource_type="document",
            mime_type="text/html",
        ),
    ),
    # ---- OAuth / OIDC ----------------------------------------------------------------------
    Plant(
        "oauth.code-callback",
        "dummyCallbackCode_0123456789AbCdE",
        lambda h: _add(
            h,
            url=f"{APP}/callback?code=dummyCallbackCode_0123456789AbCdE&state=af0ifjsldkj",
            resource_type="document",
            mime_type="text/html",
        ),
    ),
    Plant(
        "oauth.state-authorize",
        "dummyOAuthState_0123456789AbCdEfGh",
        lambda h: _add(
            h,
            url=f"{IDP}/oauth2/v1/authorize?{OAUTH_QS}&response_type=code&scope=openid"
            "&state=dummyOAuthState_0123456789AbCdEfGh&code_challenge_method=S256"
            "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            resource_type="document",
            mime_type="text/html",
        ),
    ),
    Plant(
        "oauth.code_verifier",
        "dummyCodeVerifier_0123456789AbCdEfGhIjKlMnOp",
        lambda h: _add(
            h,
            method="POST",
            url=f"{IDP}/oauth2/v1/token",
            post_text=urlencode(
                {
                    "grant_type": "authorization_code",
                    "code": "dummyTokenCallCode_0123456789",
                    "redirect_uri": f"{APP}/callback",
                    "client_id": "0oa1dummyPublicClient7",
                    "code_verifier": "dummyCodeVerifier_0123456789AbCdEfGhIjKlMnOp",
                }
            ),
            body=_token_response(access_token="x" * 16),
        ),
        extras={"code": "dummyTokenCallCode_0123456789"},
    ),
    Plant(
        "oauth.client_secret",
        "dummyClientSecret~0123456789AbCdEf",
        lambda h: _add(
            h,
            method="POST",
            url=f"{IDP}/oauth2/v1/token",
            post_text=urlencode(
                {
                    "grant_type": "client_credentials",
                    "client_id": "svc-reporting",
                    "client_secret": "dummyClientSecret~0123456789AbCdEf",
                    "scope": "reports.read",
                }
            ),
        ),
    ),
    Plant(
        "oauth.client_assertion",
        JWT_ASSERTION,
        lambda h: _add(
            h,
            method="POST",
            url=f"{IDP}/oauth2/v1/token",
            post_text=urlencode(
                {
                    "grant_type": "client_credentials",
                    "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    "client_assertion": JWT_ASSERTION,
                }
            ),
        ),
        extras={"sig": JWT_ASSERTION_PARTS["sig"]},
    ),
    Plant(
        "oauth.id_token_hint",
        JWT_HINT,
        lambda h: _add(
            h,
            url=f"{IDP}/oauth2/v1/logout?"
            + urlencode({"id_token_hint": JWT_HINT, "post_logout_redirect_uri": f"{APP}/"}),
            resource_type="document",
            mime_type="text/html",
        ),
        extras=JWT_HINT_PARTS,
    ),
    Plant(
        "oauth.login_hint",
        "login.hint.dummy@example.com",
        lambda h: _add(
            h,
            url=f"{IDP}/oauth2/v1/authorize?{OAUTH_QS}&response_type=code&"
            + urlencode({"login_hint": "login.hint.dummy@example.com"}),
            resource_type="document",
            mime_type="text/html",
        ),
    ),
    # ---- signed URLs -----------------------------------------------------------------------
    Plant(
        "presigned.aws-X-Amz-Signature",
        hashlib.sha256(b"dummy-presign").hexdigest(),
        lambda h: _add(
            h,
            url="https://dummy-bucket.s3.amazonaws.com/reports/q1.pdf?"
            + urlencode(
                {
                    "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
                    "X-Amz-Credential": f"{AWS_TEMP_AKID}/20240514/us-east-1/s3/aws4_request",
                    "X-Amz-Date": "20240514T093000Z",
                    "X-Amz-Expires": "900",
                    "X-Amz-Security-Token": AWS_SESSION_TOKEN + "Presign",
                    "X-Amz-SignedHeaders": "host",
                    "X-Amz-Signature": hashlib.sha256(b"dummy-presign").hexdigest(),
                }
            ),
            mime_type="application/pdf",
        ),
        extras={"akid": AWS_TEMP_AKID, "security-token": AWS_SESSION_TOKEN + "Presign"},
    ),
    Plant(
        "presigned.gcs-X-Goog-Signature",
        _noise("gcs", 128).hex(),
        lambda h: _add(
            h,
            url="https://storage.googleapis.com/dummy-bucket/export.csv?"
            + urlencode(
                {
                    "X-Goog-Algorithm": "GOOG4-RSA-SHA256",
                    "X-Goog-Credential": "dummy-signer@dummy-project.iam.gserviceaccount.com"
                    "/20240514/auto/storage/goog4_request",
                    "X-Goog-Date": "20240514T093000Z",
                    "X-Goog-Expires": "900",
                    "X-Goog-SignedHeaders": "host",
                    "X-Goog-Signature": _noise("gcs", 128).hex(),
                }
            ),
            mime_type="text/csv",
        ),
    ),
    Plant(
        "presigned.azure-sas-sig",
        _b64(_noise("azure-sas", 32)),
        lambda h: _add(
            h,
            url="https://dummyaccount.blob.core.windows.net/exports/data.json?"
            + urlencode(
                {
                    "sv": "2022-11-02",
                    "ss": "b",
                    "srt": "o",
                    "sp": "r",
                    "se": "2024-05-15T00:00:00Z",
                    "st": "2024-05-14T00:00:00Z",
                    "spr": "https",
                    "sig": _b64(_noise("azure-sas", 32)),
                }
            ),
        ),
    ),
    # ---- vendor formats under harmless keys ----------------------------------------------------
    Plant(
        "vendor.aws-key-pair",
        AWS_AKID,
        lambda h: _add(
            h,
            url=f"{APP}/api/v1/integrations",
            body=_json({"integrations": [{"name": "backup", "config": {"k1": AWS_AKID, "k2": AWS_SECRET}}]}),
        ),
        extras={"secret": AWS_SECRET},
    ),
    Plant(
        "vendor.azure-storage-connection-string",
        _b64(_noise("azure-account-key", 64)),
        lambda h: _add(
            h,
            url=f"{APP}/api/v1/integrations/storage",
            body=_json(
                {
                    "connection": "DefaultEndpointsProtocol=https;AccountName=dummystore;AccountKey="
                    + _b64(_noise("azure-account-key", 64))
                    + ";EndpointSuffix=core.windows.net"
                }
            ),
        ),
    ),
    Plant(
        "url.mongodb-userinfo",
        "Dummy-Mongo-Passw0rd",
        lambda h: _add(
            h,
            url=f"{APP}/api/v1/datasources",
            body=_json({"uri": "mongodb://dummyadmin:Dummy-Mongo-Passw0rd@db.example.com:27017/prod?ssl=true"}),
        ),
    ),
    Plant(
        "text.sql-connection-string",
        "Dummy-Sql-Passw0rd!9",
        lambda h: _add(
            h,
            mime_type="text/plain",
            body="Error: login failed for Server=tcp:dummy.database.windows.net,1433;Database=db;"
            "User ID=dummyadmin;Password=Dummy-Sql-Passw0rd!9;Encrypt=true",
        ),
    ),
    Plant(
        "vendor.github-pat",
        GITHUB_PAT,
        lambda h: _add(
            h,
            method="PUT",
            url=f"{APP}/api/v1/settings",
            post_mime="application/json",
            post_text=json.dumps({"settings": [{"name": "ci", "value": GITHUB_PAT}]}),
        ),
    ),
    Plant(
        "vendor.slack-bot",
        SLACK_BOT,
        lambda h: _add(h, url=f"{APP}/api/v1/notifications", body=_json({"channel": "#alerts", "data": SLACK_BOT})),
    ),
    Plant(
        "vendor.stripe-live",
        STRIPE_LIVE,
        lambda h: _add(h, url=f"{APP}/api/v1/debug?" + urlencode({"q": STRIPE_LIVE, "v": "2"})),
    ),
    Plant(
        "vendor.google-api-key",
        GOOGLE_KEY,
        lambda h: _add(
            h,
            url=f"https://maps.googleapis.com/maps/api/js?key={GOOGLE_KEY}&libraries=places",
            mime_type="text/javascript",
        ),
    ),
    Plant(
        "vendor.pem-private-key",
        PEM_KEY,
        lambda h: _add(h, url=f"{APP}/api/v1/debug/keys", body=_json({"debug": {"blob": PEM_KEY}})),
        extras={f"line{i}": line for i, line in enumerate(PEM_LINES)},
    ),
    # ---- PII -------------------------------------------------------------------------------
    Plant(
        "pii.email",
        EMAIL,
        lambda h: _add(
            h,
            url=f"{APP}/api/v1/profile",
            body=_json({"profile": {"displayName": "J. D.", "contact": EMAIL}}),
        ),
    ),
    Plant(
        "pii.phone-e164",
        PHONE,
        lambda h: _add(h, url=f"{APP}/api/v1/profile", body=_json({"profile": {"mobile": PHONE, "verified": True}})),
    ),
    Plant(
        "pii.card-luhn",
        CARD,
        lambda h: _add(
            h, url=f"{APP}/api/v1/orders/1", body=_json({"order": {"note": f"paid with {CARD}, exp 12/29"}})
        ),
    ),
    Plant(
        "pii.iban",
        IBAN,
        lambda h: _add(
            h,
            method="POST",
            url=f"{APP}/api/v1/payouts",
            post_mime="application/json",
            post_text=json.dumps({"payout": {"account": IBAN, "currency": "GBP"}}),
        ),
    ),
    Plant(
        "pii.ssn",
        SSN,
        lambda h: _add(
            h,
            method="POST",
            url=f"{APP}/onboarding",
            post_text=urlencode({"first": "Jane", "last": "Dummy", "tax_id": SSN}),
        ),
    ),
]


# --------------------------------------------------------------------------- decoys

# nextPageToken: kept. A pagination cursor is opaque server state that grants nothing on its own (the
# request still needs the caller's credentials), it is exactly what one needs to debug paging loops,
# and redacting every "*token*" key is the word-list over-redaction the reference tools are criticised
# for. Rules should allow-list pagination keys (nextPageToken, pageToken, continuationToken, cursor)
# rather than weaken the token-key rule.
NEXT_PAGE_TOKEN = _b64url(json.dumps({"after": "item-000050", "dir": "next", "v": 2}).encode())
PNG_B64 = _b64(png_bytes())
ETAG = 'W/"a1550c2bd25c5bcfef789d730f5bbddf"'
REQUEST_ID = "3f2b8c1e-9d4a-4f6b-8e2a-7c5d1b9e0a4f"
SRI = "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"


def _e0(doc: Har) -> dict[str, Any]:
    entry: dict[str, Any] = doc["log"]["entries"][0]
    return entry


def _body_json(doc: Har) -> Any:
    return json.loads(_e0(doc)["response"]["content"]["text"])


def _qs(doc: Har, name: str) -> str:
    return "&".join(q["value"] for q in _e0(doc)["request"]["queryString"] if q["name"] == name)


DECOYS: list[Decoy] = [
    Decoy(
        "name.under-product",
        "Dummy Widget Pro",
        lambda h: _add(h, body=_json({"customer": {"id": 7, "plan": {"name": "Dummy Widget Pro"}}})),
        lambda d: _e0(d)["response"]["content"]["text"],
        "a product's name under a customer is not the customer's name",
    ),
    Decoy(
        "encoded-url-parameter.keeps-its-encoding",
        "next=https%3A%2F%2Fother.example.com%2Fcb%3Faccess_token%3D",
        lambda h: _add(
            h,
            url=f"{APP}/go?next=https%3A%2F%2Fother.example.com%2Fcb%3Faccess_token%3DdummyNestedTok_0123456789Ab",
        ),
        lambda d: _e0(d)["request"]["url"],
        "only the secret changes inside an encoded parameter; the rest keeps its spelling",
    ),
    Decoy(
        "url-path.asset-under-auth",
        "/auth/static/js/main.8f3a9c2b1d4e5f6a.chunk.js",
        lambda h: _add(h, url=f"{APP}/auth/static/js/main.8f3a9c2b1d4e5f6a.chunk.js", mime_type="text/javascript"),
        lambda d: _e0(d)["request"]["url"],
        "hashed asset names under a telling folder are build output, not tokens",
    ),
    Decoy(
        "url-path.login-route",
        "/login/callback/oidc",
        lambda h: _add(h, url=f"{APP}/login/callback/oidc"),
        lambda d: _e0(d)["request"]["url"],
        "route words after a telling segment are not random",
    ),
    Decoy(
        "json-headers-object.scheme",
        '"Authorization": "Bearer ',
        lambda h: _add(h, body=_json({"headers": {"Authorization": "Bearer dummyLoggedAuthz_0123456789AbCdEg"}})),
        lambda d: _e0(d)["response"]["content"]["text"],
        "an Authorization header logged as JSON keeps its scheme word, as the header itself does",
    ),
    Decoy(
        "link-header.relation",
        ">; rel=preload",
        lambda h: _add(
            h, response_headers=[("link", f"<{APP}/preload.js?signature=dummyLinkSig_0123456789AbCd>; rel=preload")]
        ),
        lambda d: header_value(_e0(d)["response"]["headers"], "link"),
        "a Link header keeps its relation when the URL inside it loses a signature",
    ),
    Decoy(
        "data-uri.png",
        "data:image/png;base64," + _b64(png_bytes()),
        lambda h: _add(
            h, mime_type="text/html", body=_html_page(f'<img src="data:image/png;base64,{_b64(png_bytes())}">')
        ),
        lambda d: _e0(d)["response"]["content"]["text"],
        "inline images are page content; only text payloads of data URIs are decoded",
    ),
    Decoy(
        "uuid.x-request-id",
        REQUEST_ID,
        lambda h: _add(h, response_headers=[("x-request-id", REQUEST_ID)]),
        lambda d: header_value(_e0(d)["response"]["headers"], "x-request-id"),
        "request ids correlate with server logs; they authorise nothing",
    ),
    Decoy(
        "uuid.url-path",
        "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        lambda h: _add(h, url=f"{APP}/api/v1/orders/7c9e6679-7425-40de-944b-e07fc1f90ae7/items"),
        lambda d: _e0(d)["request"]["url"],
        "resource ids in paths are what support navigates by",
    ),
    Decoy(
        "etag",
        ETAG,
        lambda h: _add(h, request_headers=[("if-none-match", ETAG)], status=304, response_headers=[("etag", ETAG)]),
        lambda d: header_value(_e0(d)["response"]["headers"], "etag"),
        "cache validators explain 304s; a content hash is no credential",
    ),
    Decoy(
        "traceparent",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        lambda h: _add(h, request_headers=[("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]),
        lambda d: header_value(_e0(d)["request"]["headers"], "traceparent"),
        "W3C trace context ties the capture to distributed traces",
    ),
    Decoy(
        "x-amz-cf-id",
        "PaWnOEEyng3O4PBX2lab_qyD2DQ60VajC413wiIbt93eiNkaSKvpkQ==",
        lambda h: _add(
            h, response_headers=[("x-amz-cf-id", "PaWnOEEyng3O4PBX2lab_qyD2DQ60VajC413wiIbt93eiNkaSKvpkQ==")]
        ),
        lambda d: header_value(_e0(d)["response"]["headers"], "x-amz-cf-id"),
        "CloudFront request id: high-entropy base64 that is not a secret",
    ),
    Decoy(
        "asset-hash-path",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
        lambda h: _add(
            h,
            url="https://cdn.example.com/assets/app.9f86d081884c7d659a2feaa0c55ad015a3bf4f1b.js",
            mime_type="text/javascript",
            body="console.log('app');",
        ),
        lambda d: _e0(d)["request"]["url"],
        "fingerprinted asset names identify the deployed build",
    ),
    Decoy(
        "git-sha-json",
        "e83c5163316f89bfbde7d9ab23ca2e25604af290",
        lambda h: _add(
            h,
            url=f"{APP}/version.json",
            body=_json({"build": {"commit": "e83c5163316f89bfbde7d9ab23ca2e25604af290", "n": 812}}),
        ),
        lambda d: _body_json(d)["build"]["commit"],
        "a build's commit hash is public and vital for triage",
    ),
    Decoy(
        "sri-integrity",
        SRI,
        lambda h: _add(
            h,
            url=f"{APP}/",
            mime_type="text/html",
            resource_type="document",
            body=_html_page(
                f'<script src="https://cdn.example.com/lib.js" integrity="{SRI}" crossorigin="anonymous"></script>'
            ),
        ),
        lambda d: _e0(d)["response"]["content"]["text"],
        "subresource-integrity hashes are public",
    ),
    Decoy(
        "oauth.client_id",
        "0oa1dummyPublicClient7",
        lambda h: _add(
            h,
            url=f"{IDP}/oauth2/v1/authorize?{OAUTH_QS}&response_type=code&scope=openid%20profile",
            resource_type="document",
            mime_type="text/html",
        ),
        lambda d: _qs(d, "client_id"),
        "a public client id identifies the app, it authenticates nothing",
    ),
    Decoy(
        "oauth.redirect_uri",
        f"{APP}/callback",
        lambda h: _add(
            h,
            url=f"{IDP}/oauth2/v1/authorize?{OAUTH_QS}&response_type=code&scope=openid",
            resource_type="document",
            mime_type="text/html",
        ),
        lambda d: _qs(d, "redirect_uri"),
        "redirect_uri mismatches are the most common OAuth support case",
    ),
    Decoy(
        "query.state-not-oauth",
        "california",
        lambda h: _add(h, url="https://api.example.com/v1/stores?state=california&city=fresno"),
        lambda d: _qs(d, "state"),
        "`state` is only an OAuth secret on OAuth endpoints",
    ),
    Decoy(
        "query.promo-code",
        "SUMMER-SALE-2024",
        lambda h: _add(h, method="POST", url=f"{APP}/api/v1/cart/promo?code=SUMMER-SALE-2024"),
        lambda d: _qs(d, "code"),
        "`code` is only an OAuth secret next to redirect_uri/client_id or on a callback",
    ),
    Decoy(
        "png-body",
        PNG_B64,
        lambda h: _add(
            h,
            url="https://cdn.example.com/img/logo.png",
            mime_type="image/png",
            body=png_bytes(),
            resource_type="image",
        ),
        lambda d: _e0(d)["response"]["content"]["text"],
        "binary bodies must stay byte-identical, not 'redacted'",
    ),
    Decoy(
        "token_type-Bearer",
        "Bearer",
        lambda h: _add(
            h,
            method="POST",
            url=f"{IDP}/oauth2/v1/token",
            body=_token_response(access_token="dummyDecoyAccessToken_0123456789"),
        ),
        lambda d: _body_json(d)["token_type"],
        "token_type is a constant, not a token",
    ),
    Decoy(
        "expires_in-3600",
        "3600",
        lambda h: _add(
            h,
            method="POST",
            url=f"{IDP}/oauth2/v1/token",
            body=_token_response(access_token="dummyDecoyAccessToken_0123456789"),
        ),
        lambda d: json.dumps(_body_json(d)["expires_in"]),
        "expiry explains 'logged out after an hour' tickets",
    ),
    Decoy(
        "scope",
        "openid profile email",
        lambda h: _add(
            h,
            method="POST",
            url=f"{IDP}/oauth2/v1/token",
            body=_token_response(access_token="dummyDecoyAccessToken_0123456789"),
        ),
        lambda d: _body_json(d)["scope"],
        "granted scopes explain 403s",
    ),
    Decoy(
        "page-text",
        "Your order #A-1042 has shipped.",
        lambda h: _add(
            h,
            url=f"{APP}/orders/A-1042",
            mime_type="text/html",
            resource_type="document",
            body=_html_page("<h1>Order status</h1><p>Your order #A-1042 has shipped.</p>"),
        ),
        lambda d: _e0(d)["response"]["content"]["text"],
        "page text is what the user saw",
    ),
    Decoy(
        "nextPageToken",
        NEXT_PAGE_TOKEN,
        lambda h: _add(
            h,
            url=f"{APP}/api/v1/items?pageSize=50",
            body=_json({"items": [{"id": "item-000050"}], "nextPageToken": NEXT_PAGE_TOKEN}),
        ),
        lambda d: _body_json(d)["nextPageToken"],
        "pagination cursor, see the comment above DECOYS",
    ),
    Decoy(
        "cookie-name",
        "JSESSIONID",
        lambda h: _add(h, cookies=[("JSESSIONID", "DUMMYDECOY0A1B2C3D4E5F6A7B8C9D0E")]),
        lambda d: _e0(d)["request"]["cookies"][0]["name"],
        "cookie names say which session mechanism is in play",
    ),
    Decoy(
        "set-cookie-attributes",
        "Path=/; Secure; HttpOnly; SameSite=Lax",
        lambda h: _add(h, set_cookies=["sid=dummyDecoySetCookie_0123456789; Path=/; Secure; HttpOnly; SameSite=Lax"]),
        lambda d: header_value(_e0(d)["response"]["headers"], "set-cookie"),
        "cookie attributes explain cross-site and logout bugs",
    ),
    Decoy(
        "bearer-scheme",
        "Bearer ",
        lambda h: _add(h, request_headers=[("authorization", "Bearer dummyDecoyAuthz_0123456789AbCd")]),
        lambda d: header_value(_e0(d)["request"]["headers"], "authorization")[:7],
        "the auth scheme is kept so support sees which kind of credential was sent",
    ),
    Decoy(
        "user-agent",
        "Chrome/124.0.0.0",
        lambda h: _add(h),
        lambda d: header_value(_e0(d)["request"]["headers"], "user-agent"),
        "browser version is the first triage question",
    ),
    Decoy(
        "method+status",
        "DELETE 204",
        lambda h: _add(h, method="DELETE", url=f"{APP}/api/v1/items/42", status=204),
        lambda d: f"{_e0(d)['request']['method']} {_e0(d)['response']['status']}",
        "structure is never redacted",
    ),
]
