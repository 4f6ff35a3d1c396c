"""Random secret-shaped values in random credential positions: none survives, the output stays valid.

Values are drawn from an alphabet with the characters that break naive sanitizers (quotes,
backslashes, percent, plus, slash, equals, ampersand, semicolon). They are built from
`st.randoms()` rather than `st.text()` so that Hypothesis' failure report prints
`HypothesisRandom(generated data)` instead of the values (STYLE section 7); the run is derandomized,
so a failure reproduces exactly. Locations are sampled by name, which is printed.
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import make_entry, make_har, make_websocket_message
from tests.harness import assert_same_structure, assert_valid_har, run_sanitize
from tests.leaks import assert_no_leak_deep

ALNUM = string.ascii_letters + string.digits
NASTY = '"\\%+/=&;-_.~:'
# Cookie values cannot hold quotes, backslashes, semicolons, commas or spaces (RFC 6265 cookie-octet).
COOKIE_NASTY = "%+/=&-_.~:"

APP = "https://app.example.com"
Har = dict[str, Any]


def _cookie(har: Har, s: str) -> None:
    har["log"]["entries"].append(make_entry(cookies=[("session", s), ("lang", "en")]))


def _set_cookie(har: Har, s: str) -> None:
    har["log"]["entries"].append(make_entry(set_cookies=[f"sid={s}; Path=/; Secure; HttpOnly"]))


def _authorization(har: Har, s: str) -> None:
    har["log"]["entries"].append(make_entry(request_headers=[("authorization", f"Bearer {s}")]))


def _x_api_key(har: Har, s: str) -> None:
    har["log"]["entries"].append(make_entry(request_headers=[("X-Api-Key", s)]))


def _query_token(har: Har, s: str) -> None:
    url = f"{APP}/api/v1/feed?" + urlencode({"access_token": s, "page": "1"})
    har["log"]["entries"].append(make_entry(url=url))


def _json_password(har: Har, s: str) -> None:
    har["log"]["entries"].append(
        make_entry(
            method="POST",
            post_mime="application/json",
            post_text=json.dumps({"user": {"name": "jane", "password": s}}),
        )
    )


def _form_password(har: Har, s: str) -> None:
    har["log"]["entries"].append(
        make_entry(method="POST", url=f"{APP}/login", post_text=urlencode({"username": "jane", "password": s}))
    )


def _json_in_string(har: Har, s: str) -> None:
    body = json.dumps({"payload": json.dumps({"client_secret": s})})
    har["log"]["entries"].append(make_entry(method="POST", post_mime="application/json", post_text=body))


def _response_refresh_token(har: Har, s: str) -> None:
    body = json.dumps({"refresh_token": s, "token_type": "Bearer", "expires_in": 3600})
    har["log"]["entries"].append(make_entry(method="POST", url="https://idp.example.com/oauth2/v1/token", body=body))


def _base64_body(har: Har, s: str) -> None:
    har["log"]["entries"].append(make_entry(body=json.dumps({"session_token": s}), base64_body=True))


def _websocket_token(har: Har, s: str) -> None:
    frame = make_websocket_message(json.dumps({"type": "auth", "token": s}))
    har["log"]["entries"].append(
        make_entry(
            url="wss://app.example.com/ws",
            status=101,
            resource_type="websocket",
            body="",
            websocket_messages=[frame],
        )
    )


def _sse_token(har: Har, s: str) -> None:
    body = "event: token\ndata: " + json.dumps({"access_token": s}) + "\n\n"
    har["log"]["entries"].append(make_entry(mime_type="text/event-stream", body=body, resource_type="eventsource"))


def _location_fragment(har: Har, s: str) -> None:
    har["log"]["entries"].append(
        make_entry(
            url="https://idp.example.com/oauth2/v1/authorize?client_id=abc&response_type=token",
            status=302,
            redirect_url=f"{APP}/callback#access_token={quote(s, safe='')}&token_type=Bearer",
        )
    )


def _page_title_url(har: Har, s: str) -> None:
    har["log"]["pages"][0]["title"] = f"{APP}/reset-password?token={quote(s, safe='')}"
    har["log"]["entries"].append(make_entry(url=f"{APP}/reset-password", mime_type="text/html", body="<p>Reset</p>"))


LOCATIONS: dict[str, tuple[Callable[[Har, str], None], str]] = {
    "cookie": (_cookie, COOKIE_NASTY),
    "set-cookie": (_set_cookie, COOKIE_NASTY),
    "authorization-bearer": (_authorization, NASTY),
    "x-api-key-header": (_x_api_key, NASTY),
    "query-access_token": (_query_token, NASTY),
    "json-body-password": (_json_password, NASTY),
    "form-password": (_form_password, NASTY),
    "json-in-string-client_secret": (_json_in_string, NASTY),
    "response-refresh_token": (_response_refresh_token, NASTY),
    "base64-body-session_token": (_base64_body, NASTY),
    "websocket-frame-token": (_websocket_token, NASTY),
    "sse-access_token": (_sse_token, NASTY),
    "location-fragment": (_location_fragment, NASTY),
    "page-title-url-token": (_page_title_url, NASTY),
}


def _secret(rnd: random.Random, extra: str) -> str:
    """16-48 characters, at least 8 of them alphanumeric (secret-shaped, not pure punctuation).

    Hypothesis draws only a seed, a length and how heavily to weight the awkward characters; the
    characters come from a local generator. Drawing each character from Hypothesis makes most early
    examples overrun its choice budget, for no gain: a value is either redacted whole or not.
    """
    local = random.Random(rnd.getrandbits(64))
    length = rnd.randint(16, 48)
    alphabet = ALNUM + extra * rnd.choice([0, 1, 3, 10])
    while True:
        value = "".join(local.choice(alphabet) for _ in range(length))
        if sum(c.isalnum() for c in value) >= 8:
            return value


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    rnd=st.randoms(use_true_random=False),
    where=st.lists(st.sampled_from(sorted(LOCATIONS)), min_size=1, max_size=3),
)
def test_random_secrets_never_survive(rnd: random.Random, where: list[str]) -> None:
    har = make_har()
    planted: dict[str, str] = {}
    for i, name in enumerate(where):
        build, extra = LOCATIONS[name]
        value = _secret(rnd, extra)
        if any(value in other or other in value for other in planted.values()):
            continue
        planted[f"{i}:{name}"] = value
        build(har, value)

    res = run_sanitize(har, planted)

    assert_no_leak_deep(res.data, planted, "sanitized output")
    document = json.loads(res.data)
    assert_valid_har(document, "sanitized output")
    assert_same_structure(har, document, "sanitized output")
    for entry in document["log"]["entries"]:
        content = entry["response"]["content"]
        if content.get("encoding") == "base64":
            base64.b64decode(content["text"], validate=True)  # still decodable
