"""`harguard rules`: list the rules, and lint rule files (yours or the built-ins)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ..detect.catalogue import builtin_rules, lint_rules, load_rule_file
from ..errors import PolicyError
from ._errors import ExitCode
from ._output import console, error

rules_app = typer.Typer(help="List and check value rules.", no_args_is_help=True,
                        pretty_exceptions_show_locals=False)  # fmt: skip


@rules_app.command("list")
def list_rules() -> None:
    """The built-in value rules: id, kind, severity, keywords."""
    table = Table(title="value rules", title_justify="left")
    for column in ("id", "kind", "severity", "keywords", "version"):
        table.add_column(column)
    for rule in builtin_rules():
        table.add_row(escape(rule.id), rule.kind, rule.severity.value, escape(", ".join(rule.keywords)), rule.version)
    console.print(table)


@rules_app.command("check")
def check_rules(
    files: Annotated[list[Path] | None, typer.Argument(help="Rule files (TOML); none = the built-ins.")] = None,
) -> None:
    """Lint rules: ids, examples match, negatives don't, keywords cover every match."""
    builtin = builtin_rules()
    problems: list[str] = []
    count = 0
    if not files:
        problems = lint_rules(builtin)
        count = len(builtin)
    else:
        for path in files:
            try:
                rules = load_rule_file(path)
            except PolicyError as exc:
                problems.append(str(exc))
                continue
            count += len(rules)
            problems.extend(f"{path}: {p}" for p in lint_rules(rules, existing=builtin))
    for problem in problems:
        error(problem)
    if problems:
        raise typer.Exit(int(ExitCode.POLICY))
    console.print(f"{count} rules OK")
