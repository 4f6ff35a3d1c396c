#!/usr/bin/env python3
"""Benchmark the sanitizer on generated HARs: MB/s, peak RSS, and the ratio to orjson.

    python bench/sanitize_bench.py [--sizes 20MB,500MB] [--engine auto|python] [--runs 1]

For each size, a realistic HAR is generated once into bench/out/ (seeded, reused later), then
each measurement runs in a fresh child process pinned to one core, so peak RSS is its own:

  orjson      load + dump of the same file (the floor the sanitizer is compared with)
  sanitize    harguard's full pipeline, file to file (load, walk, detect, redact, residual scan)

It prints throughput in MB/s (10^6 bytes), peak RSS in MB and as a multiple of the input
size, the time ratio sanitize/orjson, and recall: how many planted secrets survived.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

_CHILD = r"""
import os, resource, sys, time, json
os.sched_setaffinity(0, {0})
mode, path, out, engine = sys.argv[1:5]
start = time.perf_counter()
cpu_start = time.process_time()
if mode == "orjson":
    import gc, orjson
    with open(path, "rb") as f:
        data = f.read()
    gc.disable()
    doc = orjson.loads(data)
    del data
    result = orjson.dumps(doc, option=orjson.OPT_INDENT_2)
    with open(out, "wb") as f:
        f.write(result)
else:
    import harguard
    from harguard.har.write import atomic_output
    sanitizer = harguard.Sanitizer(key=b"b" * 32, engine=engine)
    start = time.perf_counter()
    cpu_start = time.process_time()
    with atomic_output(out) as handle:
        report = sanitizer.sanitize_to(path, handle)
elapsed = time.perf_counter() - start
cpu = time.process_time() - cpu_start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "peak_bytes": peak}))
"""


def _parse_size(text: str) -> int:
    text = text.strip().upper()
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


def _ensure_har(size: int) -> tuple[Path, list[str]]:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"bench-{size}.har"
    secrets_path = OUT / f"bench-{size}.secrets.json"
    if not path.exists() or not secrets_path.exists():
        sys.path.insert(0, str(HERE))
        from generate import write_har  # type: ignore[import-not-found]

        planted = write_har(path, size, seed=1)
        secrets_path.write_text(json.dumps(planted.secrets))
    return path, json.loads(secrets_path.read_text())


def _child(mode: str, path: Path, out: Path, engine: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(path), str(out), engine],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def _survivors(out: Path, secrets: list[str]) -> int:
    data = out.read_bytes()
    return sum(1 for s in set(secrets) if s.encode() in data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20MB,500MB")
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    rows = []
    for size_text in args.sizes.split(","):
        size = _parse_size(size_text)
        path, secrets = _ensure_har(size)
        real_size = path.stat().st_size
        out = OUT / f"bench-{size}.out.har"
        best: dict[str, dict[str, float]] = {}
        for _ in range(args.runs):
            for mode in ("orjson", "sanitize"):
                measured = _child(mode, path, out, args.engine)
                if mode not in best or measured["seconds"] < best[mode]["seconds"]:
                    best[mode] = measured
        survivors = _survivors(out, secrets)
        for mode in ("orjson", "sanitize"):
            m = best[mode]
            rows.append((size_text, mode, real_size / 1e6 / m["seconds"], m["seconds"], m["cpu_seconds"],
                         m["peak_bytes"] / 1e6, m["peak_bytes"] / real_size))  # fmt: skip
        ratio = best["sanitize"]["seconds"] / best["orjson"]["seconds"]
        cpu_ratio = best["sanitize"]["cpu_seconds"] / best["orjson"]["cpu_seconds"]
        rows.append((size_text, f"ratio {ratio:.2f}x orjson (cpu {cpu_ratio:.2f}x); planted secrets surviving: "
                     f"{survivors}/{len(set(secrets))}", 0.0, 0.0, 0.0, 0.0, 0.0))  # fmt: skip
    print(f"{'size':>8} {'mode':<10} {'MB/s':>8} {'seconds':>8} {'cpu s':>8} {'peak MB':>9} {'peak/input':>10}")
    for size_text, mode, mbps, seconds, cpu, peak, multiple in rows:
        if mbps:
            print(f"{size_text:>8} {mode:<10} {mbps:8.1f} {seconds:8.2f} {cpu:8.2f} {peak:9.0f} {multiple:10.2f}")
        else:
            print(f"{size_text:>8} {mode}")
    print(f"engine={args.engine} python={sys.version.split()[0]} cpu={os.cpu_count()} "
          f"(one core per run) time={time.strftime('%Y-%m-%d %H:%M')}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
