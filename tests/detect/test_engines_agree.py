"""Both engines (hyperscan and pure Python) and both JSON backends give identical results.

The pure-Python path is what runs where hyperscan or orjson cannot (Pyodide in a browser), so
it must not be a weaker sanitizer: every rule example, the real corpus and a file full of planted
secrets go through both, and findings and outputs must be the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.corpus import REAL_CORPUS

import harguard
from harguard.detect.catalogue import builtin_rules
from harguard.detect.engine import HAVE_HYPERSCAN, Engine
from harguard.har import _json

pytestmark = pytest.mark.skipif(not HAVE_HYPERSCAN, reason="hyperscan is not installed")

RULES = builtin_rules()
CORPUS = REAL_CORPUS
KEY = b"e" * 32


@pytest.fixture(scope="module")
def engines() -> tuple[Engine, Engine]:
    return Engine(RULES, backend="hyperscan"), Engine(RULES, backend="python")


def _spans(engine: Engine, text: str) -> list[tuple[str, int, int]]:
    return [(m.rule.id, m.start, m.end) for m in engine.find(text)]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_examples_give_the_same_spans_in_both_engines(rule: Any, engines: tuple[Engine, Engine]) -> None:
    fast, pure = engines
    for i, text in enumerate((*rule.examples, *rule.negative_examples)):
        assert _spans(fast, text) == _spans(pure, text), f"{rule.id}: sample #{i + 1} differs"
    for i, text in enumerate(rule.examples):
        assert any(r == rule.id for r, _, _ in _spans(fast, text)), f"{rule.id}: example #{i + 1} not found"
    for i, text in enumerate(rule.negative_examples):
        assert all(r != rule.id for r, _, _ in _spans(fast, text)), f"{rule.id}: negative #{i + 1} found"


@pytest.fixture
def paths() -> Iterator[None]:
    yield
    _json.use_backend("orjson" if _json.HAVE_ORJSON else "std")


def _run(source: Any, *, engine: str, json_backend: str) -> tuple[Any, list[Any]]:
    _json.use_backend(json_backend)
    result = harguard.Sanitizer(key=KEY, engine=engine).sanitize(source)
    doc = _json.loads(result.data, backend="std")
    doc["log"].pop("_harguard", None)
    return doc, [f.as_dict() for f in result.report.findings]


def _compare(source: Any) -> None:
    fast_doc, fast_findings = _run(source, engine="hyperscan", json_backend="orjson" if _json.HAVE_ORJSON else "std")
    pure_doc, pure_findings = _run(source, engine="python", json_backend="std")
    assert fast_findings == pure_findings, "findings differ between the fast and the pure-Python path"
    assert fast_doc == pure_doc, "outputs differ between the fast and the pure-Python path"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.har")) if CORPUS.is_dir() else [], ids=lambda p: p.name)
def test_real_files_sanitize_the_same_on_both_paths(path: Path, paths: None) -> None:
    _compare(path)


def test_planted_file_sanitizes_the_same_on_both_paths(paths: None) -> None:
    from tests.planted import PLANTS

    har = PLANTS[0].har()
    for plant in PLANTS[1:]:
        plant.build(har)
    _compare(har)
