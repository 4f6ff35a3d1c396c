"""Reports: the manifest model and its renderers (JSON, SARIF, table)."""

from .manifest import Report

__all__ = ["Report"]
