"""Where the CLI writes: data to stdout, everything for people (progress, errors) to stderr."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

__all__ = ["bytes_progress", "console", "error", "warning"]

_BIG = 16 << 20

console = Console(stderr=True, highlight=False)


def error(message: str) -> None:
    console.print(f"[bold red]error:[/] {escape(message)}", markup=True, soft_wrap=True)


def warning(message: str) -> None:
    console.print(f"[yellow]warning:[/] {escape(message)}", markup=True, soft_wrap=True)


@contextmanager
def bytes_progress(label: str, total: int) -> Iterator[Callable[[int], None] | None]:
    """A transient progress bar on stderr for inputs large enough to be worth one."""
    if total < _BIG or not console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
               TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(escape(label), total=total)
        yield lambda done: progress.update(task, completed=done)
