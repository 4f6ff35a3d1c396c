"""Watch: the exposure watchlist, log ingestion, replay detection, alerts and containment.

    wl = Watchlist("sqlite:///data/harguard.db")
    import_har("capture.har", sanitizer=sanitizer, watchlist=wl, uploaded_at=when, case="CASE-1")
    monitor = Monitor(watchlist=wl, guard=OutboundGuard(sanitizer), dispatcher=dispatcher)
    Feed(monitor, IngestContext(key=key)).ingest_files([Path("okta.ndjson")], ingestor_for("okta"))

The pieces: `events` (one OCSF-aligned model), `watchlist` + `index` (fingerprints only),
`ingest/` (one module per log source), `detectors/` (one hook each), `sinks/` (guarded,
retried, dead-lettered), `playbooks/` (dry-run first), `middleware` (the edge sensor),
`canary` (decoys in sanitized files) and `recovery` (the customer's bundle).
"""

from __future__ import annotations

from .alerts import Alert
from .alertstore import AlertStore
from .canary import CanaryMinter
from .config import WatchConfig
from .detectors import Detector, default_detectors
from .events import Event
from .feed import Feed
from .guard import OutboundGuard
from .index import WatchIndex
from .ingest import IngestContext, ingestor_for
from .intake import import_har, import_report
from .middleware import EdgeSensorMiddleware, Sensor, WSGIEdgeSensor
from .monitor import Monitor
from .watchlist import Exposure, Watchlist, exposures_from_report

__all__ = [
    "Alert",
    "AlertStore",
    "CanaryMinter",
    "Detector",
    "EdgeSensorMiddleware",
    "Event",
    "Exposure",
    "Feed",
    "IngestContext",
    "Monitor",
    "OutboundGuard",
    "Sensor",
    "WSGIEdgeSensor",
    "WatchConfig",
    "WatchIndex",
    "Watchlist",
    "default_detectors",
    "exposures_from_report",
    "import_har",
    "import_report",
    "ingestor_for",
]
