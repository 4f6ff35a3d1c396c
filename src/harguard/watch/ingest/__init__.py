"""Ingestors: one per log source, each turning records into the one `events.Event` model.

okta        Okta System Log (NDJSON export, Event Hook bodies, `GET /api/v1/logs`)
entra       Entra sign-in logs (Graph JSON or Log Analytics export)
auth0       Auth0 log stream (JSON array or lines) and `GET /api/v2/logs`
nginx       nginx `combined` access log
nginx-json  nginx JSON access log (`escape=json`) with a fingerprint field
jsonl       generic JSON lines by field mapping (and the edge sensor's OCSF output)
"""

from __future__ import annotations

from collections.abc import Mapping

from ...errors import PolicyError
from ._base import IngestContext, Ingestor
from .auth0 import Auth0Ingestor
from .entra import EntraIngestor
from .files import FileCursor, follow_lines, read_records
from .jsonl import JsonLinesIngestor
from .nginx import NginxCombinedIngestor, NginxJsonIngestor
from .okta import OktaIngestor
from .okta_api import OktaLogPoller

__all__ = [
    "FORMATS",
    "FileCursor",
    "IngestContext",
    "Ingestor",
    "OktaLogPoller",
    "follow_lines",
    "ingestor_for",
    "read_records",
]

FORMATS = ("okta", "entra", "auth0", "nginx", "nginx-json", "jsonl")


def ingestor_for(name: str, *, mapping: Mapping[str, str] | None = None) -> Ingestor:
    """The ingestor for a format name; PolicyError for an unknown one (no guessing)."""
    if mapping and name != "jsonl":
        raise PolicyError("a field mapping applies only to the jsonl format")
    match name:
        case "okta":
            return OktaIngestor()
        case "entra":
            return EntraIngestor()
        case "auth0":
            return Auth0Ingestor()
        case "nginx":
            return NginxCombinedIngestor()
        case "nginx-json":
            return NginxJsonIngestor()
        case "jsonl":
            return JsonLinesIngestor(mapping)
    raise PolicyError(f"unknown log format {name!r}; one of: {', '.join(FORMATS)}")
