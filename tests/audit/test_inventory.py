"""The inventory on SQLite and PostgreSQL: files, open and fixed findings, exposures, runs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from harguard.audit import AuditOptions, AuditRun, Inventory
from harguard.audit.inventory import Placed, ident
from harguard.audit.model import AuditFinding, FileResult, MemberResult
from harguard.audit.tables import exposures, files, findings
from harguard.errors import StoreError
from harguard.watch.watchlist import Watchlist
from tests.audit.conftest import CONFIG

FP = {name: name[0] * 64 for name in ("alpha", "bravo", "charlie")}
JAN, MAR = datetime(2023, 1, 10, tzinfo=UTC).timestamp(), datetime(2023, 3, 10, tzinfo=UTC).timestamp()


def _finding(name: str, *, severity: str = "critical", line: int | None = 3) -> AuditFinding:
    return AuditFinding(
        kind="session-cookie",
        rule="position.cookie",
        severity=severity,
        fingerprint=FP[name],
        location="text/header[cookie]:sid",
        line=line,
    )


def _result(path: str, members: dict[str, list[AuditFinding]], *, mtime: float = JAN, digest: str = "h1") -> FileResult:
    result = FileResult(path=path, size=10, mtime_ns=int(mtime * 1e9), hash=digest)
    for member, found in members.items():
        result.members.append(
            MemberResult(
                member=member,
                kind="text",
                size=10,
                mtime=mtime,
                status="findings" if found else "clean",
                findings=found,
            )
        )
    return result


@pytest.fixture
def opened(db_url: str) -> Iterator[tuple[Inventory, int]]:
    inventory = Inventory(db_url)
    yield inventory, inventory.start_run(key_id="k1", ruleset="r1", roots=["/s"], options={})
    inventory.close()


def _rows(inventory: Inventory, query: sa.Select[tuple[object, ...]]) -> list[tuple[object, ...]]:
    with inventory.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query)]


def test_a_rescan_replaces_open_findings_and_drops_vanished_members(opened: tuple[Inventory, int]) -> None:
    inventory, run = opened
    inventory.record(
        run,
        [Placed(_result("/s/a.zip", {"": [], "x.log": [_finding("alpha")], "y.log": [_finding("bravo")]}), {})],
        ruleset="r1",
    )
    inventory.record(
        run,
        [Placed(_result("/s/a.zip", {"": [], "x.log": [_finding("charlie")]}, digest="h2"), {})],
        ruleset="r1",
    )
    assert sorted(_rows(inventory, sa.select(files.c.member, files.c.findings))) == [("", 0), ("x.log", 1)]
    assert _rows(inventory, sa.select(findings.c.fingerprint, findings.c.line)) == [(FP["charlie"], 3)]
    assert inventory.known_files()[ident("/s/a.zip")].hash == "h2"


def test_exposures_keep_the_earliest_file_time_per_tenant_and_case(opened: tuple[Inventory, int]) -> None:
    inventory, run = opened
    places = {"": ("acme", "CASE-1")}
    inventory.record(run, [Placed(_result("/s/new.log", {"": [_finding("alpha")]}, mtime=MAR), places)], ruleset="r1")
    inventory.record(
        run,
        [
            Placed(
                _result("/s/old.log", {"": [_finding("alpha"), _finding("bravo", severity="medium")]}, mtime=JAN),
                places,
            )
        ],
        ruleset="r1",
    )
    inventory.record(
        run,
        [Placed(_result("/s/other.log", {"": [_finding("alpha")]}), {"": ("globex", None)})],
        ruleset="r1",
    )
    rows = _rows(
        inventory,
        sa.select(exposures.c.tenant, exposures.c.case_ref, exposures.c.origin, exposures.c.exposed_at).order_by(
            exposures.c.tenant
        ),
    )
    assert [r[:3] for r in rows] == [("acme", "CASE-1", "/s/old.log"), ("globex", "", "/s/other.log")]
    exposed = rows[0][3]
    assert isinstance(exposed, datetime) and exposed.replace(tzinfo=UTC).timestamp() == JAN  # medium PII: not watched


def test_a_fix_marks_findings_fixed_and_a_clean_rescan_keeps_them(opened: tuple[Inventory, int]) -> None:
    inventory, run = opened
    inventory.record(run, [Placed(_result("/s/a.log", {"": [_finding("alpha")]}), {})], ruleset="r1")
    inventory.record_fix(
        run, path="/s/a.log", action="rewritten", findings_count=1, before_hash="h1", after_hash="h9", size=7
    )
    known = inventory.known_files()[ident("/s/a.log")]
    assert (known.hash, known.size, known.status) == ("h9", 7, "fixed")
    inventory.record(run, [Placed(_result("/s/a.log", {"": []}, digest="h9"), {})], ruleset="r1")
    assert _rows(inventory, sa.select(findings.c.state)) == [("fixed",)]


def test_another_key_is_refused(opened: tuple[Inventory, int]) -> None:
    inventory, _ = opened
    with pytest.raises(StoreError, match="another fingerprint key"):
        inventory.start_run(key_id="k2", ruleset="r1", roots=[], options={})


def test_a_run_publishes_every_credential_with_its_files_time(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "s/acme/CASE-9").mkdir(parents=True)
    log = tmp_path / "s/acme/CASE-9/app.log"
    log.write_text("ok\n2024 INFO Authorization: Bearer Zq3xVb8LmN2pR7tY4wK9cD6eH5jA0sUf\n")
    os.utime(log, (JAN, JAN))
    options = AuditOptions(
        roots=[str(tmp_path / "s")], db_url=db_url, tenant_pattern=r"^(?P<tenant>\w+)/(?P<case>[^/]+)/"
    )
    totals = AuditRun(options, CONFIG).execute()
    assert (totals.findings, totals.published) == (1, 1)
    watchlist = Watchlist(db_url)
    (exposure,) = watchlist.all()
    watchlist.engine.dispose()
    assert (exposure.source, exposure.tenant, exposure.case, exposure.kind) == (
        "audit",
        "acme",
        "CASE-9",
        "bearer-token",
    )
    assert exposure.exposed_at.timestamp() == JAN and exposure.origin == str(log)
    again = AuditRun(options, CONFIG).execute()
    assert (again.unchanged, again.published) == (1, 0)


def test_a_file_name_that_is_not_utf8_is_stored_and_recognised_next_time(db_url: str, tmp_path: Path) -> None:
    root = tmp_path / "s"
    root.mkdir()
    (root / os.fsdecode(b"caf\xe9.log")).write_text(
        "2024 INFO Authorization: Bearer Zq3xVb8LmN2pR7tY4wK9cD6eH5jA0sUf\n"
    )
    options = AuditOptions(roots=[str(root)], db_url=db_url)
    assert AuditRun(options, CONFIG).execute().findings == 1
    again = AuditRun(options, CONFIG).execute()
    assert (again.unchanged, again.scanned) == (1, 0)
    inventory = Inventory(db_url)
    assert [p for (p,) in _rows(inventory, sa.select(files.c.path))] == [f"{root}/caf\\xe9.log"]
    inventory.close()
