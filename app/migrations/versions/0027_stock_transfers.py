"""Stock transfers between sites (sent, in transit, received with differences); on PostgreSQL a
transfer and its lines are seen by its two sites only (row-level security)

Revision ID: 0027_stock_transfers
Revises: 0026_site_security
Create Date: 2026-11-30 18:00:00

"""
import sqlalchemy as sa
from alembic import op

from app.migration_tools import SITES, UNSET, secure_rows
from app.orm import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0027_stock_transfers'
down_revision = '0026_site_security'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stock_transfers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('from_site_id', sa.Integer(), nullable=False),
        sa.Column('to_site_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('in_transit', 'received', name='transfer_status',
                                    native_enum=False, length=24), nullable=False),
        sa.Column('sent_at', UTCDateTime(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=False),
        sa.Column('received_at', UTCDateTime(), nullable=True),
        sa.Column('received_by_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['from_site_id'], ['sites.id'],
                                name=op.f('fk_stock_transfers_from_site_id_sites')),
        sa.ForeignKeyConstraint(['received_by_id'], ['users.id'],
                                name=op.f('fk_stock_transfers_received_by_id_users')),
        sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'],
                                name=op.f('fk_stock_transfers_sent_by_id_users')),
        sa.ForeignKeyConstraint(['to_site_id'], ['sites.id'],
                                name=op.f('fk_stock_transfers_to_site_id_sites')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_transfers')),
    )
    op.create_index(op.f('ix_stock_transfers_from_site_id'), 'stock_transfers', ['from_site_id'])
    op.create_index(op.f('ix_stock_transfers_to_site_id'), 'stock_transfers', ['to_site_id'])
    op.create_table(
        'stock_transfer_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('transfer_id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('source_lot_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('use_by', sa.Date(), nullable=True),
        sa.Column('best_before', sa.Date(), nullable=True),
        sa.Column('reference_value_cents', sa.Integer(), nullable=False),
        sa.Column('received_quantity', sa.Integer(), nullable=True),
        sa.Column('received_lot_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'],
                                name=op.f('fk_stock_transfer_lines_product_id_products')),
        sa.ForeignKeyConstraint(['received_lot_id'], ['lots.id'],
                                name=op.f('fk_stock_transfer_lines_received_lot_id_lots')),
        sa.ForeignKeyConstraint(['source_lot_id'], ['lots.id'],
                                name=op.f('fk_stock_transfer_lines_source_lot_id_lots')),
        sa.ForeignKeyConstraint(['transfer_id'], ['stock_transfers.id'],
                                name=op.f('fk_stock_transfer_lines_transfer_id_stock_transfers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_transfer_lines')),
    )
    op.create_index(op.f('ix_stock_transfer_lines_transfer_id'), 'stock_transfer_lines',
                    ['transfer_id'])
    if op.get_bind().dialect.name == "postgresql":
        secure_rows("stock_transfers", f"{UNSET} OR from_site_id = ANY ({SITES}) "
                    f"OR to_site_id = ANY ({SITES})")
        # A line is seen with its transfer (the subquery is held by the policy above).
        secure_rows("stock_transfer_lines",
                    "EXISTS (SELECT 1 FROM stock_transfers t WHERE t.id = transfer_id)")


def downgrade():
    op.drop_index(op.f('ix_stock_transfer_lines_transfer_id'), table_name='stock_transfer_lines')
    op.drop_table('stock_transfer_lines')
    op.drop_index(op.f('ix_stock_transfers_to_site_id'), table_name='stock_transfers')
    op.drop_index(op.f('ix_stock_transfers_from_site_id'), table_name='stock_transfers')
    op.drop_table('stock_transfers')
