"""Prometheus metrics, in a registry of the app's own (tests build many apps in one process).

Labels are bounded on purpose: finding kinds come from the rule catalogue, rejection reasons
from the error table, routes from the route templates (never raw paths with ids in them).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

__all__ = ["Metrics"]

_SIZE_BUCKETS = (1e4, 1e5, 1e6, 1e7, 5e7, 1e8, 5e8, 2e9)
_TIME_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.uploads = Counter("harguard_gateway_uploads", "Upload requests by outcome.", ["outcome"], registry=r)
        self.files = Counter("harguard_gateway_files_stored", "Sanitized files stored, by kind.", ["kind"], registry=r)
        self.bytes_in = Counter("harguard_gateway_upload_bytes", "Bytes received in accepted uploads.", registry=r)
        self.bytes_out = Counter("harguard_gateway_sanitized_bytes", "Sanitized bytes stored.", registry=r)
        self.findings = Counter("harguard_gateway_findings", "Findings removed, by kind.", ["kind"], registry=r)
        self.rejections = Counter("harguard_gateway_rejections", "Uploads refused, by reason.", ["reason"], registry=r)
        self.upload_seconds = Histogram(
            "harguard_gateway_upload_seconds",
            "Upload latency (receive, sanitize, store).",
            buckets=_TIME_BUCKETS,
            registry=r,
        )
        self.upload_size = Histogram(
            "harguard_gateway_upload_size_bytes", "Upload body sizes.", buckets=_SIZE_BUCKETS, registry=r
        )
        self.requests = Histogram(
            "harguard_gateway_request_seconds",
            "Request latency by route.",
            ["method", "route", "status"],
            buckets=_TIME_BUCKETS,
            registry=r,
        )
        self.alerts = Counter("harguard_gateway_audit_alerts", "Audit alerts raised, by rule.", ["rule"], registry=r)
        self.purged = Counter("harguard_gateway_purged_files", "Files deleted by retention.", registry=r)
        self.in_flight = Gauge("harguard_gateway_uploads_in_flight", "Uploads being processed.", registry=r)

    def render(self) -> bytes:
        return generate_latest(self.registry)
