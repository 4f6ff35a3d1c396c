"""Audit: find, inventory and (on request) fix every secret already sitting in support and log stores.

    from harguard.audit import AuditConfig, AuditOptions, AuditRun
    totals = AuditRun(AuditOptions(roots=["/srv/support"], db_url="sqlite:///audit.db", workers=8),
                      AuditConfig(key=key)).execute()

`stores/` walks folders and opens archives within limits, `scanner.audit_file` audits one
stored file (the function both runners map), `inventory` records files, findings, exposures and
fixes, `fix` swaps sanitized copies in atomically, and `report/` renders one run.
"""

from .config import AuditConfig
from .inventory import Inventory
from .report import build_report
from .run import AuditOptions, AuditRun, AuditTotals
from .scanner import audit_file
from .stores import ArchiveLimits

__all__ = [
    "ArchiveLimits",
    "AuditConfig",
    "AuditOptions",
    "AuditRun",
    "AuditTotals",
    "Inventory",
    "audit_file",
    "build_report",
]
