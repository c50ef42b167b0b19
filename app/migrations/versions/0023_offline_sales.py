"""Offline sales: a till's offline ticket series (a till row pointing at the till it belongs
to), a sale's time made (when it was made offline), and the flags of the rules such a sale
broke, for an encadrant·e to review

Revision ID: 0023_offline_sales
Revises: 0022_untagged_sales
Create Date: 2026-11-30 13:00:00

``sales`` carries the journal's guard triggers: its column is added in place (``ADD COLUMN``).
"""
import sqlalchemy as sa
from alembic import op

from app.orm import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0023_offline_sales'
down_revision = '0022_untagged_sales'
branch_labels = None
depends_on = None

FLAG_KINDS = ('allowance', 'limits', 'card', 'price', 'stock', 'item', 'total', 'number',
              'session', 'approval', 'clock')


def upgrade():
    with op.batch_alter_table('tills', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offline_of_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_tills_offline_of_id'), ['offline_of_id'])
        batch_op.create_foreign_key(batch_op.f('fk_tills_offline_of_id_tills'), 'tills',
                                    ['offline_of_id'], ['id'])
    op.add_column('sales', sa.Column('made_at', UTCDateTime(), nullable=True))
    op.create_table(
        'sale_flags',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sale_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum(*FLAG_KINDS, name='flag_kind', native_enum=False, length=24),
                  nullable=False),
        sa.Column('message', sa.String(length=300), nullable=False),
        sa.Column('reviewed_at', UTCDateTime(), nullable=True),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'],
                                name=op.f('fk_sale_flags_reviewed_by_id_users')),
        sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_sale_flags_sale_id_sales')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sale_flags')),
    )
    with op.batch_alter_table('sale_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sale_flags_sale_id'), ['sale_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sale_flags_reviewed_at'), ['reviewed_at'],
                              unique=False)


def downgrade():
    op.drop_table('sale_flags')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite drops a column only by copying the table: the guards go and come back.
        for action in ('update', 'delete'):
            op.execute(f'DROP TRIGGER sales_no_{action}')
        with op.batch_alter_table('sales') as batch_op:
            batch_op.drop_column('made_at')
        for action in ('UPDATE', 'DELETE'):
            op.execute(
                f'CREATE TRIGGER sales_no_{action.lower()} BEFORE {action} ON sales '
                "BEGIN SELECT RAISE(ABORT, 'sales: enregistrement validé, ni modifié ni "
                "supprimé'); END")
    else:
        op.drop_column('sales', 'made_at')
    with op.batch_alter_table('tills', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tills_offline_of_id_tills'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_tills_offline_of_id'), type_='unique')
        batch_op.drop_column('offline_of_id')
