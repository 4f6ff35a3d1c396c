"""The CLI end to end, through its real entry point (`main()`): outputs, reports, exit codes.

Each test plants secrets, runs a command in `tmp_path`, and checks what a script or a CI job
relies on: the exit code, the output file (or its absence), stdout and stderr without a value.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from harguard import errors
from harguard.cli._errors import ERROR_EXIT_CODES, ExitCode
from harguard.cli.app import main
from tests.badinputs import BAD_DIR, depth_bomb, gzip_bomb, huge_string
from tests.builders import make_entry, make_har
from tests.leaks import assert_no_leak

SESSION = "dummySessionCookieValue_7Qx9Lm2Kp4Vw"
BEARER = "dummyBearerToken_Zt8Lq3Vn7Pw1Ks5Mx9Bd"
PLANTED = {"session": SESSION, "bearer": BEARER}


def _har() -> dict[str, Any]:
    entry = make_entry(
        url="https://app.example.com/api/me",
        request_headers=[("authorization", f"Bearer {BEARER}"), ("cookie", f"sid={SESSION}")],
    )
    return make_har([entry])


def _run(args: list[str], capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["harguard", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capfd.readouterr()
    code = exit_info.value.code
    return int(code) if code is not None else 0, out, err


@pytest.fixture(autouse=True)
def _key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARGUARD_KEY", "11" * 32)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def test_sanitize_writes_a_clean_valid_file(tmp_path: Path, capfd: Any, monkeypatch: Any) -> None:
    source = tmp_path / "capture.har"
    source.write_text(json.dumps(_har()))
    code, out, err = _run(["sanitize", str(source)], capfd, monkeypatch)
    assert code == ExitCode.OK
    output = tmp_path / "capture.sanitized.har"
    data = output.read_bytes()
    assert_no_leak(data, PLANTED, "sanitized file")
    assert_no_leak(out + err, PLANTED, "CLI output")
    doc = json.loads(data)
    assert doc["log"]["_harguard"]["summary"]["findings"] >= 2
    assert "sanitized" in err  # the summary table goes to stderr


def test_sanitize_stdin_to_stdout(tmp_path: Path, capfd: Any, monkeypatch: Any) -> None:
    import io

    class _Stdin:
        buffer = io.BytesIO(json.dumps(_har()).encode())

    monkeypatch.setattr(sys, "stdin", _Stdin())
    code, out, err = _run(["sanitize", "-", "-o", "-", "-q"], capfd, monkeypatch)
    assert code == ExitCode.OK
    assert json.loads(out)["log"]["entries"]
    assert_no_leak(out + err, PLANTED, "stdout")


def test_sanitize_gzip_and_zip_inputs_keep_their_form(tmp_path: Path, capfd: Any, monkeypatch: Any) -> None:
    raw = json.dumps(_har()).encode()
    (tmp_path / "a.har.gz").write_bytes(gzip.compress(raw))
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as archive:
        archive.writestr("one.har", raw)
        archive.writestr("two.har", raw)
    code, _, _ = _run(["sanitize", str(tmp_path / "a.har.gz"), str(tmp_path / "b.zip"), "-o", str(tmp_path / "out")],
                      capfd, monkeypatch)  # fmt: skip
    assert code == ExitCode.OK
    assert_no_leak(gzip.decompress((tmp_path / "out" / "a.sanitized.har.gz").read_bytes()), PLANTED, "gz output")
    with zipfile.ZipFile(tmp_path / "out" / "b.sanitized.zip") as archive:
        assert sorted(archive.namelist()) == ["one.har", "two.har"]
        for name in archive.namelist():
            assert_no_leak(archive.read(name), PLANTED, f"zip member {name}")


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("not-json.har", ExitCode.NOT_JSON),
        ("truncated.har", ExitCode.TRUNCATED),
        ("json-not-har.har", ExitCode.NOT_HAR),
        ("latin1.har", ExitCode.ENCODING),
        ("empty.har", ExitCode.NOT_JSON),
        ("nan.har", ExitCode.NOT_JSON),
    ],
)
def test_bad_inputs_exit_with_their_code_and_write_nothing(
    case: str, code: ExitCode, tmp_path: Path, capfd: Any, monkeypatch: Any
) -> None:
    source = tmp_path / case
    source.write_bytes((BAD_DIR / case).read_bytes())
    got, out, err = _run(["sanitize", str(source), "-o", str(tmp_path / "out.har")], capfd, monkeypatch)
    assert got == code
    assert not (tmp_path / "out.har").exists()
    assert [p.name for p in tmp_path.iterdir()] == [case]  # no temporary file left behind
    assert "nothing written" in err and err.count("\n") == 1
    assert ("--text" in err) == (code == ExitCode.NOT_HAR)  # other JSON: the way forward is named


def test_bombs_are_refused_with_the_limit_code(tmp_path: Path, capfd: Any, monkeypatch: Any) -> None:
    huge = huge_string(tmp_path / "huge.har")  # one 100 MB string: over the 64 Mi-character limit
    code, _, err = _run(["sanitize", str(huge), "-o", str(tmp_path / "out.har")], capfd, monkeypatch)
    assert code == ExitCode.LIMIT and "exceeds the limit" in err and not (tmp_path / "out.har").exists()
    for builder in (gzip_bomb, depth_bomb):
        path = builder(tmp_path / (f"{builder.__name__}.har" + (".gz" if builder is gzip_bomb else "")))
        code, _, err = _run(["scan", str(path)], capfd, monkeypatch)
        assert code == ExitCode.LIMIT, builder.__name__
        assert "zip bomb" in err or "deep" in err


def test_scan_fail_on_thresholds(tmp_path: Path, capfd: Any, monkeypatch: Any) -> None:
    source = tmp_path / "capture.har"
    source.write_text(json.dumps(_har()))
    assert _run(["scan", str(source)], capfd, monkeypatch)[0] == ExitCode.FINDINGS
    assert _run(["scan", str(source), "--fail-on", "none"], capfd, monkeypatch)[0] == ExitCode.OK
    clean = tmp_path / "clean.har"
    clean.write_text(json.dumps(make_har([make_entry(url="https://example.com/")])))
    assert _run(["scan", str(clean), "--fail-on", "medium"], capfd, monkeypatch)[0] == ExitCode.OK


def test_scan_json_and_sarif_reports(tmp_path: Path, capfd: Any, monkeypatch: Any) -> None:
    source = tmp_path / "capture.har"
    source.write_text(json.dumps(_har()))
    code, out, err = _run(["scan", str(source), "--format", "json", "--fail-on", "none"], capfd, monkeypatch)
    report = json.loads(out)
    kinds = report["summary"]["by_kind"]
    assert code == ExitCode.OK and kinds.get("bearer-token") == 1 and sum(kinds.values()) >= 3
    assert_no_leak(out + err, PLANTED, "JSON report")
    sarif_path = tmp_path / "r.sarif"
    code, out, err = _run(["scan", str(source), "-f", "sarif", "-o", str(sarif_path), "--fail-on", "none"],
                          capfd, monkeypatch)  # fmt: skip
    sarif = json.loads(sarif_path.read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    assert_no_leak(sarif_path.read_text(), PLANTED, "SARIF report")


def test_same_key_file_gives_the_same_placeholders(tmp_path: Path, capfd: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv("HARGUARD_KEY")
    source = tmp_path / "capture.har"
    source.write_text(json.dumps(_har()))
    outputs = []
    for i in range(2):
        _run(["sanitize", str(source), "-o", str(tmp_path / f"out{i}.har"), "-q"], capfd, monkeypatch)
        doc = json.loads((tmp_path / f"out{i}.har").read_text())
        doc["log"].pop("_harguard")
        outputs.append(doc)
    assert outputs[0] == outputs[1]
    key_file = tmp_path / "config" / "harguard" / "key"
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_policy_file_allow_lists_a_cookie(tmp_path: Path, capfd: Any, monkeypatch: Any) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[allow]\ncookies = ["sid"]\n')
    source = tmp_path / "capture.har"
    source.write_text(json.dumps(_har()))
    code, _, _ = _run(["sanitize", str(source), "-o", str(tmp_path / "o.har"), "-p", str(policy), "-q"],
                      capfd, monkeypatch)  # fmt: skip
    assert code == ExitCode.OK
    assert SESSION in (tmp_path / "o.har").read_text()  # the allow-listed cookie stays (a decoy here)


def test_bad_policy_file_exits_with_the_policy_code(tmp_path: Path, capfd: Any, monkeypatch: Any) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("[alow]\ncookies = []\n")
    source = tmp_path / "capture.har"
    source.write_text(json.dumps(_har()))
    code, _, err = _run(["sanitize", str(source), "-p", str(policy)], capfd, monkeypatch)
    assert code == ExitCode.POLICY and "unknown policy keys" in err


def test_rules_check_and_list(tmp_path: Path, capfd: Any, monkeypatch: Any) -> None:
    assert _run(["rules", "check"], capfd, monkeypatch)[0] == ExitCode.OK
    broken = tmp_path / "mine.toml"
    broken.write_text('[[rule]]\nid = "mine.token"\nkind = "token"\nseverity = "high"\nkeywords = ["tok_"]\n'
                      "pattern = '''(tok_[a-z]{8})'''\nexamples = [\"tok_abcdefgh\"]\n")  # fmt: skip
    code, _, err = _run(["rules", "check", str(broken)], capfd, monkeypatch)
    assert code == ExitCode.POLICY and "no negative examples" in err


def test_every_error_leaf_has_an_exit_code() -> None:
    leaves = [cls for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.HarguardError)]
    mapped = {cls for cls, _ in ERROR_EXIT_CODES}
    assert all(any(issubclass(leaf, m) for m in mapped) for leaf in leaves if leaf is not errors.HarguardError)


def test_sanitize_text_mode_for_logs(tmp_path: Path, capfd: Any, monkeypatch: Any) -> None:
    log = tmp_path / "app.log"
    log.write_text(f"GET /x\nAuthorization: Bearer {BEARER}\nCookie: sid={SESSION}\nok\n")
    code, out, err = _run(["sanitize", "--text", str(log), "-q"], capfd, monkeypatch)
    assert code == ExitCode.OK
    data = (tmp_path / "app.sanitized.log").read_text()
    assert_no_leak(data, PLANTED, "sanitized log")
    assert data.startswith("GET /x\nAuthorization: Bearer [REDACTED:") and data.endswith("ok\n")
    code, _, _ = _run(["sanitize", str(log)], capfd, monkeypatch)
    assert code == ExitCode.NOT_JSON  # without --text a log is not a HAR


def test_a_command_whose_extra_is_missing_says_which_extra_to_install() -> None:
    # `fastapi` and `sqlalchemy` made unimportable: as after `pip install harguard` without extras.
    code = (
        "import sys; sys.modules['fastapi'] = None; sys.modules['sqlalchemy'] = None\n"
        "sys.argv = ['harguard', *sys.argv[1:]]\n"
        "from harguard.cli.app import main; main()"
    )
    for command, extra in (("serve", "gateway"), ("audit", "audit")):
        done = subprocess.run([sys.executable, "-c", code, command, "--port", "1"], capture_output=True, text=True)
        assert done.returncode == ExitCode.USAGE, done.stderr
        assert f"pip install 'harguard[{extra}]'" in done.stderr
