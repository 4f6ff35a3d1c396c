"""Options shared by several commands, as `Annotated` aliases (options only, nothing else)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["EngineOpt", "FailOn", "FailOnOpt", "FormatOpt", "KeyFileOpt", "PolicyOpt", "ReportFormat", "TextOpt"]


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"


class FailOn(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    none = "none"


PolicyOpt = Annotated[
    Path | None,
    typer.Option("--policy", "-p", help="Policy file (TOML): allow-lists, extra rules, PII on/off.",
                 exists=True, dir_okay=False, envvar="HARGUARD_POLICY"),
]  # fmt: skip
KeyFileOpt = Annotated[
    Path | None,
    typer.Option("--key-file", help="Fingerprint key file (hex). Default: $HARGUARD_KEY, else "
                 "~/.config/harguard/key, created on first use.", dir_okay=False),
]  # fmt: skip
EngineOpt = Annotated[str, typer.Option("--engine", help="Matching engine: auto, hyperscan or python.", hidden=True)]
TextOpt = Annotated[
    bool, typer.Option("--text", help="Inputs are logs or other text (SAML-tracer, JSON lines), not HARs.")
]
FormatOpt = Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")]
FailOnOpt = Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 when a finding has at least this severity.")]
