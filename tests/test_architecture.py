"""Dependencies point one way: har ← decode ← detect ← redact ← pipeline ← the features.

Checked on the source with `ast`, as STYLE.md asks: a feature package (gateway, audit, watch,
cli) may use the core, the core never imports a feature, and each core stage imports only the
stages before it (plus the shared root modules: errors, types, keynames, policy, _version).
`report` (the findings model and its renderers) sits just before the pipeline that fills it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "harguard"
ORDER = ["har", "decode", "detect", "redact", "report", "pipeline"]
FEATURES = {"cli", "gateway", "audit", "watch"}
SHARED = {"errors", "types", "keynames", "policy", "_version", "settings", "keys"}


def _stage(module: str) -> str:
    return module.replace("/", ".").split(".")[0]


def _imports(path: Path) -> set[str]:
    """harguard-internal modules imported by one file, as dotted paths below the package."""
    here = path.relative_to(PACKAGE).with_suffix("").parts
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[: len(here) - node.level])
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            elif node.module and node.module.startswith("harguard"):
                target = node.module.removeprefix("harguard").lstrip(".")
            else:
                continue
            if target:
                found.add(target)
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("harguard.") for a in node.names if a.name.startswith("harguard."))
    return found


CORE_FILES = sorted(p for p in PACKAGE.rglob("*.py") if _stage(str(p.relative_to(PACKAGE).with_suffix(""))) in ORDER)


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_imports_only_earlier_stages(path: Path) -> None:
    stage = _stage(str(path.relative_to(PACKAGE).with_suffix("")))
    allowed = set(ORDER[: ORDER.index(stage) + 1]) | SHARED
    bad = sorted(m for m in _imports(path) if _stage(m) not in allowed)
    assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


def test_the_core_never_imports_a_feature() -> None:
    offenders = [
        str(path.relative_to(PACKAGE)) for path in CORE_FILES if any(_stage(m) in FEATURES for m in _imports(path))
    ]
    assert not offenders
