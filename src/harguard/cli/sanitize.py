"""`harguard sanitize`: write a sanitized copy of each input, or nothing at all."""

from __future__ import annotations

import gzip
import io
import sys
import zipfile
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import HarguardError, NotHARError
from ..har.load import GZIP_MAGIC, ZIP_MAGIC, decode_utf8, unpack
from ..har.write import atomic_output
from ..pipeline import Sanitizer
from ..report.manifest import Report
from ..report.render import render_json, render_sarif, summary_table
from ._common import build_sanitizer
from ._errors import ExitCode, describe, exit_code_for
from ._options import EngineOpt, FormatOpt, KeyFileOpt, PolicyOpt, ReportFormat, TextOpt
from ._output import bytes_progress, console, error

EXAMPLES = """
Examples:

  harguard sanitize capture.har                     # writes capture.sanitized.har
  harguard sanitize capture.har -o clean.har --report report.json
  harguard sanitize a.har b.har.gz bundle.zip -o out/
  cat capture.har | harguard sanitize - -o - > clean.har
"""


def sanitize_command(
    inputs: Annotated[list[str], typer.Argument(help="HAR files (.har, .har.gz, .zip); '-' for stdin.")],
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Output file ('-' for stdout), or a folder for several inputs."),
    ] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Also write the report to this file.")] = None,
    report_format: FormatOpt = ReportFormat.json,
    policy: PolicyOpt = None,
    key_file: KeyFileOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
    text: TextOpt = False,
    engine: EngineOpt = "auto",
) -> None:
    """Remove every credential, session token, secret and piece of PII; keep the HAR valid.

    On any error the input gets no output at all (fail closed) and the exit code says why.
    """
    if len(inputs) > 1 and output == "-":
        raise typer.BadParameter("several inputs cannot all go to stdout", param_hint="--output")
    sanitizer = build_sanitizer(policy=policy, key_file=key_file, engine=engine)
    reports: list[Report] = []
    worst = ExitCode.OK
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=True,
                  disable=quiet or len(inputs) < 2) as progress:  # fmt: skip
        task = progress.add_task("sanitizing", total=len(inputs))
        for name in inputs:
            try:
                destination = _output_for(name, output, several=len(inputs) > 1, text=text)
                sanitize_one = _sanitize_text_one if text else _sanitize_one
                reports.extend(sanitize_one(sanitizer, name, destination))
            except (HarguardError, OSError) as exc:
                code = exit_code_for(exc)
                worst = code if worst == ExitCode.OK else worst
                error(f"{describe(exc, text_mode=text)} (nothing written)")
            progress.advance(task)
    if report is not None and reports:
        with atomic_output(report) as handle:
            handle.write(render_sarif(reports) if report_format == ReportFormat.sarif else render_json(reports))
    if not quiet and reports:
        console.print(summary_table(reports, title="sanitized"))
    raise typer.Exit(int(worst))


def _output_for(name: str, output: str | None, *, several: bool, text: bool = False) -> str:
    if output == "-" or (output is None and name == "-"):
        return "-"
    if output is not None and (several or Path(output).is_dir()):
        Path(output).mkdir(parents=True, exist_ok=True)
        return str(Path(output) / _sanitized_name(Path(name).name if name != "-" else "stdin.har", text=text))
    if output is not None:
        return output
    path = Path(name)
    return str(path.with_name(_sanitized_name(path.name, text=text)))


def _sanitized_name(name: str, *, text: bool = False) -> str:
    for suffix in (".har.gz", ".har", ".zip", ".json", ".gz", ".ndjson", ".jsonl", ".log", ".txt"):
        if name.endswith(suffix):
            return f"{name[: -len(suffix)]}.sanitized{suffix}"
    return f"{name}.sanitized" if text else f"{name}.sanitized.har"


def _sanitize_text_one(sanitizer: Sanitizer, name: str, destination: str) -> list[Report]:
    """A log or other text: the same layers and value rules, no HAR structure."""
    data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    label = "stdin" if name == "-" else name
    (member_name, member), *rest = unpack(data, name=label, limits=sanitizer.load_limits)
    if rest:
        raise NotHARError(f"{label}: an archive; give its members one by one with --text")
    text = decode_utf8(member, name=member_name)
    sanitized, report = sanitizer.sanitize_text(text, name=member_name)
    encoded = sanitized.encode("utf-8")
    if destination == "-":
        sys.stdout.buffer.write(encoded)
        sys.stdout.buffer.flush()
    else:
        with atomic_output(destination) as handle:
            handle.write(gzip.compress(encoded, mtime=0) if destination.endswith(".gz") else encoded)
    return [report]


def _sanitize_one(sanitizer: Sanitizer, name: str, destination: str) -> list[Report]:
    """A file is streamed from disk (plain or gzip), so memory follows the output, not the input;
    a zip is rebuilt member by member; stdin is read whole."""
    source: bytes | Path
    if name == "-":
        source = sys.stdin.buffer.read()
        label, size, head = "stdin", len(source), source[:4]
    else:
        source, label = Path(name), name
        with source.open("rb") as probe:  # an unreadable file fails here, as an I/O error
            head = probe.read(4)
        size = source.stat().st_size
    if head.startswith(ZIP_MAGIC):
        data = source if isinstance(source, bytes) else source.read_bytes()
        return _sanitize_archive(sanitizer, unpack(data, name=label, limits=sanitizer.load_limits), destination)
    if destination == "-":
        result = sanitizer.sanitize(source, name=label)  # buffered: nothing reaches stdout on an error
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
        return [result.report]
    total = 0 if head.startswith(GZIP_MAGIC) else size  # a gzip's expanded size is not known ahead
    with atomic_output(destination) as handle, bytes_progress(label, total) as progress:
        if destination.endswith(".gz"):
            with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as compressed:
                return [sanitizer.sanitize_to(source, compressed, name=label, progress=progress)]  # type: ignore[arg-type]
        return [sanitizer.sanitize_to(source, handle, name=label, progress=progress)]


def _sanitize_archive(sanitizer: Sanitizer, members: list[tuple[str, bytes]], destination: str) -> list[Report]:
    """A zip of HARs becomes a zip of sanitized HARs; one bad member means no archive."""
    buffer = io.BytesIO()
    reports = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member_name, member in members:
            result = sanitizer.sanitize(member, name=member_name)
            archive.writestr(member_name.split(":", 1)[-1], result.data)
            reports.append(result.report)
    if destination == "-":
        sys.stdout.buffer.write(buffer.getvalue())
    else:
        with atomic_output(destination) as handle:
            handle.write(buffer.getvalue())
    return reports
