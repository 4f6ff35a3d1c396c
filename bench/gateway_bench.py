#!/usr/bin/env python3
"""Benchmark the gateway's upload path on loopback: requests/s, MB/s, server peak memory.

    python bench/gateway_bench.py [--sizes 1MB,50MB] [--clients 4] [--requests 40,6]
                                  [--database-url postgresql://postgres@127.0.0.1/bench]

Starts `harguard serve` as a child process on a free port (dev mode, a temporary data folder,
SQLite unless --database-url), reads the first admin token it prints, opens one case, then for
each size uploads a generated HAR (bench/generate.py, seeded) `requests` times from `clients`
concurrent clients and reports:

  req/s    completed uploads per second of wall time (receive + sanitize + store + answer)
  MB/s     uploaded HAR bytes (10^6) per second of wall time
  p50/max  per-request latency
  peak     the server's peak resident memory so far (VmHWM), and its growth over idle as a
           multiple of the file size

Every upload must answer 201; anything else stops the run.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate_har, parse_size  # noqa: E402

TOKEN = re.compile(r"hgt_[A-Za-z0-9_-]{43}")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path, port: int, database_url: str | None) -> tuple[subprocess.Popen[str], str]:
    env = {
        **os.environ,
        "HARGUARD_DATA_DIR": str(data_dir),
        "HARGUARD_PURGE_INTERVAL_SECONDS": "0",
        "HARGUARD_LOG_LEVEL": "WARNING",
        "HARGUARD_MAX_UPLOAD_BYTES": str(600 * 2**20),
    }
    env.pop("HARGUARD_KEY", None)
    if database_url:
        env["HARGUARD_DATABASE_URL"] = database_url
    harguard = Path(sys.executable).with_name("harguard")
    process = subprocess.Popen(
        [str(harguard), "serve", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    token = ""
    deadline = time.monotonic() + 60
    while not token and time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            raise SystemExit("the server exited before it printed a token")
        found = TOKEN.search(line)
        token = found.group(0) if found else ""
    threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}"
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz").status_code == 200:
                return process, token
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the server did not become ready")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_size(url: str, token: str, case_id: str, data: bytes, *, requests: int, clients: int) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []

    def one(_: int) -> None:
        with httpx.Client(timeout=600) as client:
            started = time.perf_counter()
            response = client.post(
                f"{url}/api/v1/cases/{case_id}/files",
                headers=headers,
                files={"file": ("bench.har", data, "application/json")},
            )
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise SystemExit(f"upload answered {response.status_code}: {response.text[:200]}")

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(requests)))
    wall = time.perf_counter() - started
    return {
        "req_s": requests / wall,
        "mb_s": requests * len(data) / 1e6 / wall,
        "p50": statistics.median(latencies),
        "max": max(latencies),
        "wall": wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1MB,50MB")
    parser.add_argument("--requests", default="40,6", help="uploads per size (comma list, or one for all)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    counts = [int(n) for n in args.requests.split(",")]
    counts += [counts[-1]] * (len(sizes) - len(counts))

    with tempfile.TemporaryDirectory(prefix="harguard-gw-bench-") as tmp:
        port = free_port()
        process, token = start_server(Path(tmp) / "data", port, args.database_url)
        url = f"http://127.0.0.1:{port}"
        try:
            headers = {"Authorization": f"Bearer {token}"}
            slug = f"bench-{secrets.token_hex(3)}"
            httpx.post(f"{url}/api/v1/orgs", headers=headers, json={"slug": slug, "name": "Bench"}).raise_for_status()
            case = httpx.post(f"{url}/api/v1/cases", headers=headers, json={"org": slug, "title": "bench"})
            case_id = case.raise_for_status().json()["id"]
            idle = peak_rss_mb(process.pid)
            say(
                f"gateway on {url} ({args.database_url or 'SQLite'}), {os.cpu_count()} CPUs, "
                f"{args.clients} clients; server idle peak RSS {idle:.0f} MiB"
            )
            say(
                f"{'size':>8} {'uploads':>7} {'req/s':>7} {'MB/s':>7} {'p50 s':>7} {'max s':>7} "
                f"{'peak RSS':>10} growth/size"
            )
            for size, count in zip(sizes, counts, strict=True):
                data = generate_har(size, seed=7)
                assert isinstance(data, bytes)
                result = run_size(url, token, case_id, data, requests=count, clients=args.clients)
                peak = peak_rss_mb(process.pid)
                say(
                    f"{len(data) / 1e6:7.1f}M {count:7d} {result['req_s']:7.2f} {result['mb_s']:7.2f} "
                    f"{result['p50']:7.2f} {result['max']:7.2f} {peak:7.0f}MiB "
                    f"{(peak - idle) * 2**20 / len(data):10.1f}x"
                )
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
