"""Real HAR files from public repositories: every known credential goes, everything else stays usable.

The corpus lives in the shared folder beside the repository (`shared/corpus/real`), with
`must_redact.json` listing, per file, the values found in credential-bearing places. For each file:
no spelling of any listed value survives, the output parses, the entry count and every entry's
method, host, URL path and status are unchanged, and a file that was valid HAR 1.2 stays valid.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.builders import schema_errors
from tests.corpus import REAL_CORPUS
from tests.harness import assert_findings_clean, assert_same_structure, assert_valid_har, run_sanitize
from tests.leaks import assert_no_leak

CORPUS = REAL_CORPUS
MUST_REDACT = CORPUS / "must_redact.json"
FILES = sorted(CORPUS.glob("*.har")) if CORPUS.is_dir() else []


def _must_redact(name: str) -> dict[str, str]:
    listed = json.loads(MUST_REDACT.read_text(encoding="utf-8"))["files"].get(name, {"values": []})["values"]
    # Ids name the source (cookie:__utma, header:authorization), never the value.
    return {f"{item['source']}#{i}": item["value"] for i, item in enumerate(listed)}


def _load(raw: bytes) -> Any:
    return json.loads(raw.decode("utf-8-sig"))


def test_corpus_is_present() -> None:
    if not FILES:
        pytest.skip(f"no real corpus at {CORPUS}")
    assert MUST_REDACT.is_file(), "must_redact.json is missing beside the corpus"
    listed = set(json.loads(MUST_REDACT.read_text(encoding="utf-8"))["files"])
    assert listed <= {p.name for p in FILES}, "must_redact.json names files that are not in the corpus"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_file(path: Path) -> None:
    planted = _must_redact(path.name)
    raw = path.read_bytes()
    before = _load(raw)

    res = run_sanitize(raw, planted)

    assert_no_leak(res.data, planted, f"{path.name}: sanitized output")
    after = json.loads(res.data)
    assert isinstance(after, dict) and "log" in after, "output is not a HAR object"
    assert_same_structure(before, after, path.name)
    if schema_errors(before) == []:
        assert_valid_har(after, path.name)
    findings = assert_findings_clean(res.report, planted, path.name)
    if planted:
        assert findings >= 1, "credentials were listed for this file but nothing was reported"
