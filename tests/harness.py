"""Shared glue for the end-to-end and property tests: one way to call harguard and judge its output.

Every call goes through `tests.leaks.guarded`, so a crash inside harguard fails the test without a
traceback that would print the planted values held in harguard's frames.
"""

from __future__ import annotations

import importlib.util
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
    "assert_same_structure",
    "assert_valid_har",
    "checked_document",
    "harguard",
    "placeholders",
    "require",
    "run_sanitize",
    "run_scan",
    "structure",
]

# Skip only while the package does not exist at all; once it does, an import error must fail loudly
# (pytest.importorskip would also skip on a broken import inside harguard and hide it).
if importlib.util.find_spec("harguard") is None:  # pragma: no cover - only before the library lands
    pytest.skip("harguard is not importable yet", allow_module_level=True)
import harguard  # noqa: E402

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


def require(condition: object, message: str) -> None:
    """Fail with `message` and no traceback when `condition` is false.

    Used instead of `assert` in helpers: a failing `assert` makes pytest print the arguments of
    every frame on the stack, and callers' frames may hold planted values.
    """
    __tracebackhide__ = True
    if not condition:
        pytest.fail(message, pytrace=False)


def assert_valid_har(document: Any, where: str) -> None:
    """The document is a HAR 1.2 log per harguard's schema (skipped only while there is no schema)."""
    __tracebackhide__ = True
    require(isinstance(document, dict) and isinstance(document.get("log"), dict), f"{where}: no log object")
    require(isinstance(document["log"].get("entries"), list), f"{where}: no log.entries list")
    errors = schema_errors(document)
    # paths and validator names only, never the values
    require(not errors, f"{where}: not valid HAR 1.2: {(errors or [])[:20]}")


_KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_HEX = re.compile(r"[0-9a-f]+")


def assert_findings_clean(report: Any, planted: Mapping[str, str], where: str) -> int:
    """No finding field (nor the report's repr) holds a planted value; returns the finding count."""
    __tracebackhide__ = True
    findings = list(report.findings)
    for i, finding in enumerate(findings):
        fields = [getattr(finding, name, None) for name in FINDING_FIELDS]
        require(all(isinstance(f, str) for f in fields), f"{where}: finding {i}: a field is missing or not a str")
        text = "\n".join([*fields, repr(finding), str(finding)])
        assert_no_leak(text, planted, f"{where}: finding {i}")
        require(finding.severity in {"critical", "high", "medium", "low"}, f"{where}: finding {i}: bad severity")
        require(_KEBAB.fullmatch(finding.kind), f"{where}: finding {i}: kind not kebab-case")
        require(_HEX.fullmatch(finding.fingerprint), f"{where}: finding {i}: fingerprint not hex")
    assert_no_leak(repr(report), planted, f"{where}: repr(report)")
    return len(findings)


def structure(document: Mapping[str, Any], *, paths: bool = True) -> list[tuple[Any, ...]]:
    """What must never change: per entry method, scheme, host, port, URL path (optional), status.

    An unparseable URL yields the marker "<unparseable url>" (Python's urlsplit rejects, for
    example, a placeholder written raw into URL userinfo: its brackets read as an IPv6 host).
    """
    rows: list[tuple[Any, ...]] = []
    for entry in document["log"]["entries"]:
        try:
            parts = urlsplit(entry["request"]["url"])
            where: tuple[Any, ...] = (parts.scheme, parts.hostname, parts.port)
            path = parts.path
        except ValueError:
            where, path = ("<unparseable url>",), "<unparseable url>"
        row: tuple[Any, ...] = (entry["request"]["method"], *where)
        if paths:
            row += (path,)
        rows.append(row + (entry["response"]["status"],))
    return rows


def assert_same_structure(before: Mapping[str, Any], after: Mapping[str, Any], where: str) -> None:
    """Entry count and each entry's method, scheme, host, port, path and status are unchanged.

    A path may differ only where the output holds a placeholder for a secret segment (an ASP.NET
    cookieless session id, a magic-link token): each placeholder stands for a non-empty run.
    Failures name entry indexes and fields only: an input path may itself hold a secret.
    """
    __tracebackhide__ = True
    rows_in, rows_out = structure(before), structure(after)
    require(len(rows_in) == len(rows_out), f"{where}: entry count changed ({len(rows_in)} -> {len(rows_out)})")
    fields = ("method", "scheme", "host", "port", "path", "status")
    problems: list[str] = []
    for i, (row_in, row_out) in enumerate(zip(rows_in, rows_out, strict=True)):
        if len(row_in) != len(row_out):
            problems.append(f"entry {i}: url no longer parses")
            continue
        for name, a, b in zip(fields, row_in, row_out, strict=True):
            if a == b or (name == "path" and _path_matches(template=b, original=a)):
                continue
            problems.append(f"entry {i}: {name}")
    require(not problems, f"{where}: structure changed: {problems[:20]}")


def _path_matches(*, template: str, original: str) -> bool:
    pieces = re.split(PLACEHOLDER.pattern, unquote(template))
    # re.split with two groups yields [text, kind, hex, text, kind, hex, ..., text]
    literal = pieces[0::3]
    if len(literal) == 1:
        return False
    pattern = ".+?".join(re.escape(p) for p in literal)
    return re.fullmatch(pattern, unquote(original)) is not None


def placeholders(text: str) -> list[str]:
    """Placeholders in a value, also when percent-encoded inside a URL."""
    return [m.group(0) for m in PLACEHOLDER.finditer(unquote(text))]
