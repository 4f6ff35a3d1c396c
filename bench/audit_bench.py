#!/usr/bin/env python3
"""Benchmark `harguard audit`: files/s and MB/s over a generated store, local process pool vs Dask.

    python bench/audit_bench.py [--files 10000] [--bytes 2GB] [--workers 2] [--engine auto]
                                [--no-dask] [--store DIR]

The store (generated once, reused while its parameters match) mixes what support stores hold,
by file count: HARs 45% (bench/generate.py, credential scenarios planted), application logs 25%
(raw cookies, Authorization headers and tokens every few hundred lines), NDJSON logs 10%,
gzipped HARs 10%, zips of a HAR, a log and an image 10%. Sizes are log-normal around the mean
(`bytes / files`), capped at 64 MiB. Each mode audits the whole store into a fresh SQLite
inventory (scan only, no fix), then an incremental re-run measures the unchanged-file path
(hash check only). Both modes must produce the same findings; the figures are printed.

The run uses a snapshot of `src/harguard` taken when it starts (on PYTHONPATH, inherited by the
pool and the Dask workers), so edits to the working tree during a long run cannot make the two
modes run different code.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate_har, parse_size  # type: ignore[import-not-found]  # noqa: E402

_MAX_FILE = 64 * 2**20
_KINDS = ["har"] * 9 + ["log"] * 5 + ["ndjson"] * 2 + ["har.gz"] * 2 + ["zip"] * 2
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _log(size: int, rng: random.Random, *, ndjson: bool) -> bytes:
    lines: list[str] = []
    total = 0
    while total < size:
        i = len(lines)
        if i % 300 == 17:
            token = "".join(rng.choice(_ALNUM) for _ in range(32))
            line = rng.choice(
                [
                    f"2024-05-14T09:30:02Z WARN upstream auth failed Authorization: Bearer {token}",
                    f"2024-05-14T09:30:01Z DEBUG > Cookie: sid={token}; theme=dark",
                    f"2024-05-14T09:30:03Z INFO login user=jane password=Pw-{token[:12]}",
                ]
            )
        else:
            line = (
                f"2024-05-14T09:{i % 60:02d}:00Z INFO request_id={rng.getrandbits(128):032x} "
                f"GET /api/v1/items/{rng.randrange(10**6)} status=200 in {rng.randrange(300)}ms"
            )
        if ndjson:
            line = json.dumps({"ts": "2024-05-14T09:30:00Z", "msg": line})
        lines.append(line)
        total += len(line) + 1
    return ("\n".join(lines) + "\n").encode()


def _content(kind: str, size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    if kind in ("log", "ndjson"):
        return _log(size, rng, ndjson=kind == "ndjson")
    if kind == "har":
        return bytes(generate_har(size, seed=seed))
    if kind == "har.gz":
        return gzip.compress(generate_har(size * 4, seed=seed), mtime=0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("capture.har", generate_har(max(size // 2, 4096), seed=seed))
        archive.writestr("app.log", _log(max(size // 3, 2048), rng, ndjson=False))
        archive.writestr("screenshot.png", b"\x89PNG\r\n\x1a\n" + rng.randbytes(max(size // 6, 512)))
    return buffer.getvalue()


def _write(job: tuple[str, str, int, int]) -> int:
    path, kind, size, seed = job
    data = _content(kind, size, seed)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(data)
    return len(data)


def build_store(root: Path, *, files: int, total: int, seed: int, workers: int) -> tuple[int, int]:
    marker = root.with_name(f"{root.name}.bench.json")  # beside the store: it is not part of it
    params = {"files": files, "bytes": total, "seed": seed, "format": 1}
    if marker.exists() and json.loads(marker.read_text()) == params:
        sizes = [p.stat().st_size for p in root.rglob("*") if p.is_file()]
        return len(sizes), sum(sizes)
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(seed)
    mean = total / files
    sigma = 1.0
    raw = [rng.lognormvariate(math.log(mean) - sigma**2 / 2, sigma) for _ in range(files)]
    scale = total / sum(raw)
    jobs = []
    for i, r in enumerate(raw):
        kind = _KINDS[i % len(_KINDS)]
        size = int(min(max(r * scale, 2048), _MAX_FILE))
        suffix = {"har": ".har", "log": ".log", "ndjson": ".ndjson", "har.gz": ".har.gz", "zip": ".zip"}[kind]
        jobs.append(
            (
                str(root / f"tenant-{i % 7}" / f"case-{i % 101:03d}" / f"f{i:05d}{suffix}"),
                kind,
                size,
                seed + i,
            )
        )
    with ProcessPoolExecutor(workers) as pool:
        written = sum(pool.map(_write, jobs, chunksize=16))
    marker.write_text(json.dumps(params))
    return files, written


def audit(root: Path, db: str, *, workers: int, engine: str, dask: str | None) -> tuple[float, object]:
    from harguard.audit import AuditConfig, AuditOptions, AuditRun

    config = AuditConfig(key=b"audit-bench-fingerprint-key-0001", engine=engine)
    started = time.perf_counter()
    totals = AuditRun(AuditOptions(roots=[str(root)], db_url=db, workers=workers, dask=dask), config).execute()
    return time.perf_counter() - started, totals


def _findings(db: str) -> list[tuple[str, str, int, str]]:
    import sqlalchemy as sa

    from harguard.audit import Inventory
    from harguard.audit.tables import files, findings

    inventory = Inventory(db)
    with inventory.engine.connect() as conn:
        rows = conn.execute(
            sa.select(files.c.path, files.c.member, findings.c.line, findings.c.fingerprint).join(
                files, files.c.id == findings.c.file_id
            )
        )
        out = sorted((r.path, r.member, r.line or 0, r.fingerprint) for r in rows)
    inventory.close()
    return out


def _report(mode: str, seconds: float, totals: object, nbytes: int) -> None:
    t = totals.__dict__
    _out(
        f"{mode:<24} {t['scanned'] + t['unchanged']:>7} files {seconds:8.1f} s {t['files'] / seconds:9.1f} files/s "
        f"{nbytes / 1e6 / seconds:8.1f} MB/s  findings={t['findings']} unreadable={t['failed']}"
    )


def _run_on_a_snapshot() -> None:
    """Re-execute this script with a frozen copy of the package first on the path."""
    if os.environ.get("HARGUARD_BENCH_SNAPSHOT"):
        return
    snapshot = Path(tempfile.mkdtemp(prefix="audit-bench-src-"))
    shutil.copytree(
        HERE.parent / "src" / "harguard", snapshot / "harguard", ignore=shutil.ignore_patterns("__pycache__")
    )
    env = {**os.environ, "HARGUARD_BENCH_SNAPSHOT": str(snapshot)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(snapshot), env.get("PYTHONPATH", "")) if p)
    os.execve(sys.executable, [sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]], env)


def main() -> int:
    _run_on_a_snapshot()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--bytes", default="2GB", help="total store size (binary units: 2GB = 2 GiB)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store", type=Path, default=None, help="default: bench/out/audit-store-<files>-<bytes>")
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    total = parse_size(args.bytes)
    root = args.store or HERE / "out" / f"audit-store-{args.files}-{total}"
    started = time.perf_counter()
    files, nbytes = build_store(root, files=args.files, total=total, seed=args.seed, workers=args.workers)
    _out(f"load average (1 min) at the start: {os.getloadavg()[0]:.1f}")
    _out(f"store: {files} files, {nbytes / 1e6:.0f} MB at {root} (ready in {time.perf_counter() - started:.0f} s)")
    work = Path(tempfile.mkdtemp(prefix="audit-bench-"))
    try:
        local_db = f"sqlite:///{work / 'local.db'}"
        seconds, totals = audit(root, local_db, workers=args.workers, engine=args.engine, dask=None)
        _report(f"local pool ({args.workers} workers)", seconds, totals, nbytes)
        seconds, totals = audit(root, local_db, workers=args.workers, engine=args.engine, dask=None)
        _report("incremental (unchanged)", seconds, totals, nbytes)
        if not args.no_dask:
            from distributed import LocalCluster

            with LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster:
                dask_db = f"sqlite:///{work / 'dask.db'}"
                seconds, totals = audit(
                    root, dask_db, workers=args.workers, engine=args.engine, dask=cluster.scheduler_address
                )
                _report(f"dask ({args.workers} workers)", seconds, totals, nbytes)
            same = _findings(local_db) == _findings(dask_db)
            _out(f"dask and local inventories identical: {same}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(os.environ["HARGUARD_BENCH_SNAPSHOT"], ignore_errors=True)
    import harguard

    _out(f"harguard from {Path(harguard.__file__).parent}")
    _out(
        f"engine={args.engine} python={sys.version.split()[0]} cores={os.cpu_count()} "
        f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} time={time.strftime('%Y-%m-%d %H:%M')}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
