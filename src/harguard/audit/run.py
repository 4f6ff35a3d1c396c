"""One audit run: walk the stores, skip what is known, scan the rest in parallel, record, fix, publish.

The coordinating process owns the inventory and the fixes; workers only read files and stage
sanitized copies. Results are recorded in batches (one transaction each) and a batch's fixes are
applied only after its findings are committed, so what a file exposed is never lost, even if
the run is killed between the two. Exposures go to the watchlist at the end of the run (or of
the run that resumes it), earliest first, since the watchlist keeps the first time it hears of
a credential.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from ..report.manifest import Report
from ..types import Finding, Severity
from ..watch.watchlist import Watchlist, exposures_from_report
from .config import AuditConfig, key_id, ruleset_id
from .fix import apply_fix, discard
from .inventory import Inventory, KnownFile, Placed, ident
from .model import FileResult, FileTask, Status
from .runners import Runner, make_runner
from .stores.folder import StoreFile, WalkStats, walk_paths
from .tenancy import TenantPattern

__all__ = ["AuditOptions", "AuditRun", "AuditTotals", "Progress"]

Progress = Callable[[str, int, int], None]
"""Called as ("start", total_files, total_bytes), then ("file", 1, size) per file done."""


@dataclass(frozen=True)
class AuditOptions:
    """What to audit and how; everything but the key and policy (those are in AuditConfig)."""

    roots: Sequence[str]
    db_url: str
    watchlist_url: str | None = None
    """Default: the inventory's database."""
    fix: bool = False
    quarantine: Path | None = None
    workers: int = 1
    dask: str | None = None
    resume: bool = False
    full: bool = False
    """Scan every file again, even unchanged ones."""
    tenant_pattern: str | None = None
    exclude: Sequence[str] = ()
    batch_size: int = 64
    batch_seconds: float = 1.0


@dataclass
class AuditTotals:
    """Counts of one run, stored with it and shown in every report."""

    run_id: int = 0
    files: int = 0
    bytes: int = 0
    scanned: int = 0
    scanned_bytes: int = 0
    unchanged: int = 0
    resumed: int = 0
    failed: int = 0
    findings: int = 0
    files_with_findings: int = 0
    rewritten: int = 0
    refused: int = 0
    quarantined: int = 0
    published: int = 0
    staging_removed: int = 0
    symlinks: int = 0
    special: int = 0
    excluded: int = 0
    unreadable: int = 0
    seconds: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)


class AuditRun:
    """Runs one audit; `execute()` returns the totals (the report reads the inventory)."""

    def __init__(self, options: AuditOptions, config: AuditConfig, *, progress: Progress | None = None) -> None:
        self.options = options
        self.config = config
        self.progress = progress or (lambda *_: None)
        self.inventory = Inventory(options.db_url)
        self.tenants = TenantPattern(options.tenant_pattern)
        self.ruleset = ruleset_id(config)
        self.totals = AuditTotals()
        self._relative: dict[str, str] = {}
        self._statuses: Counter[str] = Counter()

    def __repr__(self) -> str:
        return f"<AuditRun roots={list(self.options.roots)!r} fix={self.options.fix}>"

    def execute(self) -> AuditTotals:
        started = time.perf_counter()
        run_id = self._open_run()
        self.totals.run_id = run_id
        status = "interrupted"
        runner: Runner | None = None
        try:
            tasks = self._plan(run_id)
            runner = make_runner(workers=self.options.workers, dask=self.options.dask)
            self._execute(run_id, runner, tasks)
            status = "completed"
        finally:
            if runner is not None:
                runner.close()
            self.totals.seconds = time.perf_counter() - started
            self.totals.by_status = dict(self._statuses)
            try:
                self.totals.published = self._publish()
            finally:
                self.inventory.finish_run(run_id, status=status, counts=asdict(self.totals))
                self.inventory.close()
        return self.totals

    # -- planning --------------------------------------------------------------------------
    def _open_run(self) -> int:
        options = {
            "fix": self.options.fix,
            "quarantine": str(self.options.quarantine or "") or None,
            "tenant_pattern": self.options.tenant_pattern,
            "exclude": list(self.options.exclude),
            "full": self.options.full,
        }
        kid = key_id(self.config.key)
        if self.options.resume:
            previous = self.inventory.unfinished_run()
            if previous is not None:
                self.inventory.reopen_run(previous.id, key_id=kid, ruleset=self.ruleset)
                return previous.id
        return self.inventory.start_run(
            key_id=kid, ruleset=self.ruleset, roots=list(self.options.roots), options=options
        )

    def _plan(self, run_id: int) -> list[FileTask]:
        stats = WalkStats()
        found = list(
            walk_paths(self.options.roots, exclude=self.options.exclude, exclude_paths=self._own_paths(), stats=stats)
        )
        for leftover in stats.staging:  # a killed fix's staged copy: sanitized data only
            discard(leftover)
        self.totals.staging_removed = len(stats.staging)
        self.totals.symlinks, self.totals.special = stats.symlinks, stats.special
        self.totals.excluded, self.totals.unreadable = stats.excluded, len(stats.unreadable)
        known = self.inventory.known_files()
        tasks: list[FileTask] = []
        for item in found:
            self._relative[item.path] = item.relative
            self.totals.files += 1
            self.totals.bytes += item.size
            previous = known.get(ident(item.path))
            if previous is not None and previous.last_run == run_id and self._is_done(previous, item):
                self.totals.resumed += 1  # finished by the run being resumed, untouched since
                self._statuses[previous.status] += 1
                continue
            tasks.append(
                FileTask(
                    path=item.path,
                    size=item.size,
                    mtime_ns=item.mtime_ns,
                    known_hash=self._reusable_hash(previous),
                    fix=self.options.fix,
                )
            )
        self.progress("start", len(tasks), sum(t.size for t in tasks))
        return tasks

    def _own_paths(self) -> list[str]:
        """Never audit the audit's own database or quarantine folder (if they sit in the store)."""
        own: list[str] = []
        url = self.options.db_url
        if url.startswith("sqlite:///"):
            db = os.path.abspath(url.removeprefix("sqlite:///"))
            own += [db, f"{db}-wal", f"{db}-shm", f"{db}-journal"]
        if self.options.quarantine is not None:
            own.append(os.path.abspath(self.options.quarantine))
        return own

    def _is_done(self, previous: KnownFile, item: StoreFile) -> bool:
        """Already recorded by the run being resumed, and not touched since."""
        if previous.size != item.size or previous.mtime_ns != item.mtime_ns or previous.ruleset != self.ruleset:
            return False
        return not (self.options.fix and previous.status == Status.FINDINGS) and previous.status != Status.ERROR

    def _reusable_hash(self, previous: KnownFile | None) -> str | None:
        """The hash that lets a worker skip an unchanged file, unless the file must be scanned again."""
        if previous is None or self.options.full or previous.ruleset != self.ruleset:
            return None
        if previous.status == Status.ERROR or (self.options.fix and previous.status == Status.FINDINGS):
            return None
        return previous.hash

    # -- execution -------------------------------------------------------------------------
    def _execute(self, run_id: int, runner: Runner, tasks: list[FileTask]) -> None:
        batch: list[tuple[FileTask, str | None, FileResult | None]] = []
        deadline = time.monotonic() + self.options.batch_seconds
        try:
            for outcome in runner.run(tasks, self.config):
                batch.append(outcome)
                self.progress("file", 1, outcome[0].size)
                if len(batch) >= self.options.batch_size or time.monotonic() >= deadline:
                    self._flush(run_id, batch)
                    batch, deadline = [], time.monotonic() + self.options.batch_seconds
        finally:
            self._flush(run_id, batch)

    def _flush(self, run_id: int, batch: list[tuple[FileTask, str | None, FileResult | None]]) -> None:
        if not batch:
            return
        unchanged = [r for _, e, r in batch if r is not None and r.unchanged]
        fresh = [r for _, e, r in batch if r is not None and not r.unchanged]
        try:
            if unchanged:
                self.inventory.touch(run_id, unchanged)
            self.inventory.record(run_id, [self._placed(r) for r in fresh], ruleset=self.ruleset)
            for task, error, _ in (o for o in batch if o[1] is not None):
                self.inventory.record_failure(
                    run_id,
                    path=task.path,
                    size=task.size,
                    mtime_ns=task.mtime_ns,
                    error=error or "",
                    place=self._place(task.path, ""),
                    ruleset=self.ruleset,
                )
        except BaseException:
            for result in fresh:
                discard(result.staged)  # not recorded: the next run scans the file again
            raise
        self._count(batch, unchanged, fresh)
        for result in fresh:
            self._fix(run_id, result)

    def _count(self, batch: list[Any], unchanged: list[FileResult], fresh: list[FileResult]) -> None:
        self.totals.unchanged += len(unchanged)
        self.totals.failed += sum(1 for o in batch if o[1] is not None)
        self._statuses[Status.ERROR] += sum(1 for o in batch if o[1] is not None)
        for result in fresh:
            self.totals.failed += bool(result.members) and result.members[0].status == Status.ERROR
            self.totals.scanned += 1
            self.totals.scanned_bytes += result.size
            found = result.findings
            self.totals.findings += len(found)
            self.totals.files_with_findings += bool(found)
            self._statuses[result.members[0].status if result.members else Status.CLEAN] += 1

    def _placed(self, result: FileResult) -> Placed:
        return Placed(result, {m.member: self._place(result.path, m.member) for m in result.members})

    def _place(self, path: str, member: str) -> tuple[str | None, str | None]:
        return self.tenants.place(self._relative.get(path, os.path.basename(path)), member)

    def _fix(self, run_id: int, result: FileResult) -> None:
        if not self.options.fix or not result.findings:
            return
        count = len(result.findings)
        if result.staged is None:
            detail = result.fix_error or "no sanitized version could be produced"
            self.inventory.record_fix(run_id, path=result.path, action="refused", detail=detail, findings_count=count)
            self.totals.refused += 1
            return
        self.inventory.record_fix(
            run_id,
            path=result.path,
            action="pending",
            findings_count=count,
            before_hash=result.hash,
            after_hash=result.staged_hash,
        )
        outcome = apply_fix(
            target=result.path,
            staged=result.staged,
            size=result.size,
            mtime_ns=result.mtime_ns,
            content_hash=result.hash,
            quarantine=self.options.quarantine,
        )
        self.inventory.record_fix(
            run_id,
            path=result.path,
            action=outcome.action,
            detail=outcome.detail,
            findings_count=count,
            before_hash=result.hash,
            after_hash=result.staged_hash,
            size=result.staged_size,
            quarantined_to=outcome.quarantined_to,
        )
        if outcome.action == "rewritten":
            self.totals.rewritten += 1
            self.totals.quarantined += outcome.quarantined_to is not None
        else:
            self.totals.refused += 1

    # -- watchlist -------------------------------------------------------------------------
    def _publish(self) -> int:
        """Send new exposures to the watchlist, earliest first."""
        rows = self.inventory.unpublished_exposures()
        if not rows:
            return 0
        items = []
        for row in rows:
            exposed = row.exposed_at if row.exposed_at.tzinfo else row.exposed_at.replace(tzinfo=UTC)
            finding = Finding(
                kind=row.kind,
                rule=row.rule,
                location=row.location,
                severity=Severity(row.severity),
                fingerprint=row.fingerprint,
                expires_at=row.expires_at,
                links=tuple(sorted(row.links.items())),
            )
            report = Report(source=row.origin, findings=[finding], context=dict(row.context))
            items.extend(
                exposures_from_report(
                    report,
                    source="audit",
                    exposed_at=exposed,
                    tenant=row.tenant or None,
                    case=row.case_ref or None,
                    origin=row.origin,
                )
            )
        watchlist = Watchlist(self.options.watchlist_url or self.inventory.engine)
        try:
            watchlist.add(items)
        finally:
            if self.options.watchlist_url:
                watchlist.engine.dispose()
        self.inventory.mark_published([row.id for row in rows])
        return len(items)
