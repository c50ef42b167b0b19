"""Audit lines name the site they concern (none: not one site's — a login, a household); and
row-level security (PostgreSQL): each site-scoped table shows a transaction only the rows of
the sites in ``caisse.sites`` (set by the application for a logged-in person's requests; unset:
every row, for the command line and the print worker). A second guard behind the application's
own filter. SQLite (one site) has nothing to do.

Revision ID: 0026_site_security
Revises: 0025_site_records
Create Date: 2026-11-30 17:00:00

FORCE: the tables' owner (the application's account) is held by the policies too; only a
superuser passes them, so the application must not connect as one (``caisse doctor`` says so).
"""
import sqlalchemy as sa
from alembic import op

from app.migration_tools import LISTED_SITE_POLICY, secure_rows, unsecure_rows


# revision identifiers, used by Alembic.
revision = '0026_site_security'
down_revision = '0025_site_records'
branch_labels = None
depends_on = None

SCOPED = ("journal_heads", "journal_entries", "tills", "lots", "receptions", "stocktakes",
          "sales", "stock_movements", "cash_sessions", "print_jobs")


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_entries_site_id'), ['site_id'], unique=False)
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in (*SCOPED, "audit_entries"):
        shared = "site_id IS NULL OR " if table == "audit_entries" else ""
        secure_rows(table, f"{shared}{LISTED_SITE_POLICY}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _drop_policies()
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_site_id'))
        batch_op.drop_column('site_id')


def _drop_policies():
    for table in (*SCOPED, "audit_entries"):
        unsecure_rows(table)
