"""Shared glue for the end-to-end and property tests: one way to call harguard and judge its output.

Every call goes through `tests.leaks.guarded`, so a crash inside harguard fails the test without a
traceback that would print the planted values held in harguard's frames.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.builders import schema_errors
from tests.leaks import assert_no_leak, assert_no_leak_deep, guarded

__all__ = [
    "FINDING_FIELDS",
    "KEY",
    "OTHER_KEY",
    "PLACEHOLDER",
    "assert_findings_clean",
    "assert_valid_har",
    "checked_document",
    "harguard",
    "placeholders",
    "run_sanitize",
    "run_scan",
    "structure",
]

harguard = pytest.importorskip("harguard")

KEY = b"harguard-tests-fixed-key-32bytes"
OTHER_KEY = b"harguard-tests-other-key-32bytes"
assert len(KEY) == len(OTHER_KEY) == 32

PLACEHOLDER = re.compile(r"\[REDACTED:([a-z0-9]+(?:-[a-z0-9]+)*):([0-9a-f]{12})\]")
FINDING_FIELDS = ("kind", "rule", "location", "severity", "fingerprint")


def run_sanitize(source: Any, planted: Mapping[str, str], *, key: bytes = KEY, policy: Any = None) -> Any:
    """harguard.sanitize with PII on unless a policy is given; crashes fail without printing values."""
    if policy is None:
        policy = harguard.Policy(pii=True)
    return guarded(planted, harguard.sanitize, source, policy=policy, key=key)


def run_scan(source: Any, planted: Mapping[str, str], *, key: bytes = KEY, policy: Any = None) -> Any:
    if policy is None:
        policy = harguard.Policy(pii=True)
    return guarded(planted, harguard.scan, source, policy=policy, key=key)


def checked_document(res: Any, planted: Mapping[str, str], where: str) -> dict[str, Any]:
    """`res.document` once both it and `res.data` are known to be free of planted values, so later
    assertions on it can only ever print placeholders."""
    __tracebackhide__ = True
    assert_no_leak_deep(res.data, planted, f"{where}: res.data")
    assert_no_leak(json.dumps(res.document, ensure_ascii=False), planted, f"{where}: res.document")
    assert_valid_har(res.document, where)
    document: dict[str, Any] = res.document
    return document


def assert_valid_har(document: Any, where: str) -> None:
    """The document is a HAR 1.2 log per harguard's schema (skipped only while there is no schema)."""
    __tracebackhide__ = True
    assert isinstance(document, dict) and isinstance(document.get("log"), dict), f"{where}: no log object"
    assert isinstance(document["log"].get("entries"), list), f"{where}: no log.entries list"
    errors = schema_errors(document)
    if errors:  # paths and validator names only, never the values
        pytest.fail(f"{where}: not valid HAR 1.2: {errors[:20]}", pytrace=False)


def assert_findings_clean(report: Any, planted: Mapping[str, str], where: str) -> int:
    """No finding field (nor the report's repr) holds a planted value; returns the finding count."""
    __tracebackhide__ = True
    findings = list(report.findings)
    for i, finding in enumerate(findings):
        for name in FINDING_FIELDS:
            assert isinstance(getattr(finding, name), str), f"{where}: finding {i}.{name} is not a str"
        text = "\n".join(getattr(finding, name) for name in FINDING_FIELDS)
        assert_no_leak(text + "\n" + repr(finding) + "\n" + str(finding), planted, f"{where}: finding {i}")
        assert finding.severity in {"critical", "high", "medium", "low"}, f"{where}: finding {i} severity"
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", finding.kind), f"{where}: finding {i} kind not kebab-case"
        assert re.fullmatch(r"[0-9a-f]+", finding.fingerprint), f"{where}: finding {i} fingerprint not hex"
    assert_no_leak(repr(report), planted, f"{where}: repr(report)")
    return len(findings)


def structure(document: Mapping[str, Any], *, paths: bool = True) -> list[tuple[Any, ...]]:
    """What must never change: per entry method, host, URL path (optional) and status."""
    rows: list[tuple[Any, ...]] = []
    for entry in document["log"]["entries"]:
        parts = urlsplit(entry["request"]["url"])
        row: tuple[Any, ...] = (entry["request"]["method"], parts.scheme, parts.hostname, parts.port)
        if paths:
            row += (parts.path,)
        rows.append(row + (entry["response"]["status"],))
    return rows


def placeholders(text: str) -> list[str]:
    """Placeholders in a value, also when percent-encoded inside a URL."""
    return [m.group(0) for m in PLACEHOLDER.finditer(unquote(text))]
