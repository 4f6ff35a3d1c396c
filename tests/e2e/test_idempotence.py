"""Sanitizing a sanitized file finds nothing and changes nothing (the audit's second run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import harguard
from tests.corpus import REAL_CORPUS

CORPUS = REAL_CORPUS
FILES = sorted(CORPUS.glob("*.har")) if CORPUS.is_dir() else []


def _without_manifest(doc: dict[str, Any]) -> dict[str, Any]:
    doc["log"].pop("_harguard", None)
    return doc


@pytest.mark.skipif(not FILES, reason="shared corpus not present")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_second_run_is_a_fixed_point(path: Path) -> None:
    sanitizer = harguard.Sanitizer(key=b"i" * 32)
    first = sanitizer.sanitize(path)
    second = sanitizer.sanitize(first.data)
    assert second.report.findings == [], f"{path.name}: second run found {second.report.counts_by_kind}"
    assert _without_manifest(second.document) == _without_manifest(first.document), f"{path.name} changed"


def test_planted_file_second_run_is_a_fixed_point() -> None:
    from tests.planted import PLANTS

    har = PLANTS[0].har()
    for plant in PLANTS[1:]:
        plant.build(har)
    sanitizer = harguard.Sanitizer(key=b"i" * 32)
    first = sanitizer.sanitize(har)
    second = sanitizer.sanitize(first.data)
    assert second.report.counts_by_kind == {}, "second run found something"
    assert _without_manifest(second.document) == _without_manifest(first.document)
