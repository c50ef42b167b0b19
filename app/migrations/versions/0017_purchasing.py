"""Suppliers and purchase orders: an order's lines with expected prices, and receptions made
against an order (received vs ordered)

Revision ID: 0017_purchasing
Revises: 0016_appointments
Create Date: 2026-11-30 10:00:00

"""
import sqlalchemy as sa
from alembic import op

from app.orm import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0017_purchasing'
down_revision = '0016_appointments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'suppliers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('kind', sa.Enum('banque_alimentaire', 'andes', 'shop', 'producer', 'other',
                                  name='supplier_kind', native_enum=False, length=24),
                  nullable=False),
        sa.Column('contact', sa.String(length=120), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('email', sa.String(length=120), nullable=True),
        sa.Column('notes', sa.String(length=500), nullable=True),
        sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_suppliers')),
        sa.UniqueConstraint('name', name=op.f('uq_suppliers_name')),
    )
    op.create_table(
        'purchase_orders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('supplier_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('draft', 'sent', 'closed', 'cancelled', name='order_status',
                                    native_enum=False, length=24), nullable=False),
        sa.Column('expected_on', sa.Date(), nullable=True),
        sa.Column('note', sa.String(length=300), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('sent_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_purchase_orders_created_by_id_users')),
        sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'],
                                name=op.f('fk_purchase_orders_supplier_id_suppliers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_orders')),
    )
    with op.batch_alter_table('purchase_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_orders_created_at'), ['created_at'])
        batch_op.create_index(batch_op.f('ix_purchase_orders_supplier_id'), ['supplier_id'])
    op.create_table(
        'purchase_order_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('unit_price_cents', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['purchase_orders.id'],
                                name=op.f('fk_purchase_order_lines_order_id_purchase_orders')),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'],
                                name=op.f('fk_purchase_order_lines_product_id_products')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order_lines')),
        sa.UniqueConstraint('order_id', 'product_id',
                            name=op.f('uq_purchase_order_lines_order_id')),
    )
    with op.batch_alter_table('purchase_order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_order_lines_order_id'), ['order_id'])
        batch_op.create_index(batch_op.f('ix_purchase_order_lines_product_id'), ['product_id'])
    with op.batch_alter_table('receptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purchase_order_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_receptions_purchase_order_id'),
                              ['purchase_order_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_receptions_purchase_order_id_purchase_orders'),
            'purchase_orders', ['purchase_order_id'], ['id'])


def downgrade():
    with op.batch_alter_table('receptions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_receptions_purchase_order_id_purchase_orders'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_receptions_purchase_order_id'))
        batch_op.drop_column('purchase_order_id')
    op.drop_table('purchase_order_lines')
    op.drop_table('purchase_orders')
    op.drop_table('suppliers')
