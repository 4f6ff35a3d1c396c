"""The HAR 1.2 JSON Schema: accepts real exporters' files, rejects broken documents.

The real corpus (public fixtures from mitmproxy, harviewer, Polly.JS, Playwright, browsertime)
lives outside the repository in ``shared/corpus/real`` beside the work tree; set HARGUARD_CORPUS
to point elsewhere. Tests that need it are skipped when it is absent.
"""

from __future__ import annotations

import copy
import gzip
import importlib.util
import json
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

jsonschema = pytest.importorskip("jsonschema")

from tests import badinputs  # noqa: E402
from tests.corpus import REAL_CORPUS  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO / "src" / "harguard" / "har" / "schema" / "har-1.2.schema.json"
CORPUS = REAL_CORPUS

# Real files that are genuinely not valid HAR 1.2 (required fields missing), with the exact
# schema errors we expect, as (JSON path with indices replaced by [], message) pairs.
KNOWN_INVALID: dict[str, set[tuple[str, str]]] = {
    # Firefox 111: five entries for requests that got no response (blocked/aborted images) have
    # timings {}, no response.headersSize and a content without size.
    "mitmproxy__firefox.har": {
        ("$.log.entries[].response", "'headersSize' is a required property"),
        ("$.log.entries[].response.content", "'size' is a required property"),
        ("$.log.entries[].timings", "'send' is a required property"),
        ("$.log.entries[].timings", "'wait' is a required property"),
        ("$.log.entries[].timings", "'receive' is a required property"),
    },
}


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    return cls(schema)


def _load(raw: bytes) -> Any:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return json.loads(raw.decode("utf-16"))
    return json.loads(raw.decode("utf-8-sig"))


def _errors(validator: Any, doc: Any) -> set[tuple[str, str]]:
    return {(re.sub(r"\[\d+\]", "[]", e.json_path), e.message) for e in validator.iter_errors(doc)}


def _corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.har")) if CORPUS.is_dir() else []


def test_schema_is_valid_draft_2020_12(validator: Any) -> None:
    assert validator.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.skipif(not _corpus_files(), reason="real HAR corpus not available")
@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_real_corpus(validator: Any, path: Path) -> None:
    doc = _load(path.read_bytes())
    errors = _errors(validator, doc)
    if path.name in KNOWN_INVALID:
        assert errors == KNOWN_INVALID[path.name]
    else:
        assert errors == set(), sorted(errors)[:5]


@pytest.mark.parametrize("name", [n for n, exp in badinputs.COMMITTED.items() if exp == "accepted"])
def test_accepted_bad_input_fixtures_are_valid_har(validator: Any, name: str) -> None:
    raw = (badinputs.BAD_DIR / name).read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    elif name.endswith(".zip"):
        with zipfile.ZipFile(badinputs.BAD_DIR / name) as zf:
            (member,) = zf.namelist()
            raw = zf.read(member)
    assert _errors(validator, _load(raw)) == set()


def test_committed_bad_inputs_are_up_to_date() -> None:
    for name, data in badinputs.committed_bytes().items():
        assert (badinputs.BAD_DIR / name).read_bytes() == data, f"rebuild with python -m tests.badinputs ({name})"


# --------------------------------------------------------------------------- hand-made documents


def _base() -> dict[str, Any]:
    har = badinputs.minimal_har()
    har["log"]["pages"] = [  # type: ignore[index]
        {
            "startedDateTime": "2024-05-14T09:12:03.123+02:00",
            "id": "page_1",
            "title": "t",
            "pageTimings": {"onContentLoad": 12.5, "onLoad": -1},
        }
    ]
    return har


def _entry(h: dict[str, Any]) -> dict[str, Any]:
    return h["log"]["entries"][0]  # type: ignore[no-any-return]


def _set(fn: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    h = _base()
    fn(h)
    return h


ACCEPTED: dict[str, Callable[[dict[str, Any]], None]] = {
    "base": lambda h: None,
    "custom _fields everywhere": lambda h: (
        h.__setitem__("_x", 1),
        h["log"].__setitem__("_y", {}),
        _entry(h).__setitem__("_initiator", {"type": "other"}),
        _entry(h)["request"].__setitem__("_ts", 1.5),
        _entry(h)["response"]["content"].__setitem__("_isBinary", False),
        _entry(h)["timings"].__setitem__("_blocked_queueing", 0.4),
        _entry(h)["request"]["headers"][0].__setitem__("_raw", "x"),
    ),
    "comment everywhere": lambda h: (
        h["log"].__setitem__("comment", "c"),
        _entry(h).__setitem__("comment", "c"),
        _entry(h)["request"]["cookies"][0].__setitem__("comment", "c"),
        _entry(h)["cache"].__setitem__("comment", "c"),
    ),
    "float sizes and -1 timings": lambda h: (
        _entry(h).__setitem__("time", 12.75),
        _entry(h)["timings"].update(blocked=-1, dns=-1, ssl=-1, connect=-1, receive=0.25),
        _entry(h)["response"].__setitem__("bodySize", -1),
    ),
    "postData params and cache entries": lambda h: (
        _entry(h)["request"].__setitem__(
            "postData",
            {
                "mimeType": "application/x-www-form-urlencoded",
                "text": "a=1",
                "params": [
                    {"name": "a", "value": "1"},
                    {"name": "f", "fileName": "x.txt", "contentType": "text/plain"},
                ],
            },
        ),
        _entry(h)["cache"].update(
            beforeRequest=None,
            afterRequest={
                "expires": "2024-05-14T09:12:03Z",
                "lastAccess": "2024-05-14T09:12:03Z",
                "eTag": "",
                "hitCount": 0,
            },
        ),
    ),
    "harmless exporter sloppiness": lambda h: (
        h["log"].__setitem__("pages", None),  # Fiddler 2
        _entry(h)["response"].__setitem__("redirectURL", None),  # Charles
        _entry(h)["request"].__setitem__("headersSize", None),  # Firefox 111
        _entry(h)["request"]["cookies"][0].update(expires=None, sameSite="Lax"),  # Chrome, Playwright
        _entry(h)["request"].__setitem__("settingEncodeUrl", True),  # Insomnia
        _entry(h)["cache"].__setitem__(
            "afterRequest", {"expires": "0", "lastFetched": "", "fetchCount": ""}
        ),  # Firefox
    ),
}

REJECTED: dict[str, Callable[[dict[str, Any]], None]] = {
    "no log": lambda h: h.pop("log"),
    "log is a list": lambda h: h.__setitem__("log", []),
    "no creator": lambda h: h["log"].pop("creator"),
    "entries not a list": lambda h: h["log"].__setitem__("entries", {"0": _entry(h)}),
    "entry without request": lambda h: _entry(h).pop("request"),
    "entry without timings": lambda h: _entry(h).pop("timings"),
    "request without url": lambda h: _entry(h)["request"].pop("url"),
    "response status is a string": lambda h: _entry(h)["response"].__setitem__("status", "200"),
    "content without mimeType": lambda h: _entry(h)["response"]["content"].pop("mimeType"),
    "timings without wait": lambda h: _entry(h)["timings"].pop("wait"),
    "timing below -1": lambda h: _entry(h)["timings"].__setitem__("send", -5),
    "header without value": lambda h: _entry(h)["request"]["headers"][0].pop("value"),
    "cookie value is a number": lambda h: _entry(h)["request"]["cookies"][0].__setitem__("value", 1),
    "unknown non-underscore field": lambda h: _entry(h).__setitem__("secretStuff", "x"),
    "postData without mimeType": lambda h: _entry(h)["request"].__setitem__("postData", {"text": "a=1"}),
    "page without id": lambda h: h["log"]["pages"][0].pop("id"),
    "startedDateTime not ISO 8601": lambda h: _entry(h).__setitem__("startedDateTime", "Tue, 14 May 2024 09:12:03 GMT"),
    "queryString is an object": lambda h: _entry(h)["request"].__setitem__("queryString", {"a": "1"}),
}


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_accepts(validator: Any, name: str) -> None:
    doc = _set(ACCEPTED[name])
    assert _errors(validator, doc) == set()


@pytest.mark.parametrize("name", list(REJECTED))
def test_rejects(validator: Any, name: str) -> None:
    doc = _set(REJECTED[name])
    assert _errors(validator, doc), f"{name} was accepted"
    assert _errors(validator, copy.deepcopy(_base())) == set()


def test_synthetic_generator_output_is_valid(validator: Any) -> None:
    spec = importlib.util.spec_from_file_location("_bench_generate", REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gen  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(gen)
    finally:
        del sys.modules[spec.name]
    data, secrets = gen.generate_har(400 * 1024, seed=3, secrets_every=3, return_secrets=True)
    assert 0.95 <= len(data) / (400 * 1024) <= 1.05
    assert secrets and all(s.encode() in data for s in secrets)
    assert _errors(validator, json.loads(data)) == set()
