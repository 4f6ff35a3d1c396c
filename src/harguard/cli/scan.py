"""`harguard scan`: report what `sanitize` would remove, and fail CI when it matters."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import HarguardError
from ..har.load import ZIP_MAGIC, decode_utf8, unpack
from ..har.write import atomic_output
from ..report.manifest import Report
from ..report.render import render_json, render_sarif, summary_table
from ..types import Severity
from ._common import build_sanitizer
from ._errors import ExitCode, describe, exit_code_for
from ._options import EngineOpt, FailOn, FailOnOpt, FormatOpt, KeyFileOpt, PolicyOpt, ReportFormat, TextOpt
from ._output import console, error

EXAMPLES = """
Examples:

  harguard scan capture.har
  harguard scan *.har --format sarif -o results.sarif --fail-on critical
  harguard scan capture.har --format json | jq .summary
"""


def scan_command(
    inputs: Annotated[list[str], typer.Argument(help="HAR files (.har, .har.gz, .zip); '-' for stdin.")],
    report_format: FormatOpt = ReportFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    fail_on: FailOnOpt = FailOn.high,
    policy: PolicyOpt = None,
    key_file: KeyFileOpt = None,
    text: TextOpt = False,
    engine: EngineOpt = "auto",
) -> None:
    """Report every credential and piece of PII (kind, location, fingerprint; never values).

    Exit code 1 when a finding is at or above --fail-on; input errors have their own codes.
    """
    sanitizer = build_sanitizer(policy=policy, key_file=key_file, engine=engine)
    reports: list[Report] = []
    worst = ExitCode.OK
    for name in inputs:
        try:
            label = "stdin" if name == "-" else name
            if name != "-" and not text and not _is_zip(Path(name)):
                reports.append(sanitizer.scan(Path(name), name=label))  # streamed from disk
                continue
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            # Archives are scanned member by member; each member gets its own report.
            for member_name, member in unpack(data, name=label, limits=sanitizer.load_limits):
                if text:
                    reports.append(sanitizer.sanitize_text(decode_utf8(member, name=member_name), name=member_name)[1])
                else:
                    reports.append(sanitizer.scan(member, name=member_name))
        except (HarguardError, OSError) as exc:
            worst = exit_code_for(exc) if worst == ExitCode.OK else worst
            error(describe(exc, text_mode=text))
    if report_format == ReportFormat.table:
        if reports:
            console.print(summary_table(reports, title="scan"))
    else:
        rendered = render_sarif(reports) if report_format == ReportFormat.sarif else render_json(reports)
        if output is not None:
            with atomic_output(output) as handle:
                handle.write(rendered)
        else:
            sys.stdout.buffer.write(rendered)
    if worst == ExitCode.OK and fail_on != FailOn.none:
        threshold = Severity(fail_on.value)
        if any(r.at_least(threshold) for r in reports):
            worst = ExitCode.FINDINGS
    raise typer.Exit(int(worst))


def _is_zip(path: Path) -> bool:
    with path.open("rb") as probe:  # an unreadable file fails here, as an I/O error
        return probe.read(4).startswith(ZIP_MAGIC)
