"""Unit tests of tests/leaks.py: the leak checker must find every spelling and never print a value."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from tests.leaks import (
    assert_no_leak,
    assert_no_leak_deep,
    decoded_views,
    find_leaks,
    guarded,
    spellings,
)

SECRET = 'dummy/Secret+Value="x"&y;z\\0123'
REPO = Path(__file__).resolve().parents[1]


def test_spellings_cover_the_encodings_a_har_uses() -> None:
    s = spellings(SECRET)
    assert s["raw"] == SECRET
    assert s["url"] == quote(SECRET, safe="")
    assert s["url-path"] == quote(SECRET)
    assert s["url-plus"] == quote_plus(SECRET)
    assert s["url-lower"] == quote(SECRET, safe="").replace("%2F", "%2f").replace("%2B", "%2b").replace(
        "%3D", "%3d"
    ).replace("%3B", "%3b").replace("%5C", "%5c")
    assert s["json"] == json.dumps(SECRET)[1:-1]
    assert s["json-slash"] == json.dumps(SECRET)[1:-1].replace("/", "\\/")
    assert s["json-twice"] == json.dumps(json.dumps(SECRET)[1:-1])[1:-1]
    assert s["html"] == "dummy/Secret+Value=&quot;x&quot;&amp;y;z\\0123"
    assert s["repr"] == 'dummy/Secret+Value="x"&y;z\\\\0123'
    assert s["base64"] == base64.b64encode(SECRET.encode()).decode()
    assert s["base64-url"] == base64.urlsafe_b64encode(SECRET.encode()).decode()


def test_spellings_of_non_ascii_differ_between_json_modes() -> None:
    s = spellings("pässwörd-dummy-0123")
    assert s["json"] == "pässwörd-dummy-0123"
    assert s["json-ascii"] == "p\\u00e4ssw\\u00f6rd-dummy-0123"


@pytest.mark.parametrize("prefix_len", range(9))
@pytest.mark.parametrize("value", ["dummyToken_0123456789", "ab:cd!ef?gh=ij", "x" * 12, "päss-wörd-ünï"])
def test_base64_cores_find_a_value_at_any_offset_in_a_blob(prefix_len: int, value: str) -> None:
    prefix = bytes(range(97, 97 + prefix_len))
    blob = prefix + value.encode() + b'","more":"json"}'
    std = base64.b64encode(blob).decode()
    url = base64.urlsafe_b64encode(blob).decode()
    assert find_leaks(std, {"v": value}), "standard base64 blob not found"
    assert find_leaks(url, {"v": value}), "url-safe base64 blob not found"


def test_short_values_get_no_base64_cores_that_could_match_by_chance() -> None:
    s = spellings("ab12")
    assert not [k for k in s if k.startswith("base64-at") or k.startswith("base64-url-at")]


def test_find_leaks_names_ids_and_spellings_and_dedupes_equal_texts() -> None:
    text = f"a={quote_plus(SECRET)} b={base64.b64encode(b'plainDummyValue0123').decode()}"
    found = find_leaks(text, {"odd": SECRET, "plain": "plainDummyValue0123", "absent": "neverThereDummy012"})
    ids = {pid for pid, _ in found}
    assert ids == {"odd", "plain"}
    assert ("odd", "url") in found  # no space in it, so url-plus is the same text, reported once
    assert ("plain", "base64") in found
    # "plainDummyValue0123" has identical raw/url/json/html spellings: reported once, as "raw" if raw.
    assert (
        len(
            [
                1
                for pid, name in find_leaks("plainDummyValue0123", {"p": "plainDummyValue0123"})
                if name in {"raw", "url", "json", "html"}
            ]
        )
        == 1
    )


def test_find_leaks_accepts_bytes() -> None:
    assert find_leaks(f"x{SECRET}y".encode(), {"s": SECRET}) == [("s", "raw")]
    assert find_leaks(b"nothing here", {"s": SECRET}) == []


def test_find_leaks_rejects_an_empty_planted_value() -> None:
    with pytest.raises(ValueError, match="empty"):
        find_leaks("text", {"empty": ""})


def test_assert_no_leak_passes_when_absent() -> None:
    assert_no_leak(b'{"a": "[REDACTED:bearer-token:0123456789ab]"}', {"s": SECRET}, "output")


def test_assert_no_leak_message_has_id_and_spelling_but_no_value() -> None:
    with pytest.raises(pytest.fail.Exception) as info:
        assert_no_leak(json.dumps({"h": SECRET}), {"plant-7": SECRET}, "sanitized output")
    message = str(info.value)
    assert "plant-7" in message and "json" in message and "sanitized output" in message
    assert not find_leaks(message, {"s": SECRET}), "the failure message itself leaks"


def test_decoded_views_see_through_base64_deflate_json_strings_and_percent() -> None:
    value = "deepDummySecret_0123456789"
    inner = json.dumps({"payload": json.dumps({"password": value})})
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = base64.b64encode(comp.compress(f"<x>{value}</x>".encode()) + comp.flush()).decode()
    cases = {
        "base64-json": base64.b64encode(inner.encode()).decode(),
        "deflate": quote(deflated, safe=""),
        "double-percent": quote(quote(f"https://x/?t={value}", safe=""), safe=""),
    }
    for name, blob in cases.items():
        doc = json.dumps({"log": {"entries": [{"text": "prefix " + blob}]}})
        assert any(find_leaks(text, {"v": value}) for _, text in decoded_views(doc)), name


def test_assert_no_leak_deep_message_has_no_value() -> None:
    value = "deepDummySecret_0123456789"
    blob = base64.b64encode(f'{{"k": "{value}"}}'.encode()).decode()
    with pytest.raises(pytest.fail.Exception) as info:
        assert_no_leak_deep(json.dumps({"t": "p " + blob}), {"deep-1": value}, "out")
    assert "deep-1" in str(info.value)
    assert not find_leaks(str(info.value), {"v": value})


def test_guarded_returns_the_result() -> None:
    assert guarded({"s": SECRET}, lambda x: x + 1, 1) == 2


def test_guarded_withholds_a_message_that_holds_a_planted_value() -> None:
    def boom() -> None:
        raise KeyError(SECRET)

    with pytest.raises(pytest.fail.Exception) as info:
        guarded({"s": SECRET}, boom)
    message = str(info.value)
    assert not find_leaks(message, {"s": SECRET}), "guarded() printed the value"
    assert "KeyError" in message and "withheld" in message and "boom" in message


def test_guarded_shows_a_clean_message() -> None:
    def boom() -> None:
        raise ValueError("bad header at entries[3]")

    with pytest.raises(pytest.fail.Exception, match=r"ValueError: bad header at entries\[3\]"):
        guarded({"s": SECRET}, boom)


def test_a_failing_leak_check_prints_no_value_even_with_long_tracebacks(tmp_path: Path) -> None:
    """Run pytest on a failing test and search its whole output: args of hidden frames stay hidden."""
    value = "subprocessDummySecret_0123456789"
    (tmp_path / "test_fails.py").write_text(
        textwrap.dedent(f"""
        from tests.leaks import assert_no_leak, guarded

        def _planted():
            return {{"sp": "{value[:10]}" + "{value[10:]}"}}

        def test_leak_found():
            assert_no_leak("xx " + _planted()["sp"] + " yy", _planted(), "output")

        def test_guarded_crash():
            def inner(arg):
                raise RuntimeError("crash with " + arg)
            guarded(_planted(), inner, _planted()["sp"])
    """)
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "HARGUARD_TEST_TRACEBACKS": ""}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "--tb=long",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            str(tmp_path / "test_fails.py"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, f"expected two failures, got rc={proc.returncode}"
    assert "2 failed" in output
    assert "sp [raw]" in output
    assert not find_leaks(output, {"sp": value}), "pytest output printed the planted value"
