"""End to end on a generated store of about 200 files: find everything, report it, fix it, twice.

Values are only ever compared through `tests/leaks.py` (which names the planted id, never the
value) and keyed fingerprints.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from harguard.audit import Inventory, build_report
from harguard.audit.tables import files
from harguard.cli.app import app
from harguard.watch.watchlist import Watchlist
from tests.audit.conftest import TENANTS, Scanned
from tests.audit.storegen import KEY, Store, leaves
from tests.leaks import assert_no_leak

pytestmark = pytest.mark.slow


def _relative(store: Store, path: str) -> str:
    return str(Path(path).relative_to(store.root))


def _present(store: Store, data_by_file: dict[str, bytes]) -> dict[str, str]:
    """The planted values that occur (as such) somewhere in these files."""
    blob = b"\n".join(data for _, data in _all_leaves(data_by_file))
    return {pid: v for pid, v in store.planted.items() if v.encode() in blob}


def _all_leaves(data_by_file: dict[str, bytes]) -> list[tuple[str, bytes]]:
    out = []
    for relative, data in data_by_file.items():
        try:
            out.extend((f"{relative}:{m}", d) for m, d in leaves(data))
        except Exception:  # a damaged archive or a bomb: its raw bytes are what is on disk
            out.append((relative, data))
    return out


def _snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    out = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if path.is_symlink():
                continue
            info = path.stat()
            out[str(path.relative_to(root))] = (
                info.st_size,
                info.st_mtime_ns,
                hashlib.sha256(path.read_bytes()).hexdigest(),
            )
    return out


def _db_bytes(db_url: str) -> bytes:
    path = Path(db_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_every_planted_secret_is_found_on_its_line_and_clean_files_have_nothing(scanned: Scanned) -> None:
    store, inventory = scanned.store, Inventory(scanned.db_url)
    report = build_report(inventory, scanned.totals.run_id)
    with inventory.engine.connect() as conn:
        rows = {(_relative(store, r.path), r.member): r for r in conn.execute(sa.select(files))}
    inventory.close()
    found = {(_relative(store, f.path), f.member) for f in report.findings}
    assert sorted(store.must_find - found) == []
    by_line: dict[tuple[str, str, int | None], set[str]] = {}
    for f in report.findings:
        by_line.setdefault((_relative(store, f.path), f.member, f.line), set()).add(f.fingerprint)
    misplaced = [(s.relative, s.member, s.line) for s in store.lines
                 if not by_line.get((s.relative, s.member, s.line), set()) & s.fingerprints()]  # fmt: skip
    assert misplaced == []
    assert sorted(r for r in store.clean if rows[(r, "")].findings or rows[(r, "")].status != "clean") == []
    errors = {f"{r}:{m}" if m else r: row.error for (r, m), row in rows.items() if row.error}
    assert {k: errors.get(k) for k in store.corrupt} == store.corrupt
    assert {k for k, row in rows.items() if row.status == "binary"} == store.binary
    assert (scanned.totals.symlinks, scanned.totals.files) == (1, len({r for r, _ in rows}))
    assert rows[("acme/CASE-200/upload.zip", "logs/server.log")].tenant == "acme"
    assert rows[("globex/CASE-201/bundle.tar.gz", "inner.zip/app.log")].case_ref == "CASE-201"
    assert_no_leak(_db_bytes(scanned.db_url), store.planted, "inventory database")


def test_every_credential_is_on_the_watchlist_with_its_files_own_time(scanned: Scanned) -> None:
    inventory = Inventory(scanned.db_url)
    report = build_report(inventory, scanned.totals.run_id)
    inventory.close()
    watchlist = Watchlist(scanned.db_url)
    listed = {(e.fingerprint, e.tenant, e.case): e for e in watchlist.all()}
    watchlist.engine.dispose()
    earliest: dict[tuple[str, str | None, str | None], float] = {}
    for f in report.findings:
        if f.severity in ("critical", "high"):
            key = (f.fingerprint, f.tenant or None, f.case or None)
            earliest[key] = min(earliest.get(key, float("inf")), f.mtime or 0)
    assert sorted(set(earliest) - set(listed)) == []
    wrong = [k for k, t in earliest.items() if abs(listed[k].exposed_at.timestamp() - t) > 1]
    assert wrong == []


def test_reports_in_every_format_hold_no_value(scanned: Scanned, tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = {}
    for fmt in ("json", "csv", "sarif", "html", "table"):
        out = tmp_path / f"report.{fmt}"
        args = ["audit", "--report-only", "--db", scanned.db_url, "-f", fmt, "-o", str(out)]
        result = runner.invoke(app, args, env={"HARGUARD_KEY": KEY.hex()})
        assert result.exit_code == 1, result.output  # findings at or above --fail-on high
        outputs[fmt] = out.read_bytes() if out.exists() else result.output.encode()
        assert_no_leak(result.output, scanned.store.planted, f"{fmt}: terminal output")
        assert_no_leak(outputs[fmt], scanned.store.planted, f"{fmt} report")
    doc = json.loads(outputs["json"])
    assert doc["summary"]["findings"] == len(doc["findings"]) == outputs["csv"].count(b"\n") - 1
    sarif = json.loads(outputs["sarif"])["runs"][0]
    assert len(sarif["results"]) == len(doc["findings"])
    assert any("parentIndex" in a for a in sarif["artifacts"])
    page = outputs["html"].decode()
    assert "<svg" in page and "Content-Security-Policy" in page
    assert "<script" not in page and " src=" not in page and "<link" not in page
    assert "riskiest files" in outputs["table"].decode().lower()


def test_fix_removes_every_secret_keeps_files_valid_and_the_second_run_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    before = {r: (store.root / r).read_bytes() for r in _snapshot(store.root)}
    planted = _present(store, before)
    db = f"sqlite:///{tmp_path / 'inventory.db'}"
    quarantine = tmp_path / "raw"
    runner = CliRunner()
    env = {"HARGUARD_KEY": KEY.hex()}
    args = ["audit", str(store.root), "--db", db, "--engine", "python", "-q", "--tenant-pattern", TENANTS]
    first_args = [
        "--workers",
        "2",
        "--fix",
        "--quarantine",
        str(quarantine),
        "-f",
        "json",
        "-o",
        str(tmp_path / "r1.json"),
    ]
    first = runner.invoke(app, [*args, *first_args], env=env)  # a process pool; later runs in process
    assert first.exit_code == 1, first.output
    assert_no_leak(first.output, planted, "first run output")
    report = json.loads((tmp_path / "r1.json").read_text())
    rewritten = [a for a in report["actions"] if a["action"] == "rewritten"]
    assert len(rewritten) == report["totals"]["files_with_findings"] and report["totals"]["refused"] == 0

    after = {r: (store.root / r).read_bytes() for r in _snapshot(store.root)}
    for name, data in _all_leaves(after):
        assert_no_leak(data, planted, f"fixed store {name}")
        if name.endswith((".har", ".har.gz")) and "truncated" not in name and "not-json" not in name:
            assert isinstance(json.loads(data)["log"]["entries"], list), name
    copies = sorted(quarantine.rglob("*.*"))
    assert len(copies) == len(rewritten)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in copies)
    assert sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in copies) == sorted(
        hashlib.sha256(before[_relative(store, a["path"])]).hexdigest() for a in rewritten
    )
    unchanged = {r for r in before if before[r] == after[r]}
    assert unchanged >= store.clean  # clean files are never rewritten

    snapshot = _snapshot(store.root)
    second_args = ["--workers", "1", "--fix", "--full", "-f", "json", "-o", str(tmp_path / "r2.json")]
    second = runner.invoke(app, [*args, *second_args], env=env)
    assert second.exit_code == 3, second.output  # nothing found; the damaged zip and the bomb unreadable
    again = json.loads((tmp_path / "r2.json").read_text())
    assert (again["summary"]["findings"], again["actions"], again["totals"]["scanned"]) == (
        0,
        [],
        len(snapshot),
    )
    assert _snapshot(store.root) == snapshot

    third = runner.invoke(app, [*args, "--workers", "1", "-f", "json", "-o", str(tmp_path / "r3.json")], env=env)
    totals = json.loads((tmp_path / "r3.json").read_text())["totals"]
    assert (third.exit_code, totals["scanned"], totals["unchanged"]) == (3, 2, len(snapshot) - 2)
    assert_no_leak(_db_bytes(db), planted, "inventory database")


def test_an_incremental_run_rescans_only_what_changed(store: Store, tmp_path: Path) -> None:
    from harguard.audit import AuditOptions, AuditRun
    from tests.audit.conftest import CONFIG

    options = AuditOptions(roots=[str(store.root / "acme")], db_url=f"sqlite:///{tmp_path / 'i.db'}")
    first = AuditRun(options, CONFIG).execute()
    log = store.root / "acme/CASE-101/logs/access-000.log"
    with log.open("a") as handle:
        handle.write("2024-05-14 WARN retry Authorization: Bearer Zq3xVb8LmN2pR7tY4wK9cD6eH5jA0sUf\n")
    second = AuditRun(options, CONFIG).execute()
    assert second.scanned == 1 + first.failed and second.unchanged == first.files - 1 - first.failed
    assert second.findings == 1 and second.files_with_findings == 1


def test_the_default_engine_finds_exactly_what_the_pure_python_one_finds(scanned: Scanned, tmp_path: Path) -> None:
    from harguard.audit import AuditConfig, AuditOptions, AuditRun

    db = f"sqlite:///{tmp_path / 'auto.db'}"
    options = AuditOptions(roots=[str(scanned.store.root)], db_url=db, tenant_pattern=TENANTS)
    totals = AuditRun(options, AuditConfig(key=KEY)).execute()
    reports = []
    for url, run_id in ((db, totals.run_id), (scanned.db_url, scanned.totals.run_id)):
        inventory = Inventory(url)
        reports.append(
            sorted(
                (f.path, f.member, f.line, f.fingerprint, f.location) for f in build_report(inventory, run_id).findings
            )
        )
        inventory.close()
    assert reports[0] == reports[1]
