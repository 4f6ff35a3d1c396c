"""The same audit on a real Dask cluster (two worker processes), a local process pool and in
process gives the same inventory; the Dask run writes to PostgreSQL, the others to SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from harguard.audit import AuditOptions, AuditRun, Inventory
from harguard.audit.tables import exposures, files, findings
from tests.audit.conftest import CONFIG, TENANTS, Scanned

pytestmark = pytest.mark.slow


def _inventory(db_url: str, root: Path) -> dict[str, list[tuple[object, ...]]]:
    inventory = Inventory(db_url)
    with inventory.engine.connect() as conn:
        file_rows = sorted(
            (str(Path(r.path).relative_to(root)), r.member, r.kind, r.size, r.status, r.error, r.findings,
             r.tenant, r.case_ref, r.hash)
            for r in conn.execute(sa.select(files))
        )  # fmt: skip
        finding_rows = sorted(
            (str(Path(r.path).relative_to(root)), r.member, r.kind, r.rule, r.severity, r.fingerprint,
             r.location, r.line or 0)
            for r in conn.execute(sa.select(findings, files.c.path, files.c.member)
                                  .join(files, files.c.id == findings.c.file_id))
        )  # fmt: skip
        exposure_rows = sorted(
            (r.fingerprint, r.tenant, r.case_ref, r.kind, str(Path(r.origin).relative_to(root)))
            for r in conn.execute(sa.select(exposures))
        )
    inventory.close()
    return {"files": file_rows, "findings": finding_rows, "exposures": exposure_rows}


def test_dask_local_pool_and_inline_runs_build_the_same_inventory(
    scanned: Scanned, pg_url: str, tmp_path: Path
) -> None:
    from distributed import LocalCluster

    root = scanned.store.root
    pool_db = f"sqlite:///{tmp_path / 'pool.db'}"
    AuditRun(AuditOptions(roots=[str(root)], db_url=pool_db, workers=2, tenant_pattern=TENANTS), CONFIG).execute()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        options = AuditOptions(roots=[str(root)], db_url=pg_url, dask=cluster.scheduler_address, tenant_pattern=TENANTS)
        totals = AuditRun(options, CONFIG).execute()
    assert totals.scanned == scanned.totals.scanned and totals.findings == scanned.totals.findings > 0
    inline, pool, dask = (_inventory(url, root) for url in (scanned.db_url, pool_db, pg_url))
    for table in ("files", "findings", "exposures"):
        assert pool[table] == inline[table], table
        assert dask[table] == inline[table], table
