"""A run killed mid-way (SIGKILL, a real process) resumes where it stopped and ends complete."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from harguard.audit import Inventory, build_report
from harguard.audit.tables import actions, runs
from tests.audit.conftest import TENANTS, Scanned
from tests.audit.storegen import KEY, Store, leaves
from tests.leaks import assert_no_leak

pytestmark = pytest.mark.slow

_MAIN = "from harguard.cli.app import main; main()"


def _audit(store: Store, db: Path, *extra: str, output: int = subprocess.PIPE) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", _MAIN, "audit", str(store.root), "--db", f"sqlite:///{db}", "--fix"]
    command += [
        "--workers",
        "1",
        "--engine",
        "python",
        "-q",
        "--tenant-pattern",
        TENANTS,
        "-f",
        "json",
        *extra,
    ]
    env = {**os.environ, "HARGUARD_KEY": KEY.hex()}
    return subprocess.Popen(command, env=env, stdout=output, stderr=output)


def _recorded(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM audit_files WHERE member = ''").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_a_killed_fix_run_resumes_and_ends_like_an_uninterrupted_one(
    store: Store, scanned: Scanned, tmp_path: Path
) -> None:
    db = tmp_path / "inventory.db"
    process = _audit(store, db, output=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _recorded(db) < 20 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = _recorded(db)
    files = sum(1 for p in store.root.rglob("*") if p.is_file() and not p.is_symlink())
    assert 0 < killed_at < files, "the run was not killed mid-way; make the store bigger"

    resumed = _audit(store, db, "--resume")
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 1, err.decode(errors="replace")
    assert_no_leak(out + err, store.planted, "resumed run output")

    inventory = Inventory(f"sqlite:///{db}")
    with inventory.engine.connect() as conn:
        run_rows = list(conn.execute(sa.select(runs.c.id, runs.c.status, runs.c.counts)))
        pending = list(conn.execute(sa.select(actions.c.path).where(actions.c.action == "pending")))
    report = build_report(inventory, run_rows[-1].id)
    inventory.close()
    assert [(r.id, r.status) for r in run_rows] == [(1, "completed")]  # the same run, now complete
    counts = run_rows[0].counts
    assert counts["resumed"] > 0 and pending == []  # what the killed run finished is not done again
    assert counts["resumed"] + counts["scanned"] + counts["unchanged"] == counts["files"]
    reference = Inventory(scanned.db_url)
    expected = build_report(reference, scanned.totals.run_id)
    reference.close()

    def key(root: Path, f: object) -> tuple[object, ...]:
        return (Path(f.path).relative_to(root), f.member, f.line, f.fingerprint, f.tenant, f.case)  # type: ignore[attr-defined]

    assert sorted(key(store.root, f) for f in report.findings) == sorted(
        key(scanned.store.root, f) for f in expected.findings
    )
    assert {f.state for f in report.findings} == {"fixed"}
    for path in store.root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert ".harguard-" not in path.name, "a staged copy was left behind"
            try:
                found = list(leaves(path.read_bytes()))
            except Exception:  # the damaged zip and the bomb
                continue
            for member, data in found:
                assert_no_leak(data, store.planted, f"{path.relative_to(store.root)}:{member}")
