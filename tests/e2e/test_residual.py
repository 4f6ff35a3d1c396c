"""The residual scan is an independent safety net: if the scrubber missed a credential, the
output is refused (fail closed), not written with the credential in it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import harguard
from harguard import pipeline
from harguard.har.write import atomic_output
from tests.builders import make_entry, make_har
from tests.leaks import assert_no_leak

GITHUB = "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"  # checksum-valid dummy (detection-anchors §2C)


def _har() -> dict[str, Any]:
    entry = make_entry(url="https://api.example.com/x", body=f'{{"note": "{GITHUB}"}}')
    return make_har([entry])


def test_a_credential_the_scrubber_missed_stops_the_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "walk_entry", lambda scrubber, entry, index: entry)  # a broken scrubber
    target = tmp_path / "out.har"
    with pytest.raises(harguard.ResidualLeakError) as error, atomic_output(target) as handle:
        harguard.Sanitizer(key=b"r" * 32).sanitize_to(_har(), handle)
    assert not target.exists() and list(tmp_path.iterdir()) == []
    assert "github" in str(error.value)
    assert_no_leak(str(error.value), {"token": GITHUB}, "residual error message")


def test_the_same_file_passes_with_the_real_scrubber() -> None:
    result = harguard.Sanitizer(key=b"r" * 32).sanitize(_har())
    assert_no_leak(result.data, {"token": GITHUB}, "sanitized output")
    assert [f.kind for f in result.report.findings if f.kind != "server-ip"] == ["github-token"]
