"""Text in blocks of lines: every finding on its line, PEM blocks whole, and fixed text a fixed point."""

from __future__ import annotations

import io
import random
import string

import pytest

from harguard import Sanitizer
from harguard.audit.textscan import MAX_LINE_CHARS, TextScanner, iter_blocks
from harguard.errors import LimitExceededError, ResidualLeakError
from harguard.redact.placeholders import fingerprint
from harguard.report.manifest import Report
from tests.audit.storegen import KEY
from tests.leaks import assert_no_leak

_RNG = random.Random(11)


def _token() -> str:
    return "".join(_RNG.choice(string.ascii_letters + string.digits) for _ in range(32))


@pytest.fixture(scope="module")
def sanitizer() -> Sanitizer:
    return Sanitizer(key=KEY, engine="python")


def _pem() -> str:
    body = "\n".join("".join(_RNG.choice(string.ascii_letters + string.digits + "+/") for _ in range(64))
                     for _ in range(8))  # fmt: skip
    return f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n"


def test_findings_carry_their_line_across_blocks(sanitizer: Sanitizer) -> None:
    lines = [f"2024-05-14 INFO request {i} served in 12ms\n" for i in range(3000)]
    planted = {}
    for n in (7, 8, 1500, 2999):
        planted[n] = _token()
        lines[n - 1] = f"2024-05-14 DEBUG > Cookie: sid={planted[n]}; theme=dark\n"
    scanner = TextScanner(sanitizer, name="app.log")
    out = "".join(scanner.feed(block) for block in iter_blocks(io.StringIO("".join(lines)), size=8192))
    assert_no_leak(out, {f"line-{n}": v for n, v in planted.items()}, "sanitized log")
    for n, value in planted.items():
        prints = {fingerprint(KEY, value), fingerprint(KEY, f"sid={value}")}  # see storegen.LineSecret
        assert any(f.line == n and f.fingerprint in prints for f in scanner.findings), n
    assert {f.line for f in scanner.findings} == set(planted)
    assert out.count("\n") == len(lines)


def test_a_private_key_is_never_split_between_blocks(sanitizer: Sanitizer) -> None:
    head = "".join(f"2024-05-14 INFO filler line {i}\n" for i in range(200))
    pem = _pem()
    text = head + "config dump:\n" + pem + "done\n"
    blocks = list(iter_blocks(io.StringIO(text), size=len(head) + 40))
    assert "".join(blocks) == text
    assert any("-----BEGIN" in b and "-----END" in b for b in blocks)
    scanner = TextScanner(sanitizer, name="dump.log")
    out = "".join(scanner.feed(b) for b in blocks)
    body = pem.splitlines()[1:-1]
    assert_no_leak(
        out, {"pem": "\n".join(body), **{f"pem-line-{i}": line for i, line in enumerate(body)}}, "sanitized dump"
    )
    key_kept = "-----END RSA PRIVATE KEY-----" in out and "PRIVATE KEY" in out.split("config dump:")[1][40:]
    assert not key_kept  # a bool, so a failure never prints `out`
    (finding,) = [f for f in scanner.findings if f.kind == "private-key"]
    assert finding.line == 202  # the BEGIN line


def test_blocks_keep_bytes_and_refuse_endless_lines() -> None:
    data = b"a\r\nb\n\nc"
    assert b"".join(iter_blocks(io.BytesIO(data), size=2)) == data
    with pytest.raises(LimitExceededError):
        list(iter_blocks(io.BytesIO(b"x" * (MAX_LINE_CHARS + 4096)), size=1024))


def test_fixed_text_is_a_fixed_point(sanitizer: Sanitizer) -> None:
    """A second audit of a fixed log must find nothing and change nothing."""
    tokens = [_token() for _ in range(4)]
    text = (
        f"Cookie: JSESSIONID={tokens[0]}; lang=en\n"
        f"2024 INFO Authorization: Bearer {tokens[1]}\n"
        f'{{"password": "Pw-{tokens[2]}", "token": "{tokens[3]}"}}\n'
        f"2024 INFO headers={{'Authorization': 'Bearer {tokens[1]}'}}\n"
    )
    fixer = TextScanner(sanitizer, name="a.log")
    fixed = fixer.feed(text)
    assert fixer.findings
    again = TextScanner(sanitizer, name="a.log")
    assert again.feed(fixed) == fixed
    assert again.findings == []


def test_a_block_that_leaks_only_as_a_whole_is_never_taken_as_sanitized(sanitizer: Sanitizer) -> None:
    """If every line alone sanitizes but the block does not, the block is still refused."""

    class Together:
        def sanitize_text(self, text: str, *, name: str = "text") -> tuple[str, Report]:
            if "PART-ONE" in text and "PART-TWO" in text:
                raise ResidualLeakError(f"{name}: a secret would survive")
            return sanitizer.sanitize_text(text, name=name)

    scanner = TextScanner(Together(), name="split.log")  # type: ignore[arg-type]
    assert scanner.feed("a\nb\n") == "a\nb\n"
    block = "PART-ONE\nPART-TWO\n"
    assert scanner.feed(block) is block
    assert scanner.residual_lines == [3]
