"""Exit codes and the one table that maps errors to them (subclasses before parents)."""

from __future__ import annotations

from enum import IntEnum

from .. import errors

__all__ = ["ERROR_EXIT_CODES", "ExitCode", "describe", "exit_code_for"]


class ExitCode(IntEnum):
    """What scripts and CI can rely on; documented in the README."""

    OK = 0
    FINDINGS = 1  # scan/audit: findings at or above --fail-on
    USAGE = 2  # bad command line (typer's own code)
    INPUT = 3  # bad input, not more specific
    NOT_JSON = 4
    TRUNCATED = 5
    ENCODING = 6
    NOT_HAR = 7
    LIMIT = 8  # size, depth, string length, entries, zip bomb
    POLICY = 9  # bad policy, settings, rule or key file
    RESIDUAL = 10  # output refused: a critical secret would have survived
    IO = 11  # cannot read or write a file
    STORE = 12
    DELIVERY = 13
    INTERNAL = 70


ERROR_EXIT_CODES: tuple[tuple[type[BaseException], ExitCode], ...] = (
    (errors.NotJSONError, ExitCode.NOT_JSON),
    (errors.TruncatedError, ExitCode.TRUNCATED),
    (errors.EncodingError, ExitCode.ENCODING),
    (errors.NotHARError, ExitCode.NOT_HAR),
    (errors.LimitExceededError, ExitCode.LIMIT),
    (errors.InputError, ExitCode.INPUT),
    (errors.PolicyError, ExitCode.POLICY),
    (errors.ResidualLeakError, ExitCode.RESIDUAL),
    (errors.NotFoundError, ExitCode.STORE),
    (errors.StoreError, ExitCode.STORE),
    (errors.DeliveryError, ExitCode.DELIVERY),
    (OSError, ExitCode.IO),
)


def exit_code_for(exc: BaseException) -> ExitCode:
    for cls, code in ERROR_EXIT_CODES:
        if isinstance(exc, cls):
            return code
    return ExitCode.INTERNAL


def describe(exc: BaseException, *, text_mode: bool = False) -> str:
    """The one-line message for a failed input: what went wrong and, where it helps, what to do."""
    if isinstance(exc, OSError):
        return f"{exc.filename}: {exc.strerror or type(exc).__name__}"
    message = str(exc)
    if isinstance(exc, errors.NotHARError) and not text_mode:
        message += "; for other JSON captures and logs use --text"
    return message
