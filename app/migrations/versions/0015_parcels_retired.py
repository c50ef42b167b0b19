"""Garden parcels belong to the stock (where a jardin delivery comes from) and can be retired:
a parcel no longer grown is not offered, its deliveries stay in the figures

Revision ID: 0015_parcels_retired
Revises: 0014_quick_keys
Create Date: 2026-11-30 07:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015_parcels_retired'
down_revision = '0014_quick_keys'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('garden_parcels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_active', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('garden_parcels', schema=None) as batch_op:
        batch_op.drop_column('is_active')
