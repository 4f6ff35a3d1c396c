"""`harguard audit --resume` continues the unfinished run with the options it was started with."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from harguard.audit import Inventory
from harguard.audit.config import key_id
from harguard.cli.app import app
from tests.audit.storegen import KEY
from tests.leaks import assert_no_leak

SECRET = "Zq3xVb8LmN2pR7tY4wK9cD6eH5jA0sUf"
LOG = f"2024-05-14 INFO start\n2024-05-14 DEBUG > Cookie: sid={SECRET}; a=b\n".encode()


def _unfinished_run(db: str, root: Path, options: dict[str, object]) -> None:
    """What a `--fix` run killed before it recorded anything leaves in the inventory."""
    inventory = Inventory(db)
    try:
        inventory.start_run(key_id=key_id(KEY), ruleset="killed", roots=[str(root)], options=options)
    finally:
        inventory.close()


def _resume(db: str, report: Path, *extra: str) -> dict[str, object]:
    args = ["audit", "--resume", "--db", db, "--workers", "1", "--engine", "python", "-q", "-f", "json"]
    result = CliRunner().invoke(app, [*args, "-o", str(report), *extra], env={"HARGUARD_KEY": KEY.hex()})
    assert_no_leak(result.output, {"sid": SECRET}, "resumed run output")
    assert result.exit_code == 1, result.output  # the finding is at or above --fail-on high
    doc: dict[str, object] = json.loads(report.read_text())
    return doc


def test_resume_keeps_the_fix_quarantine_and_excludes_of_the_run_it_continues(tmp_path: Path) -> None:
    root, quarantine = tmp_path / "store", tmp_path / "raw"
    (root / "skip").mkdir(parents=True)
    (root / "app.log").write_bytes(LOG)
    (root / "skip/other.log").write_bytes(LOG)
    db = f"sqlite:///{tmp_path / 'inventory.db'}"
    options = {"fix": True, "quarantine": str(quarantine), "tenant_pattern": None, "exclude": ["skip"], "full": False}
    _unfinished_run(db, root, options)

    report = _resume(db, tmp_path / "report.json")
    assert [a["action"] for a in report["actions"]] == ["rewritten"]  # type: ignore[attr-defined,index]
    assert_no_leak((root / "app.log").read_bytes(), {"sid": SECRET}, "resumed fix of app.log")
    excluded_untouched = (root / "skip/other.log").read_bytes() == LOG  # a bool: a failure prints no value
    assert excluded_untouched
    assert [p.read_bytes() == LOG for p in quarantine.rglob("app.log.*")] == [True]


def test_options_given_again_win_over_the_stored_ones(tmp_path: Path) -> None:
    root = tmp_path / "store"
    root.mkdir()
    (root / "app.log").write_bytes(LOG)
    db = f"sqlite:///{tmp_path / 'inventory.db'}"
    _unfinished_run(db, root, {"fix": True, "quarantine": None, "tenant_pattern": None, "exclude": [], "full": False})

    report = _resume(db, tmp_path / "report.json", "--no-fix")
    assert report["actions"] == []
    untouched = (root / "app.log").read_bytes() == LOG
    assert untouched
