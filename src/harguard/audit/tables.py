"""The inventory's tables (SQLAlchemy Core): runs, files, findings, exposures and fix actions.

Rows hold paths, kinds, locations, line numbers, keyed fingerprints and keyed content hashes,
never a value. `files` has one row per stored file (member '') and one per archive member;
`findings` belong to a file row and are `open` until a fix removes them (`fixed`), so the
inventory keeps what was found even after the store is clean. `exposures` holds one row per
credential and tenant/case with the earliest time a stored file exposed it; the watchlist is
filled from it. Nullable tenant/case are stored as '' so unique constraints hold (NULLs never
collide in a unique index).
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["actions", "audit_metadata", "exposures", "files", "findings", "runs"]

audit_metadata = sa.MetaData()

runs = sa.Table(
    "audit_runs",
    audit_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),  # running | completed | interrupted
    sa.Column("key_id", sa.String(32), nullable=False),
    sa.Column("ruleset", sa.String(32), nullable=False),
    sa.Column("tool_version", sa.String(32), nullable=False),
    sa.Column("roots", sa.JSON, nullable=False),
    sa.Column("options", sa.JSON, nullable=False),
    sa.Column("counts", sa.JSON, nullable=False),
)

files = sa.Table(
    "audit_files",
    audit_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ident", sa.String(64), nullable=False, unique=True),  # sha256(path NUL member)
    sa.Column("parent", sa.String(64), nullable=False, index=True),  # ident of the stored file
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("member", sa.Text, nullable=False, default=""),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("mtime", sa.Float, nullable=True),  # epoch seconds; a member's own time in its archive
    sa.Column("mtime_ns", sa.BigInteger, nullable=True),  # stored files only: incremental runs
    sa.Column("hash", sa.String(64), nullable=True),  # keyed content hash, stored files only
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("error", sa.String(64), nullable=True),
    sa.Column("message", sa.Text, nullable=True),
    sa.Column("findings", sa.Integer, nullable=False, default=0),
    sa.Column("max_severity", sa.String(16), nullable=True),
    sa.Column("tenant", sa.String(128), nullable=False, default=""),
    sa.Column("case_ref", sa.String(128), nullable=False, default=""),
    sa.Column("ruleset", sa.String(32), nullable=False),
    sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_run", sa.Integer, nullable=False, index=True),
)

findings = sa.Table(
    "audit_findings",
    audit_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("file_id", sa.Integer, sa.ForeignKey("audit_files.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("rule", sa.String(128), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False, index=True),
    sa.Column("location", sa.Text, nullable=False),
    sa.Column("line", sa.Integer, nullable=True),
    sa.Column("state", sa.String(8), nullable=False),  # open | fixed
    sa.Column("run_id", sa.Integer, nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=True),
)

exposures = sa.Table(
    "audit_exposures",
    audit_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("tenant", sa.String(128), nullable=False, default=""),
    sa.Column("case_ref", sa.String(128), nullable=False, default=""),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("rule", sa.String(128), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("location", sa.Text, nullable=False),
    sa.Column("exposed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=True),
    sa.Column("links", sa.JSON, nullable=False),
    sa.Column("context", sa.JSON, nullable=False),
    sa.Column("published", sa.Boolean, nullable=False, default=False),
    sa.UniqueConstraint("fingerprint", "tenant", "case_ref", name="uq_audit_exposure"),
)

actions = sa.Table(
    "audit_actions",
    audit_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("file_ident", sa.String(64), nullable=False, index=True),
    sa.Column("action", sa.String(16), nullable=False),  # pending | rewritten | refused | abandoned
    sa.Column("detail", sa.Text, nullable=False, default=""),
    sa.Column("findings", sa.Integer, nullable=False, default=0),
    sa.Column("before_hash", sa.String(64), nullable=True),
    sa.Column("after_hash", sa.String(64), nullable=True),
    sa.Column("quarantined_to", sa.Text, nullable=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)
