"""`harguard audit`: find (and optionally fix) every secret already sitting in support and log stores."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from ..audit.config import AuditConfig
from ..audit.inventory import Inventory, RunInfo
from ..audit.report import build_report, render_csv, render_html, render_json, render_sarif, summary_tables
from ..audit.run import AuditOptions, AuditRun
from ..audit.runners import default_workers
from ..har.write import atomic_output
from ..keys import load_or_create_key
from ..policy import Policy
from ..types import Severity
from ._errors import ExitCode
from ._options import EngineOpt, FailOn, FailOnOpt, KeyFileOpt, PolicyOpt
from ._output import console, warning

__all__ = ["EXAMPLES", "audit_command", "register"]

EXAMPLES = """
Examples:

\b
  harguard audit /srv/support-uploads                       # inventory in ./harguard-audit.db
  harguard audit /srv/support /var/log/app --format html -o audit.html
  harguard audit /srv/support --tenant-pattern '^(?P<tenant>[^/]+)/(?P<case>[^/]+)/'
  harguard audit /srv/support --fix                         # rewrite affected files, no raw copy kept
  harguard audit /srv/support --fix --quarantine /secure/raw    # ... keeping raw copies (mode 0600)
  harguard audit --resume                                   # continue a killed run
  harguard audit /mnt/share --dask tls://scheduler:8786 --db postgresql://audit@db/harguard
  harguard audit --report-only --format sarif -o audit.sarif
"""

DEFAULT_DB = "sqlite:///harguard-audit.db"


class AuditFormat(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"
    csv = "csv"
    html = "html"


_RENDERERS = {
    AuditFormat.json: render_json,
    AuditFormat.sarif: render_sarif,
    AuditFormat.csv: render_csv,
    AuditFormat.html: render_html,
}


def audit_command(
    paths: Annotated[list[str] | None, typer.Argument(help="Folders, files and archives to audit.")] = None,
    db: Annotated[
        str,
        typer.Option("--db", help="Inventory database URL (SQLite or PostgreSQL).", envvar="HARGUARD_AUDIT_DB"),
    ] = DEFAULT_DB,
    watchlist: Annotated[
        str | None, typer.Option("--watchlist", help="Watchlist database URL (default: the inventory's).")
    ] = None,
    report_format: Annotated[AuditFormat, typer.Option("--format", "-f", help="Report format.")] = AuditFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    fix: Annotated[
        bool | None,
        typer.Option(
            "--fix/--no-fix",
            help="Rewrite affected files with their sanitized version. "
            "Off by default (with --resume: as in the resumed run).",
            show_default=False,
        ),
    ] = None,
    quarantine: Annotated[
        Path | None,
        typer.Option(
            "--quarantine",
            help="With --fix: keep a raw copy of each rewritten file here (0600). Off by default.",
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", "-j", min=1, help="Worker processes (default: all cores).")
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option("--dask", help="Run on this Dask scheduler instead.", metavar="SCHEDULER_ADDRESS"),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue the last run that did not finish, with its paths and the options not given again.",
        ),
    ] = False,
    full: Annotated[
        bool | None,
        typer.Option("--full/--no-full", help="Scan every file, even unchanged ones.", show_default=False),
    ] = None,
    tenant_pattern: Annotated[
        str | None,
        typer.Option(
            "--tenant-pattern",
            help="Regex with (?P<tenant>…) and/or (?P<case>…) groups, matched on the path.",
        ),
    ] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Glob of paths to skip (repeatable).")] = None,
    report_only: Annotated[bool, typer.Option("--report-only", help="Report the last run; scan nothing.")] = False,
    fail_on: FailOnOpt = FailOn.high,
    policy: PolicyOpt = None,
    key_file: KeyFileOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    engine: EngineOpt = "auto",
) -> None:
    """Audit stores of HARs, logs and archives: inventory every secret, report it, and fix it on request.

    Exit code 1 when a finding is at or above --fail-on, 3 when some file could not be read at all.
    """
    if not paths and not (resume or report_only):
        raise typer.BadParameter("give at least one path (or --resume, --report-only)", param_hint="PATHS")
    roots = list(paths or [])
    if resume and not report_only:
        previous = _resumed_run(db, required=not roots)
        if previous is not None:  # what is not given again is what the resumed run was started with
            stored = previous.options
            roots = roots or previous.roots
            fix = fix if fix is not None else bool(stored.get("fix"))
            full = full if full is not None else bool(stored.get("full"))
            if quarantine is None and fix and stored.get("quarantine"):
                quarantine = Path(stored["quarantine"])
            tenant_pattern = tenant_pattern if tenant_pattern is not None else stored.get("tenant_pattern")
            exclude = exclude if exclude is not None else list(stored.get("exclude") or [])
    if quarantine is not None and not fix:
        raise typer.BadParameter("--quarantine only makes sense with --fix", param_hint="--quarantine")
    key = load_or_create_key(key_file)
    if report_only:
        _report(db, None, report_format=report_format, output=output, fail_on=fail_on, failed=0)
        return
    config = AuditConfig(key=key, policy=Policy.from_toml(policy) if policy else Policy(), engine=engine)
    options = AuditOptions(
        roots=roots,
        db_url=db,
        watchlist_url=watchlist,
        fix=bool(fix),
        quarantine=quarantine,
        workers=workers or default_workers(),
        dask=dask,
        resume=resume,
        full=bool(full),
        tenant_pattern=tenant_pattern,
        exclude=list(exclude or []),
    )
    if quarantine is not None:
        quarantine.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _AuditProgress(quiet) as progress:
        totals = AuditRun(options, config, progress=progress).execute()
    if totals.staging_removed:
        warning(f"removed {totals.staging_removed} staged copies left by an interrupted fix")
    _report(db, totals.run_id, report_format=report_format, output=output, fail_on=fail_on, failed=totals.failed)


def _resumed_run(db: str, *, required: bool) -> RunInfo | None:
    """The run `--resume` continues (`AuditRun` reopens the same one)."""
    inventory = Inventory(db)
    try:
        previous = inventory.unfinished_run()
    finally:
        inventory.close()
    if previous is None and required:
        raise typer.BadParameter("no unfinished run to resume in this inventory", param_hint="--resume")
    return previous


def _report(
    db: str,
    run_id: int | None,
    *,
    report_format: AuditFormat,
    output: Path | None,
    fail_on: FailOn,
    failed: int,
) -> None:
    inventory = Inventory(db)
    try:
        run_id = run_id if run_id is not None else inventory.last_run()
        if run_id is None:
            raise typer.BadParameter("this inventory holds no run yet", param_hint="--db")
        report = build_report(inventory, run_id)
    finally:
        inventory.close()
    if report_format == AuditFormat.table:
        console.print(summary_tables(report))
    else:
        rendered = _RENDERERS[report_format](report)
        if output is not None:
            with atomic_output(output) as handle:
                handle.write(rendered)
        else:
            sys.stdout.buffer.write(rendered)
            sys.stdout.buffer.flush()
    code = ExitCode.OK
    if fail_on != FailOn.none and report.at_least(Severity(fail_on.value)):
        code = ExitCode.FINDINGS
    elif failed or report.totals.get("failed"):
        code = ExitCode.INPUT
    raise typer.Exit(int(code))


class _AuditProgress:
    """A transient progress bar on stderr (bytes, with files counted beside it)."""

    def __init__(self, quiet: bool) -> None:
        files = TextColumn("{task.fields[done]}/{task.fields[count]} files")
        columns = (TextColumn("auditing"), BarColumn(), files, DownloadColumn(), TimeRemainingColumn())
        self.bar = Progress(*columns, console=console, transient=True, disable=quiet)
        self.task = self.bar.add_task("audit", total=None, done=0, count="?")

    def __enter__(self) -> _AuditProgress:
        self.bar.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.bar.stop()

    def __call__(self, event: str, count: int, size: int) -> None:
        if event == "start":
            self.bar.update(self.task, total=max(size, 1), completed=0, count=count)
            return
        done = int(self.bar.tasks[0].fields["done"]) + count
        self.bar.update(self.task, advance=size, done=done)


def register(app: typer.Typer) -> None:
    app.command("audit", epilog=EXAMPLES)(audit_command)
