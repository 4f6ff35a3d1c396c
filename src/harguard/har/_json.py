"""JSON parsing and serialisation: orjson when installed, the standard library otherwise.

Both backends accept and produce the same documents (strict JSON: no NaN or Infinity), so the
rest of harguard never knows which one ran. The cyclic garbage collector is frozen while a large
document is built: on CPython 3.11 millions of new small objects otherwise trigger repeated full
collections, which costs more than the parse itself.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - exercised by the pure-Python test run
    orjson = None  # type: ignore[assignment]

__all__ = ["HAVE_ORJSON", "STD_DECODER", "JSONSyntaxError", "dumps", "gc_paused", "loads", "use_backend"]

HAVE_ORJSON = orjson is not None
_default = "orjson" if HAVE_ORJSON else "std"


def use_backend(name: str) -> str:
    """Choose the default backend ("orjson" or "std"); returns the previous one. For tests and
    for runtimes such as Pyodide, where only the standard library may be wanted."""
    global _default
    if name not in ("orjson", "std") or (name == "orjson" and not HAVE_ORJSON):
        raise ValueError(f"JSON backend {name!r} is not available")
    previous, _default = _default, name
    return previous


class JSONSyntaxError(ValueError):
    """Why a parse failed, as a position and a short reason that never quotes the input."""

    def __init__(self, reason: str, position: int) -> None:
        super().__init__(f"{reason} at byte {position}")
        self.reason = reason
        self.position = position


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector while many objects are created (see module docstring)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _reject_constant(name: str) -> Any:
    raise ValueError("NaN and Infinity are not JSON")


STD_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _loads_std(text: str) -> Any:
    try:
        return STD_DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise JSONSyntaxError(exc.msg, exc.pos) from None
    except RecursionError:
        raise JSONSyntaxError("recursion limit exceeded", -1) from None
    except ValueError:
        raise JSONSyntaxError("NaN or Infinity is not JSON", -1) from None


def loads(data: bytes | str, *, backend: str | None = None) -> Any:
    """Parse JSON text; raise JSONSyntaxError (never quoting the input) when it is not JSON."""
    use_orjson = (backend or _default) == "orjson"
    if use_orjson:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            message = str(exc.msg)
            if "surrogate" in message and "UTF-8" not in message:
                # A lone \\uD800-style escape: legal JSON that orjson refuses and the standard library keeps.
                text = data.decode("utf-8") if isinstance(data, bytes) else data
                return _loads_std(text)
            if "depth" in message or "recursion" in message:
                raise JSONSyntaxError("recursion limit exceeded", exc.pos) from None
            if "UTF-8" in message:
                raise JSONSyntaxError("invalid UTF-8", exc.pos) from None
            raise JSONSyntaxError(message.split(":")[0], exc.pos) from None
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return _loads_std(text)


def dumps(obj: Any, *, indent: bool = False, backend: str | None = None) -> bytes:
    """Serialise to UTF-8 JSON bytes (non-ASCII kept as UTF-8, no escaping of '/')."""
    use_orjson = (backend or _default) == "orjson"
    if use_orjson:
        try:
            return orjson.dumps(obj, option=orjson.OPT_INDENT_2 if indent else 0)
        except TypeError:
            pass  # integers beyond 64 bits: fall through to the standard library
    text = json.dumps(
        obj,
        ensure_ascii=False,
        allow_nan=False,
        indent=2 if indent else None,
        separators=(",", ": ") if indent else (",", ":"),
    )
    return text.encode("utf-8", "surrogatepass")


def dumps_str(obj: Any, *, indent: bool = False, backend: str | None = None) -> str:
    """Serialise to a str, for JSON that lives inside another string (a HAR body)."""
    return dumps(obj, indent=indent, backend=backend).decode("utf-8", "surrogatepass")
