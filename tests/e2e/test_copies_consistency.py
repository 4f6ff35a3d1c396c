"""Copies of one datum stay identical after sanitizing, and one secret gets one placeholder.

HAR stores several things twice (URL and `queryString`, `Cookie` and `cookies[]`, `Set-Cookie` and
`response.cookies[]`, `Location` and `redirectURL`, `postData.text` and `params`, `:path` and the URL).
A sanitizer that redacts one copy differently from the other produces a file that tools disagree
about. And the same secret must map to the same placeholder everywhere (and across files with one
key), so support can still follow a session through a capture.

Every test checks for leaks first, so a comparison that fails can only print placeholders.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.builders import header_value, header_values, make_entry, make_har, parse_set_cookie
from tests.harness import KEY, OTHER_KEY, checked_document, placeholders, run_sanitize

TOKEN = "dummyCopiesAccessToken_0123456789Ab"
SID = "dummyCopiesSessionId_0123456789AbCd"
SID2 = "dummyCopiesSecondCookie_0123456789A"
PASSWORD = "Dummy-Copies-Passw0rd!&=+"
CODE = "dummyCopiesAuthCode_0123456789AbCd"
OTHER_TOKEN = "dummyCopiesOtherToken_0123456789Ab"
STATE = "dummyCopiesState_0123456789"
PLANTED = {
    "token": TOKEN,
    "sid": SID,
    "sid2": SID2,
    "password": PASSWORD,
    "code": CODE,
    "other": OTHER_TOKEN,
    "state": STATE,
}


def _sanitized(*entries: dict[str, Any], key: bytes = KEY) -> dict[str, Any]:
    return checked_document(run_sanitize(make_har(entries), PLANTED, key=key), PLANTED, "sanitized output")


def _pairs(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(i["name"], i["value"]) for i in items]


def _one_placeholder(value: str, what: str) -> str:
    found = placeholders(value)
    assert len(found) == 1, f"{what}: expected one placeholder, found {len(found)}"
    return found[0]


def test_url_query_and_querystring_agree() -> None:
    url = "https://app.example.com/api/v1/feed?" + urlencode({"access_token": TOKEN, "page": "2", "ref": "a+b c/d"})
    doc = _sanitized(make_entry(url=url, pseudo_headers=True))
    request = doc["log"]["entries"][0]["request"]
    from_url = parse_qsl(urlsplit(request["url"]).query, keep_blank_values=True)
    assert from_url == _pairs(request["queryString"]), "URL query and queryString differ"
    assert ("page", "2") in from_url and ("ref", "a+b c/d") in from_url, "harmless parameters changed"
    _one_placeholder(dict(from_url)["access_token"], "access_token")

    parts = urlsplit(request["url"])
    path_header = header_value(request["headers"], ":path")
    assert path_header == parts.path + "?" + parts.query, ":path pseudo-header and URL differ"


def test_cookie_header_and_cookies_array_agree() -> None:
    doc = _sanitized(make_entry(cookies=[("JSESSIONID", SID), ("idx", SID2), ("theme", "dark-mode-v2")]))
    request = doc["log"]["entries"][0]["request"]
    header = header_value(request["headers"], "cookie")
    from_header = [tuple(part.split("=", 1)) for part in header.split("; ")]
    assert from_header == _pairs(request["cookies"]), "Cookie header and cookies[] differ"
    assert [name for name, _ in from_header] == ["JSESSIONID", "idx", "theme"], "cookie names changed"


def _set_cookie_pairs(response: dict[str, Any]) -> list[tuple[str, str]]:
    lines = [line for value in header_values(response["headers"], "set-cookie") for line in value.split("\n")]
    return [(c["name"], c["value"]) for c in map(parse_set_cookie, lines)]


def test_set_cookie_headers_and_response_cookies_agree() -> None:
    doc = _sanitized(
        make_entry(set_cookies=[f"sid={SID}; Path=/; Secure; HttpOnly", f"idx={SID2}; Path=/; SameSite=Lax"]),
        make_entry(
            http_version="HTTP/1.1",
            set_cookie_joined=True,
            set_cookies=[f"sid={SID}; Path=/; Secure; HttpOnly", f"idx={SID2}; Path=/; SameSite=Lax"],
        ),
    )
    for i, entry in enumerate(doc["log"]["entries"]):
        response = entry["response"]
        assert _set_cookie_pairs(response) == _pairs(response["cookies"]), f"entry {i}: Set-Cookie and cookies[] differ"
        flags = [(c.get("httpOnly"), c.get("secure"), c.get("path")) for c in response["cookies"]]
        assert flags == [(True, True, "/"), (False, False, "/")], f"entry {i}: cookie attributes changed"
    joined = header_values(doc["log"]["entries"][1]["response"]["headers"], "set-cookie")
    assert len(joined) == 1 and joined[0].count("\n") == 1, "joined Set-Cookie header was split or merged"


def test_location_and_redirect_url_agree() -> None:
    target = f"https://app.example.com/callback?code={CODE}&state={STATE}"
    doc = _sanitized(
        make_entry(
            url="https://idp.example.com/oauth2/v1/authorize?client_id=abc&response_type=code",
            status=302,
            redirect_url=target,
        )
    )
    response = doc["log"]["entries"][0]["response"]
    assert header_value(response["headers"], "location") == response["redirectURL"], "Location and redirectURL differ"
    assert response["redirectURL"].startswith("https://app.example.com/callback?"), "redirect target changed"


def test_post_text_and_params_agree() -> None:
    text = urlencode({"username": "jane", "password": PASSWORD, "remember": "1"})
    doc = _sanitized(make_entry(method="POST", url="https://app.example.com/login", post_text=text))
    post = doc["log"]["entries"][0]["request"]["postData"]
    assert parse_qsl(post["text"], keep_blank_values=True) == _pairs(post["params"]), "postData.text and params differ"
    assert [n for n, _ in _pairs(post["params"])] == ["username", "password", "remember"], "form field names changed"


def test_same_secret_in_two_entries_gets_the_same_placeholder() -> None:
    doc = _sanitized(
        make_entry(request_headers=[("authorization", f"Bearer {TOKEN}")]),
        make_entry(url="https://app.example.com/api/v1/other", request_headers=[("authorization", f"Bearer {TOKEN}")]),
        make_entry(request_headers=[("authorization", f"Bearer {OTHER_TOKEN}")]),
    )
    values = [header_value(e["request"]["headers"], "authorization") for e in doc["log"]["entries"]]
    first, second, other = (_one_placeholder(v, f"entry {i}") for i, v in enumerate(values))
    assert first == second, "one secret got two placeholders"
    assert first != other, "two secrets got one placeholder"


def test_same_secret_across_surfaces_gets_the_same_placeholder() -> None:
    doc = _sanitized(
        make_entry(
            method="POST",
            url="https://app.example.com/login",
            status=302,
            redirect_url="https://app.example.com/",
            set_cookies=[f"sid={SID}; Path=/; HttpOnly"],
        ),
        make_entry(cookies=[("sid", SID)]),
        make_entry(url="https://app.example.com/api/v1/feed?" + urlencode({"sid": SID})),
    )
    entries = doc["log"]["entries"]
    seen = {
        "set-cookie": _one_placeholder(entries[0]["response"]["cookies"][0]["value"], "response cookie"),
        "cookie": _one_placeholder(entries[1]["request"]["cookies"][0]["value"], "request cookie"),
        "query": _one_placeholder(entries[2]["request"]["queryString"][0]["value"], "query parameter"),
    }
    assert len(set(seen.values())) == 1, f"placeholders differ across surfaces: {sorted(seen)}"


def test_same_key_same_placeholder_across_files_other_key_differs() -> None:
    def placeholder_for(entry_url: str, key: bytes) -> str:
        doc = _sanitized(make_entry(url=entry_url, request_headers=[("authorization", f"Bearer {TOKEN}")]), key=key)
        return _one_placeholder(header_value(doc["log"]["entries"][0]["request"]["headers"], "authorization"), "file")

    a = placeholder_for("https://app.example.com/a", KEY)
    b = placeholder_for("https://other.example.com/b", KEY)
    c = placeholder_for("https://app.example.com/a", OTHER_KEY)
    assert a == b, "same key, same secret, different placeholders across files"
    assert a != c, "placeholder does not depend on the key"
