"""The per-file function: what it reports for each kind of stored file, and that it never raises."""

from __future__ import annotations

import codecs
import dataclasses
import gzip
import io
import json
import os
import random
import stat
import string
import zipfile
from pathlib import Path

import pytest

from harguard import Sanitizer
from harguard.audit import AuditOptions, AuditRun, Inventory, audit_file, build_report
from harguard.audit.config import content_hash
from harguard.audit.fix import StagedWriter
from harguard.audit.model import FileResult, FileTask
from harguard.audit.report import render_json
from harguard.audit.scanner import describe_error
from harguard.audit.stores.limits import ArchiveLimits
from harguard.errors import ResidualLeakError
from harguard.report.manifest import Report
from tests.audit.conftest import CONFIG
from tests.audit.storegen import KEY, generate_har
from tests.leaks import assert_no_leak
from tests.planted import plants_by_id

PLANT = plants_by_id()["req-header.authorization-bearer-jwt"]


def _audit(path: Path, *, fix: bool = False, known: str | None = None) -> FileResult:
    info = path.stat()
    error, result = audit_file(FileTask(str(path), info.st_size, info.st_mtime_ns, known_hash=known, fix=fix), CONFIG)
    assert error is None, error
    assert result is not None
    return result


def test_a_har_is_scanned_structurally(tmp_path: Path) -> None:
    path = tmp_path / "capture.har"
    path.write_text(json.dumps(PLANT.har()))
    (member,) = _audit(path).members
    assert (member.kind, member.status, member.error) == ("har", "findings", None)
    assert member.findings and all(f.line is None and f.location.startswith("entries[") for f in member.findings)


def test_a_truncated_har_is_reported_and_still_read_as_text(tmp_path: Path) -> None:
    data = json.dumps(PLANT.har(), indent=2)
    path = tmp_path / "cut.har"
    path.write_text(data[: data.index(PLANT.value) + len(PLANT.value) + 10])
    (member,) = _audit(path).members
    assert member.error == "TruncatedError" and "scanned as text" in (member.message or "")
    assert member.status == "findings" and all(f.line for f in member.findings)


def test_fix_stages_a_sanitized_copy_with_the_original_mode(tmp_path: Path) -> None:
    path = tmp_path / "app.log.gz"
    path.write_bytes(gzip.compress(b"ok\n> Cookie: sid=Zq3xVb8LmN2pR7tY4wK9cD6eH5jA0sUf; a=b\n"))
    path.chmod(0o640)
    result = _audit(path, fix=True)
    assert result.staged is not None and Path(result.staged).parent == tmp_path
    assert stat.S_IMODE(os.stat(result.staged).st_mode) == 0o640
    fixed = gzip.decompress(Path(result.staged).read_bytes())
    assert_no_leak(fixed, {"sid": "Zq3xVb8LmN2pR7tY4wK9cD6eH5jA0sUf"}, "staged copy")
    assert result.staged_hash == content_hash(result.staged, KEY)
    assert [f.line for f in result.findings if f.kind == "session-cookie"] == [2]


def test_a_clean_file_stages_nothing_and_an_unchanged_one_is_not_read_again(tmp_path: Path) -> None:
    path = tmp_path / "clean.har"
    path.write_bytes(generate_har(6000, seed=3, secrets_every=10**9))
    result = _audit(path, fix=True)
    assert result.staged is None and not result.unchanged
    again = _audit(path, known=result.hash)
    assert again.unchanged and again.members == []


def test_binary_empty_and_bomb(tmp_path: Path) -> None:
    (tmp_path / "a.bin").write_bytes(bytes(range(256)))
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "bomb.gz").write_bytes(gzip.compress(b" " * (40 * 2**20)))
    assert _audit(tmp_path / "a.bin").members[0].status == "binary"
    assert _audit(tmp_path / "empty").members[0].status == "clean"
    bomb = _audit(tmp_path / "bomb.gz").members[0]
    assert (bomb.status, bomb.error) == ("error", "LimitExceededError")


def test_a_file_that_cannot_be_read_is_an_error_not_an_exception(tmp_path: Path) -> None:
    error, result = audit_file(FileTask(str(tmp_path / "gone.har"), 1, 1), CONFIG)
    assert result is None and error is not None and error.startswith("FileNotFoundError")


def test_errors_are_described_without_their_message_unless_harguard_wrote_it() -> None:
    secret = "Zq3xVb8LmN2pR7tY4wK9cD6eH5jA0sUf"
    assert describe_error(ValueError(f"invalid literal {secret!r}")) == "internal error (ValueError)"
    assert_no_leak(describe_error(OSError(2, "No such file", secret)), {"s": secret}, "OSError description")


def test_a_fix_never_stages_a_block_it_could_not_sanitize(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A block whose sanitized text would still leak is not written to the staging file, not even
    for a moment (a killed run leaves the staging file behind)."""
    secret = "Zq3xVb8LmN2pR7tY4wK9cD6eH5jA0sUf"
    other = "Hk4wP9sLq2Vx7Rb3Tn8Yc5Dm1Zf6Gj0A"
    lines = [f"2024-05-14 INFO request {i} served\n" for i in range(400)]
    lines[3] = f"2024-05-14 DEBUG > Cookie: sid={other}; a=b\n"  # an ordinary finding in the first block
    lines[300] = f"2024-05-14 DEBUG LEAKY Authorization: Bearer {secret}\n"
    path = tmp_path / "app.log"
    original = "".join(lines).encode()
    path.write_bytes(original)
    real = Sanitizer.sanitize_text

    def refusing(self: Sanitizer, text: str, *, name: str = "text") -> tuple[str, Report]:
        if "LEAKY" in text:
            raise ResidualLeakError(f"{name}: a secret would survive")
        return real(self, text, name=name)

    written: list[bytes] = []
    real_write = StagedWriter.write

    def recording(self: StagedWriter, data: bytes) -> None:
        written.append(data)
        real_write(self, data)

    monkeypatch.setattr(Sanitizer, "sanitize_text", refusing)
    monkeypatch.setattr(StagedWriter, "write", recording)
    config = dataclasses.replace(CONFIG, block_chars=1024)
    info = path.stat()
    error, result = audit_file(FileTask(str(path), info.st_size, info.st_mtime_ns, fix=True), config)
    assert error is None and result is not None
    assert result.staged is None and result.fix_error and "301" in result.fix_error
    assert written, "the blocks before the refused one were staged"
    assert_no_leak(b"".join(written), {"refused": secret}, "staging file")
    assert [p.name for p in tmp_path.iterdir()] == ["app.log"]
    assert path.read_bytes() == original


def test_utf16_and_utf32_logs_are_decoded_not_streamed_as_utf8(tmp_path: Path) -> None:
    secret = "Zq3xVb8LmN2pR7tY4wK9cD6eH5jA0sUf"
    text = f"2024-05-14 INFO start\n2024-05-14 DEBUG > Cookie: sid={secret}; a=b\n2024-05-14 INFO done\n"
    for encoding, bom in [
        ("utf-32-be", codecs.BOM_UTF32_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", codecs.BOM_UTF16_LE),
    ]:
        path = tmp_path / f"{encoding}.log"
        path.write_bytes(bom + text.encode(encoding))
        result = _audit(path, fix=True)
        (member,) = result.members
        assert (member.kind, member.status) == ("text", "findings"), encoding
        assert [f.line for f in member.findings if f.kind == "session-cookie"] == [2], encoding
        assert result.staged is not None, encoding
        fixed = Path(result.staged).read_bytes()
        assert fixed.startswith(bom), encoding
        assert_no_leak(fixed.decode(encoding), {"sid": secret}, f"staged {encoding} copy")


def test_a_file_scanned_in_memory_is_read_once_and_hashed_like_a_streamed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "capture.har"
    path.write_text(json.dumps(PLANT.har()))
    expected = content_hash(path, KEY)

    def no_second_pass(*_: object) -> str:
        raise AssertionError("an in-memory file was hashed by a separate pass")

    monkeypatch.setattr("harguard.audit.scanner.content_hash", no_second_pass)
    result = _audit(path)
    assert result.hash == expected and result.findings
    assert _audit(path, known=expected).unchanged


def test_a_file_over_the_memory_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.har"
    path.write_text(json.dumps(PLANT.har()))
    config = dataclasses.replace(CONFIG, limits=ArchiveLimits(max_file_bytes=path.stat().st_size - 1))
    info = path.stat()
    error, result = audit_file(FileTask(str(path), info.st_size, info.st_mtime_ns), config)
    assert result is None and error is not None and error.startswith("LimitExceededError")


def _zip(members: dict[str, bytes], *, encrypt_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    out = bytearray(buffer.getvalue())
    if encrypt_first:  # mark the first entry encrypted: the archive then cannot be rebuilt
        for header, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            out[out.index(header) + flag_at] |= 0x1
    return bytes(out)


def test_member_names_and_error_messages_are_sanitized_before_they_are_stored(tmp_path: Path) -> None:
    """A member name is input and may hold a token; it reaches member paths, messages, the
    fix error, the inventory and the report only sanitized."""
    rng = random.Random(5)
    stripe = "sk_live_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(24))
    token = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))
    cookie = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))
    planted = {"stripe": stripe, "token": token, "cookie": cookie}
    members = {
        f"enc-{stripe}.log": b"x" * 50,
        f"{stripe}/app.log": f"ok\n> Cookie: sid={cookie}; a=b\n".encode(),
        f"token={token}.zip": b"PK\x03\x04" + bytes(300),
    }
    store = tmp_path / "store"
    store.mkdir()
    path = store / "bundle.zip"
    path.write_bytes(_zip(members, encrypt_first=True))

    result = _audit(path, fix=True)
    assert_no_leak(repr(result), planted, "audit result")
    assert result.fix_error and "cannot be rebuilt" in result.fix_error
    assert any(m.kind == "zip" and m.error and "not a readable zip" in (m.message or "") for m in result.members)
    assert sum(1 for m in result.members if "[REDACTED:" in m.member) == 3

    db = tmp_path / "inventory.db"
    options = AuditOptions(roots=[str(store)], db_url=f"sqlite:///{db}", workers=1, fix=True)
    run_id = AuditRun(options, CONFIG).execute().run_id
    inventory = Inventory(f"sqlite:///{db}")
    report = build_report(inventory, run_id)
    inventory.close()
    assert_no_leak(render_json(report), planted, "JSON report")
    assert_no_leak(b"".join(p.read_bytes() for p in tmp_path.glob("inventory.db*")), planted, "inventory database")


def test_an_error_that_names_the_file_is_sanitized(tmp_path: Path) -> None:
    token = "Zq3xVb8LmN2pR7tY4wK9cD6eH5jA0sUf"
    path = tmp_path / f"token={token}.har"
    path.write_text(json.dumps(PLANT.har()))
    config = dataclasses.replace(CONFIG, limits=ArchiveLimits(max_file_bytes=10))
    error, result = audit_file(FileTask(str(path), 1, 1), config)
    assert result is None and error is not None and error.startswith("LimitExceededError: ")
    assert_no_leak(error, {"token": token}, "error message")
