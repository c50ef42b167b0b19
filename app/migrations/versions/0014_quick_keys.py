"""Quick keys: products sold without a barcode (the jardin's vegetables, bread, bulk) get a big
button at the till, grouped by category

Revision ID: 0014_quick_keys
Revises: 0013_sessions_and_throttle
Create Date: 2026-11-30 04:10:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014_quick_keys'
down_revision = '0013_sessions_and_throttle'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quick_key', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('quick_key')
