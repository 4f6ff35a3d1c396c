"""Debugging data that merely looks secret survives sanitizing, byte for byte.

Each `tests.planted.DECOYS` item must still be where it was (`decoy.get`), and every occurrence of
its JSON spelling in the input must still be in the output. Decoys are not secrets, so these
assertions may print them.
"""

from __future__ import annotations

import json

import pytest

from tests.harness import assert_valid_har, harguard, run_sanitize, structure
from tests.leaks import assert_no_leak
from tests.planted import DECOYS, Decoy, plants_by_id


def _json_spelling(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _count(data: str, value: str) -> int:
    return data.count(_json_spelling(value))


@pytest.mark.parametrize("decoy", DECOYS, ids=lambda d: d.id)
def test_decoy_survives(decoy: Decoy) -> None:
    har = decoy.har()
    res = run_sanitize(har, {})
    assert_valid_har(res.document, decoy.id)
    assert decoy.value in decoy.get(res.document), f"{decoy.id} was changed ({decoy.why})"
    before = _count(json.dumps(har, ensure_ascii=False), decoy.value)
    after = _count(res.data.decode("utf-8"), decoy.value)
    assert after >= before, f"{decoy.id}: {before} occurrence(s) in, {after} out"
    assert structure(res.document) == structure(har)


def test_all_decoys_together_survive() -> None:
    har = DECOYS[0].har()
    for decoy in DECOYS[1:]:
        decoy.build(har)
    res = run_sanitize(har, {})
    text_in = json.dumps(har, ensure_ascii=False)
    text_out = res.data.decode("utf-8")
    lost = [d.id for d in DECOYS if _count(text_out, d.value) < _count(text_in, d.value)]
    assert lost == [], "decoys changed when planted together"
    assert structure(res.document) == structure(har)


def test_pii_off_keeps_pii_but_still_redacts_credentials() -> None:
    email, bearer = plants_by_id()["pii.email"], plants_by_id()["req-header.authorization-bearer-h2"]
    har = email.har()
    bearer.build(har)
    res = run_sanitize(har, bearer.planted(), policy=harguard.Policy(pii=False))
    assert_no_leak(res.data, bearer.planted(), "pii=False output")
    body = json.loads(res.document["log"]["entries"][0]["response"]["content"]["text"])
    kept = body["profile"]["contact"] == email.value  # not asserted directly: no value in the failure
    assert kept, "Policy(pii=False) still redacted the e-mail address"
