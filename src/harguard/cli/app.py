"""The CLI's composition root: registers the commands; `main()` turns errors into exit codes.

Known errors become one line on stderr and a documented exit code; a traceback appears only
with HARGUARD_DEBUG=1, and even then without local variables (they may hold a secret).
"""

from __future__ import annotations

import os
import sys

import typer

from ..errors import HarguardError
from ._errors import ExitCode, exit_code_for
from ._output import error
from .rules import rules_app
from .sanitize import EXAMPLES as SANITIZE_EXAMPLES
from .sanitize import sanitize_command
from .scan import EXAMPLES as SCAN_EXAMPLES
from .scan import scan_command

__all__ = ["app", "main"]

app = typer.Typer(
    name="harguard",
    help="Keep credentials out of support and troubleshooting data.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    add_completion=False,
)
app.command("sanitize", epilog=SANITIZE_EXAMPLES)(sanitize_command)
app.command("scan", epilog=SCAN_EXAMPLES)(scan_command)
app.add_typer(rules_app, name="rules")


def _register_optional() -> None:
    """Commands whose dependencies are extras (gateway, audit, watch) register if installed; if
    not, the command is still listed and says which extra to install."""
    for command, extra in (("serve", "gateway"), ("audit", "audit"), ("watch", "watch")):
        try:
            module = __import__(f"harguard.cli.{command}", fromlist=["register"])
            module.register(app)
        except ImportError:
            _register_missing(command, extra)


def _register_missing(command: str, extra: str) -> None:
    def missing() -> None:
        error(f"`harguard {command}` needs the {extra} extra: pip install 'harguard[{extra}]'")
        raise typer.Exit(int(ExitCode.USAGE))

    settings = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}
    app.command(command, help=f"(not installed: pip install 'harguard[{extra}]')", context_settings=settings)(missing)


_register_optional()


def main() -> None:
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (HarguardError, OSError) as exc:
        if os.environ.get("HARGUARD_DEBUG") == "1":
            raise
        error(str(exc) if isinstance(exc, HarguardError) else f"{exc.strerror or type(exc).__name__}")
        sys.exit(int(exit_code_for(exc)))
    except KeyboardInterrupt:
        error("interrupted")
        sys.exit(130)
    except Exception as exc:  # usage errors (typer vendors click, so by duck type) and the unexpected
        if callable(getattr(exc, "show", None)) and hasattr(exc, "exit_code"):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(int(ExitCode.USAGE))
        if type(exc).__name__ == "Abort":
            sys.exit(130)
        if os.environ.get("HARGUARD_DEBUG") == "1":
            raise
        error(f"internal error ({type(exc).__name__}); rerun with HARGUARD_DEBUG=1 for details")
        sys.exit(int(ExitCode.INTERNAL))
