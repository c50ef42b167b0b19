"""A till stands at a sales point of the ressourcerie (reports by point)

Revision ID: 0021_till_points
Revises: 0020_ressourcerie_origins
Create Date: 2026-11-30 12:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021_till_points'
down_revision = '0020_ressourcerie_origins'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tills', schema=None) as batch_op:
        batch_op.add_column(sa.Column('point_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_tills_point_id_ressourcerie_choices'),
                                    'ressourcerie_choices', ['point_id'], ['id'])


def downgrade():
    with op.batch_alter_table('tills', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tills_point_id_ressourcerie_choices'),
                                 type_='foreignkey')
        batch_op.drop_column('point_id')
