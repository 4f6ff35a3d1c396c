"""What a rule's pattern tells before any text is scanned: its width and its anchor keyword."""

from __future__ import annotations

import re
import re._parser as sre_parse  # type: ignore[import-not-found]

from .catalogue import Rule

__all__ = ["anchor", "width"]

_MAX_WINDOW = 65536


def _leading_literal(pattern: str) -> str:
    """The literal text every match of `pattern` starts with ('' if there is none)."""
    out: list[str] = []

    def walk(items: object) -> bool:
        for op, arg in items:  # type: ignore[attr-defined]
            name = str(op)
            if name in ("AT", "ASSERT", "ASSERT_NOT") and not out:
                continue
            if name == "SUBPATTERN":
                if not walk(arg[3]):
                    return False
                continue
            if name == "LITERAL":
                out.append(chr(arg))
                continue
            return False
        return True

    try:
        walk(sre_parse.parse(pattern, re.ASCII))
    except re.error:
        return ""
    return "".join(out)


def anchor(rule: Rule) -> tuple[str, int] | None:
    """A keyword every match contains at a bounded distance from its start, and that distance.

    When the pattern's top-level items before a literal keyword have a bounded width (`\\b`,
    a scheme of up to 21 characters before `://`), a match can only begin within that many
    characters before a sighting: a few anchored attempts replace a scan of a wide window.
    """
    try:
        items = list(sre_parse.parse(rule.pattern, re.ASCII))
    except re.error:
        return None
    while len(items) == 1 and str(items[0][0]) == "SUBPATTERN":
        items = list(items[0][1][3])
    offset = 0
    for index, (op, arg) in enumerate(items):
        if str(op) == "LITERAL":
            literal = _literal_prefix(items[index:]).lower()
            for keyword in sorted(rule.keywords, key=len, reverse=True):
                if literal.startswith(keyword):
                    return keyword, offset
        if str(op) == "SUBPATTERN" and offset == 0:
            lead = _leading_literal(rule.pattern).lower()
            for keyword in sorted(rule.keywords, key=len, reverse=True):
                if lead.startswith(keyword):
                    return keyword, 0
            return None
        high = sre_parse.SubPattern(sre_parse.State(), [(op, arg)]).getwidth()[1]
        offset += int(high)
        if offset > 64:
            return None
    return None


def _literal_prefix(items: list[tuple[object, object]]) -> str:
    out = []
    for op, arg in items:
        if str(op) != "LITERAL":
            break
        out.append(chr(arg))  # type: ignore[arg-type]
    return "".join(out)


def width(rule: Rule) -> int:
    """The longest text a rule can match (capped), which sizes its search windows."""
    try:
        high = sre_parse.parse(rule.pattern, re.ASCII).getwidth()[1]
    except (re.error, OverflowError):
        return _MAX_WINDOW
    return min(int(high), _MAX_WINDOW)
