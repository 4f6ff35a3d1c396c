"""Process logging for the gateway: one line per event on stderr, and no exception messages.

An unexpected exception's message may quote the data it choked on (a `KeyError` names its key,
a parser quotes its input), so tracebacks are logged with their frames (file, line, function,
source line: all code, never data) and the exception's type only.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

__all__ = ["SafeFormatter", "configure_logging"]

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class SafeFormatter(logging.Formatter):
    def formatException(self, ei: ExcInfo) -> str:  # noqa: N802 (logging's name)
        kind, _, tb = ei
        frames = "".join(traceback.format_tb(tb)) if tb is not None else ""
        name = kind.__name__ if kind is not None else "Exception"
        return f"Traceback (most recent call last):\n{frames}{name} (message withheld: it may quote input)"


def configure_logging(level: str) -> None:
    """Everything (harguard and uvicorn) through one stderr handler with the safe formatter."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
