"""Where the CLI writes: data to stdout, everything for people (progress, errors) to stderr."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

__all__ = ["console", "error", "warning"]

console = Console(stderr=True, highlight=False)


def error(message: str) -> None:
    console.print(f"[bold red]error:[/] {escape(message)}", markup=True, soft_wrap=True)


def warning(message: str) -> None:
    console.print(f"[yellow]warning:[/] {escape(message)}", markup=True, soft_wrap=True)
