"""Known secrets are found in every spelling, whichever run of characters anchors them."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from harguard.detect.known import KnownSecrets


@pytest.mark.parametrize("backend", ["python", "hyperscan"])
def test_secrets_sharing_their_longest_run_are_each_found(backend: str) -> None:
    emails = [f"user{i:04d}@customer-example.com" for i in range(500)]
    known = KnownSecrets({e: f"[REDACTED:email:{i:012x}]" for i, e in enumerate(emails)}, backend=backend)
    text = f"to={quote(emails[7], safe='')} cc={json.dumps(emails[321])}"
    assert sorted(known.present(text)) == [emails[7], emails[321]]
    assert known.present("nobody@customer-example.com") == []
