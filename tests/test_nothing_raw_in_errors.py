"""Bad inputs that contain secrets raise the right error, and no error text quotes the secret.

An exception message ends up in logs, terminals and HTTP responses. For each bad input the exception
type is checked, then `str`, `repr`, `args`, notes and the whole formatted chain (`__cause__` and
`__context__` included, as `traceback.format_exception` prints it) are searched for every spelling
of the planted secret.
"""

from __future__ import annotations

import gzip
import json
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.builders import make_entry, make_har
from tests.harness import KEY, harguard
from tests.leaks import assert_no_leak

SECRET = "dummyErrorPathSecret_0123456789AbCdEf"
PLANTED = {"secret": SECRET}


def _har_bytes() -> bytes:
    har = make_har([make_entry(request_headers=[("authorization", f"Bearer {SECRET}")])])
    return json.dumps(har).encode()


def _truncated_at_token() -> bytes:
    raw = _har_bytes()
    return raw[: raw.index(SECRET.encode()) + len(SECRET)]  # the file ends with the token


def _truncated_inside_escape() -> bytes:
    return _truncated_at_token() + b"\\"


def _bom_truncated() -> bytes:
    return b"\xef\xbb\xbf" + _truncated_at_token()


def _gzip_truncated() -> bytes:
    packed = gzip.compress(_har_bytes())
    return packed[: len(packed) * 2 // 3]


def _html_page() -> bytes:
    return f"<html><body>Session expired. Resume with ?token={SECRET}</body></html>".encode()


def _bare_word() -> bytes:
    return b'{"log": {"version": "1.2", "entries": [' + SECRET.encode() + b"]}}"


def _latin1() -> bytes:
    text = '{"log": {"version": "1.2", "comment": "caf\u00e9 ' + SECRET + '", "entries": []}}'
    return text.encode("latin-1")


def _not_har() -> bytes:
    return json.dumps({"access_token": SECRET, "items": []}).encode()


def _entries_not_list() -> bytes:
    return json.dumps({"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "entries": SECRET}}).encode()


def _too_deep() -> bytes:
    depth = 100_000
    nested = "[" * depth + json.dumps(SECRET) + "]" * depth
    return (
        '{"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "entries": [], "_x": ' + nested + "}}"
    ).encode()


CASES: list[tuple[str, Callable[[], bytes], str]] = [
    ("truncated-at-token", _truncated_at_token, "TruncatedError"),
    ("truncated-inside-escape", _truncated_inside_escape, "TruncatedError"),
    ("bom-then-truncated", _bom_truncated, "TruncatedError"),
    ("gzip-truncated", _gzip_truncated, "InputError"),
    ("html-error-page", _html_page, "NotJSONError"),
    ("bare-word-in-json", _bare_word, "NotJSONError"),
    ("latin-1-bytes", _latin1, "EncodingError"),
    ("json-not-har", _not_har, "NotHARError"),
    ("entries-not-a-list", _entries_not_list, "NotHARError"),
    ("nesting-too-deep", _too_deep, "LimitExceededError"),
]


def _assert_exception_clean(exc: BaseException, where: str) -> None:
    __tracebackhide__ = True
    texts = [str(exc), repr(exc), repr(exc.args), "".join(traceback.format_exception(exc))]
    texts += [str(n) for n in getattr(exc, "__notes__", [])]
    assert_no_leak("\n".join(texts), PLANTED, where)


def _raises(fn: Callable[..., Any], source: Any) -> BaseException:
    """The exception `fn(source)` raises; fails (without quoting it) if none or a non-harguard one."""
    __tracebackhide__ = True
    return _caught(lambda: fn(source, key=KEY), harguard.InputError, f"{fn.__name__}")


def _caught(call: Callable[[], Any], expected: type[BaseException], what: str) -> BaseException:
    """Run `call`; return the `expected` exception it raised. Any other outcome fails, naming only
    types, and outside the except block, so pytest does not print the exception as context."""
    __tracebackhide__ = True
    failure = f"{what} accepted a bad input"
    try:
        call()
    except expected as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - reported by type only: its message may hold the secret
        failure = f"{what} raised {type(exc).__name__}, not {expected.__name__}"
    pytest.fail(failure, pytrace=False)


@pytest.mark.parametrize("entry", ["sanitize", "scan"])
@pytest.mark.parametrize("as_path", [False, True], ids=["bytes", "path"])
@pytest.mark.parametrize(("case", "make", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_the_right_error_without_the_secret(
    case: str, make: Callable[[], bytes], expected: str, as_path: bool, entry: str, tmp_path: Path
) -> None:
    source: Any = make()
    if as_path:
        source = tmp_path / "bad.har"
        source.write_bytes(make())
    exc = _raises(getattr(harguard, entry), source)
    _assert_exception_clean(exc, f"{case} via {entry}")
    expected_type = getattr(harguard, expected)
    assert isinstance(exc, expected_type), f"{case}: got {type(exc).__name__}, expected {expected}"


# Parametrised by name, not by value: pytest prints a failing test's arguments.
PARSED_DOCUMENTS: dict[str, Callable[[], Any]] = {
    "dict-not-har": lambda: {"access_token": SECRET},
    "dict-entries-string": lambda: {"log": {"version": "1.2", "entries": SECRET}},
    "list-top-level": lambda: [SECRET],
}


@pytest.mark.parametrize("name", sorted(PARSED_DOCUMENTS))
def test_bad_parsed_documents_are_not_har(name: str) -> None:
    exc = _raises(harguard.sanitize, PARSED_DOCUMENTS[name]())
    _assert_exception_clean(exc, f"parsed document {name}")
    assert isinstance(exc, harguard.NotHARError), f"got {type(exc).__name__}, expected NotHARError"


def test_error_tree_is_as_documented() -> None:
    for name in ("NotJSONError", "TruncatedError", "EncodingError", "NotHARError", "LimitExceededError"):
        assert issubclass(getattr(harguard, name), harguard.InputError), name
    for name in ("InputError", "PolicyError", "ResidualLeakError"):
        assert issubclass(getattr(harguard, name), Exception), name


POLICY_FILES: dict[str, str] = {
    "syntax-error-at-secret": f'allow = ["{SECRET}',
    "unknown-key-with-secret-value": f'not_a_real_option = "{SECRET}"\n',
    "unknown-section": f'[not_a_real_section]\nkey = "{SECRET}"\n',
    "wrong-type-with-secret-value": f'pii = "{SECRET}"\n',
}


@pytest.mark.parametrize("name", sorted(POLICY_FILES))
def test_bad_policy_file_raises_policy_error_without_the_secret(name: str, tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(POLICY_FILES[name], encoding="utf-8")
    exc = _caught(lambda: harguard.Policy.from_toml(path), harguard.PolicyError, "Policy.from_toml")
    _assert_exception_clean(exc, "policy error")
