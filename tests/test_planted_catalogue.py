"""The planted catalogue itself: every plant really is in its HAR, which is valid, and reprs are masked.

These checks need no harguard: they prove that a sanitizer doing nothing would fail every e2e case.
"""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from tests.builders import make_entry, make_har, schema_errors
from tests.leaks import decoded_views, find_leaks
from tests.planted import DECOYS, PLANTS, Decoy, Plant, github_token, png_bytes


def test_ids_are_unique() -> None:
    assert len({p.id for p in PLANTS}) == len(PLANTS)
    assert len({d.id for d in DECOYS}) == len(DECOYS)


def test_values_are_long_enough_where_the_format_allows() -> None:
    fixed_format = {"post.form-otp", "pii.ssn"}  # 6-digit OTP, 11-character SSN
    short = [p.id for p in PLANTS if len(p.value) < 12 and p.id not in fixed_format]
    short += [f"{p.id}/{k}" for p in PLANTS for k, v in p.extras.items() if len(v) < 12]
    assert short == []


@pytest.mark.parametrize("plant", PLANTS, ids=lambda p: p.id)
def test_plant_is_in_its_har_and_the_har_is_valid(plant: Plant) -> None:
    har = plant.har()
    data = json.dumps(har)
    missing = sorted(
        set(plant.planted()) - {pid for _, text in decoded_views(data) for pid, _ in find_leaks(text, plant.planted())}
    )
    assert missing == [], "planted ids not found in the unsanitized HAR"
    errors = schema_errors(har)
    if errors is None:
        pytest.skip("no HAR schema yet")
    assert errors == []


@pytest.mark.parametrize("decoy", DECOYS, ids=lambda d: d.id)
def test_decoy_is_where_it_claims_and_the_har_is_valid(decoy: Decoy) -> None:
    har = decoy.har()
    assert decoy.value in decoy.get(har)
    assert schema_errors(har) in (None, [])


def test_plant_reprs_never_show_values() -> None:
    for plant in PLANTS:
        assert not find_leaks(repr(plant), plant.planted()), plant.id


def test_decoys_are_not_planted_secrets() -> None:
    planted = {pid: v for p in PLANTS for pid, v in p.planted().items()}
    for decoy in DECOYS:
        assert not find_leaks(decoy.value, planted), decoy.id


def test_github_token_checksum_matches_the_documented_example() -> None:
    documented = "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"
    assert github_token(documented[4:-6]) == documented


def test_png_is_a_real_png() -> None:
    png = png_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82")
    idat_len = int.from_bytes(png[33:37], "big")
    assert png[37:41] == b"IDAT"
    zlib.decompress(png[41 : 41 + idat_len])


def test_builders_mirror_copies_like_chrome() -> None:
    entry = make_entry(
        url="https://a.example.com/p?x=a%2Bb&y=c+d",
        cookies=[("a", "1"), ("b", "2")],
        method="POST",
        post_text="u=j&p=q%26r",
        set_cookies=["s=1; Path=/; HttpOnly", "t=2; Secure"],
        redirect_url="https://a.example.com/n",
    )
    req, resp = entry["request"], entry["response"]
    assert req["queryString"] == [{"name": "x", "value": "a+b"}, {"name": "y", "value": "c d"}]
    assert {"name": "cookie", "value": "a=1; b=2"} in req["headers"]
    assert req["cookies"] == [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}]
    assert req["postData"]["params"] == [{"name": "u", "value": "j"}, {"name": "p", "value": "q&r"}]
    assert [c["name"] for c in resp["cookies"]] == ["s", "t"] and resp["cookies"][0]["httpOnly"] is True
    assert {"name": "location", "value": "https://a.example.com/n"} in resp["headers"]
    joined = make_entry(set_cookies=["s=1", "t=2"], set_cookie_joined=True, http_version="HTTP/1.1")
    assert {"name": "Set-Cookie", "value": "s=1\nt=2"} in joined["response"]["headers"]
    b64 = make_entry(body='{"a": 1}', base64_body=True)["response"]["content"]
    assert b64["encoding"] == "base64" and base64.b64decode(b64["text"]) == b'{"a": 1}'
    assert schema_errors(make_har([entry, joined])) in (None, [])
