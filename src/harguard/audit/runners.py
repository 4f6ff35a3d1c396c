"""Run the per-file function everywhere the same way: in this process, a local process pool, or Dask.

Each runner maps `scanner.audit_file` over tasks and yields `(task, error, result)` as they
finish, with a bounded number in flight (a store of millions of files must not become millions
of futures). The function is pure given the task and the config, so the inventory is the same
whichever runner produced it. On Dask the config (which holds the fingerprint key) is scattered
to the workers once rather than sent with every task; use `tls://` scheduler addresses on a
network you do not trust.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from ..errors import StoreError
from .config import AuditConfig
from .model import FileResult, FileTask
from .scanner import audit_file, describe_error

__all__ = [
    "DaskRunner",
    "InlineRunner",
    "LocalRunner",
    "Outcome",
    "Runner",
    "audit_files",
    "default_workers",
    "make_runner",
]

Outcome = tuple[FileTask, str | None, FileResult | None]


class Runner(Protocol):
    def run(self, tasks: Iterable[FileTask], config: AuditConfig) -> Iterator[Outcome]: ...

    def close(self) -> None: ...


def default_workers() -> int:
    """All the cores this process may use (cgroup and affinity aware where the OS says)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


class InlineRunner:
    """One file after another in this process: `--workers 1`, and debugging."""

    def __repr__(self) -> str:
        return "<InlineRunner>"

    def run(self, tasks: Iterable[FileTask], config: AuditConfig) -> Iterator[Outcome]:
        for task in tasks:
            error, result = audit_file(task, config)
            yield task, error, result

    def close(self) -> None:
        return None


class LocalRunner:
    """A pool of worker processes (spawned: forking a process with database threads is unsafe)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    def __repr__(self) -> str:
        return f"<LocalRunner workers={self.workers}>"

    def run(self, tasks: Iterable[FileTask], config: AuditConfig) -> Iterator[Outcome]:
        return _bounded(lambda task: self._pool.submit(audit_file, task, config), tasks, self.workers * 4)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskRunner:
    """Tasks on a Dask cluster. Workers must see the store at the same paths (shared storage)."""

    def __init__(self, address: str) -> None:
        import distributed  # the `audit` extra; imported only when asked for

        self.address = address
        self._dask: Any = distributed  # untyped library: one Any here instead of ignores everywhere
        self._client: Any = self._dask.Client(address, set_as_default=False)

    def __repr__(self) -> str:
        return f"<DaskRunner {self.address}>"

    def run(self, tasks: Iterable[FileTask], config: AuditConfig) -> Iterator[Outcome]:
        shared = self._client.scatter(config, broadcast=True, hash=False)
        workers = max(1, sum(self._client.nthreads().values()))
        batches = _batches(tasks)
        pending: dict[Any, list[FileTask]] = {}

        def submit(batch: list[FileTask]) -> Any:
            future = self._client.submit(audit_files, batch, shared, pure=False)
            pending[future] = batch
            return future

        for batch in batches:
            submit(batch)
            if len(pending) >= workers * 2:
                break
        if not pending:
            return
        stream: Any = self._dask.as_completed(list(pending), loop=self._client.loop)
        for future in stream:
            batch = pending.pop(future)
            try:
                outcomes = future.result()
            except Exception as exc:  # a lost worker: these files are retried by the next run
                outcomes = [(describe_error(exc), None)] * len(batch)
            for task, (error, result) in zip(batch, outcomes, strict=True):
                yield task, error, result
            following = next(batches, None)
            if following is not None:
                stream.add(submit(following))

    def close(self) -> None:
        self._client.close()


def audit_files(tasks: list[FileTask], config: AuditConfig) -> list[tuple[str | None, FileResult | None]]:
    """`audit_file` over a few tasks: one Dask task per batch, since each task costs the
    scheduler a few milliseconds and most stored files take less than that to scan."""
    return [audit_file(task, config) for task in tasks]


def _batches(tasks: Iterable[FileTask], *, files: int = 16, size: int = 32 * 2**20) -> Iterator[list[FileTask]]:
    batch: list[FileTask] = []
    total = 0
    for task in tasks:
        if batch and (len(batch) >= files or total + task.size > size):
            yield batch
            batch, total = [], 0
        batch.append(task)
        total += task.size
    if batch:
        yield batch


def _bounded(submit: Any, tasks: Iterable[FileTask], limit: int) -> Iterator[Outcome]:
    pending: dict[Future[tuple[str | None, FileResult | None]], FileTask] = {}
    iterator = iter(tasks)
    try:
        while True:
            while len(pending) < limit:
                task = next(iterator, None)
                if task is None:
                    break
                pending[submit(task)] = task
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                task = pending.pop(future)
                try:
                    error, result = future.result()
                except BrokenProcessPool:
                    raise StoreError("a worker process died (out of memory?); rerun with --resume") from None
                yield task, error, result
    finally:
        for future in pending:
            future.cancel()


def make_runner(*, workers: int, dask: str | None) -> Runner:
    if dask:
        return DaskRunner(dask)
    if workers <= 1:
        return InlineRunner()
    return LocalRunner(workers)
