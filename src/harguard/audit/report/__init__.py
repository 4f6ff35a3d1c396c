"""Audit reports: one run's view of the inventory, rendered as a table, JSON, CSV, SARIF or HTML."""

from .formats import render_csv, render_json, render_sarif
from .html import render_html
from .model import AuditReport, build_report
from .table import summary_tables

__all__ = [
    "AuditReport",
    "build_report",
    "render_csv",
    "render_html",
    "render_json",
    "render_sarif",
    "summary_tables",
]
