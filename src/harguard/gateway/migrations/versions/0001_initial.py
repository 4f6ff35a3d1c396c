"""Initial schema: tenants, users, tokens, sessions, cases, files, findings, audit, watchlist.

Revision ID: 0001
Revises:
Create Date: 2026-11-29

The watchlist tables mirror `harguard.watch.watchlist.watchlist_metadata` as it was at this
revision; tests/gateway/test_migrations.py compares the migrated schema with the metadata, so a
column added there without a migration here fails the build instead of failing in production.
The audit log is made append-only by triggers (PostgreSQL and SQLite both refuse UPDATE and
DELETE on it), so not even a bug in the gateway can rewrite history.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _id(name: str = "id") -> sa.Column[object]:
    return sa.Column(name, sa.String(32), nullable=False)


def upgrade() -> None:
    op.create_table(
        "orgs",
        _id(),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_orgs"),
        sa.UniqueConstraint("slug", name="uq_orgs_slug"),
    )
    op.create_table(
        "users",
        _id(),
        sa.Column("username", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("org_id", sa.String(32), nullable=True),
        sa.Column("password_hash", sa.String(256), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("created_at"),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_users_org_id_orgs", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_index("ix_users_org_id", "users", ["org_id"])
    op.create_table(
        "assignments",
        _id("user_id"),
        _id("org_id"),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_assignments_org_id_orgs", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_assignments_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "org_id", name="pk_assignments"),
    )
    op.create_table(
        "api_tokens",
        _id(),
        _id("user_id"),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        _at("created_at"),
        _at("expires_at", True),
        _at("last_used_at", True),
        _at("revoked_at", True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_api_tokens_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        _id("user_id"),
        _at("created_at"),
        _at("expires_at"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_web_sessions_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "cases",
        _id(),
        _id("org_id"),
        sa.Column("ref", sa.String(64), nullable=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=True),
        _at("created_at"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_cases_created_by_users", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_cases_org_id_orgs", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.UniqueConstraint("org_id", "ref", name="uq_cases_org_id"),
    )
    op.create_index("ix_cases_org_id", "cases", ["org_id"])
    _files()
    _audit()
    _watchlist()


def _files() -> None:
    op.create_table(
        "files",
        _id(),
        _id("org_id"),
        _id("case_id"),
        _id("upload_id"),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("blob_id", sa.String(64), nullable=False),
        sa.Column("input_bytes", sa.BigInteger(), nullable=False),
        sa.Column("output_bytes", sa.BigInteger(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("findings_count", sa.Integer(), nullable=False),
        sa.Column("unique_secrets", sa.Integer(), nullable=False),
        sa.Column("findings_truncated", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("engine", sa.String(32), nullable=False),
        sa.Column("uploaded_by", sa.String(32), nullable=True),
        _at("created_at"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_files_case_id_cases", ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_files_org_id_orgs", ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["uploaded_by"], ["users.id"], name="fk_files_uploaded_by_users", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_files"),
        sa.UniqueConstraint("blob_id", name="uq_files_blob_id"),
    )
    for column in ("case_id", "created_at", "org_id", "upload_id"):
        op.create_index(f"ix_files_{column}", "files", [column])
    op.create_table(
        "findings",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        _id("file_id"),
        _id("org_id"),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(128), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        _at("expires_at", True),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"], name="fk_findings_file_id_files", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
    )
    for column in ("file_id", "fingerprint", "org_id"):
        op.create_index(f"ix_findings_{column}", "findings", [column])


def _audit() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        _at("at"),
        sa.Column("actor_id", sa.String(32), nullable=True),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=True),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("org_id", sa.String(32), nullable=True),
        sa.Column("object_type", sa.String(16), nullable=True),
        sa.Column("object_id", sa.String(64), nullable=True),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("user_agent", sa.String(256), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    op.create_index("ix_audit_log_actor_at", "audit_log", ["actor_id", "at"])
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_org_id", "audit_log", ["org_id"])
    op.create_table(
        "audit_alerts",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        _at("at"),
        sa.Column("rule", sa.String(48), nullable=False),
        sa.Column("actor_id", sa.String(32), nullable=True),
        sa.Column("actor", sa.String(128), nullable=False),
        _at("window_start"),
        _at("window_end"),
        sa.Column("org_count", sa.Integer(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_alerts"),
    )
    op.create_index("ix_audit_alerts_actor_id", "audit_alerts", ["actor_id"])
    op.create_index("ix_audit_alerts_at", "audit_alerts", ["at"])
    _append_only("audit_log")


def _append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION harguard_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION harguard_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION harguard_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )


def _watchlist() -> None:
    op.create_table(
        "watchlist",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("tenant", sa.String(128), nullable=True),
        sa.Column("case_ref", sa.String(128), nullable=True),
        sa.Column("origin", sa.String(512), nullable=True),
        _at("exposed_at"),
        _at("expires_at", True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fingerprint", "tenant", "case_ref", "source", name="uq_watchlist_exposure"),
    )
    op.create_index("ix_watchlist_fingerprint", "watchlist", ["fingerprint"])
    op.create_index("ix_watchlist_tenant", "watchlist", ["tenant"])
    op.create_table(
        "watchlist_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("exposure_id", sa.Integer(), nullable=False),
        sa.Column("claim", sa.String(32), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["exposure_id"], ["watchlist.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_watchlist_links_fingerprint", "watchlist_links", ["fingerprint"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS harguard_append_only()")
    for table in (
        "watchlist_links",
        "watchlist",
        "audit_alerts",
        "audit_log",
        "findings",
        "files",
        "cases",
        "web_sessions",
        "api_tokens",
        "assignments",
        "users",
        "orgs",
    ):
        op.drop_table(table)
