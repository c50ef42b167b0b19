"""Sessions and login throttling: a per-user session version (logout and credential changes end
every session of the account), and an index to count failed logins per client address

Revision ID: 0013_sessions_and_throttle
Revises: 0012_journal_guards
Create Date: 2026-11-30 03:10:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013_sessions_and_throttle'
down_revision = '0012_journal_guards'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0',
                                      nullable=False))
    op.create_index('ix_audit_entries_remote_addr_at', 'audit_entries', ['remote_addr', 'at'])


def downgrade():
    op.drop_index('ix_audit_entries_remote_addr_at', table_name='audit_entries')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
