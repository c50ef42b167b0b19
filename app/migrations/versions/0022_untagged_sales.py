"""Untagged ressourcerie objects sold by category and weight: a category's price grid and
standard weight; a sale line's category and weight

Revision ID: 0022_untagged_sales
Revises: 0021_till_points
Create Date: 2026-11-30 12:00:00

``sale_lines`` carries the journal's guard triggers (no update, no delete): its columns are
added in place (``ADD COLUMN``), never by a batch copy, which would drop the triggers.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022_untagged_sales'
down_revision = '0021_till_points'
branch_labels = None
depends_on = None

FK = 'fk_sale_lines_item_category_id_item_categories'


def upgrade():
    op.add_column('item_categories', sa.Column('standard_weight_grams', sa.Integer(), nullable=True))
    op.add_column('item_categories', sa.Column('price_grid', sa.JSON(), nullable=True))
    op.add_column('sale_lines', sa.Column('weight_grams', sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':  # SQLite adds a reference only with its column
        op.execute('ALTER TABLE sale_lines ADD COLUMN item_category_id INTEGER '
                   f'CONSTRAINT {FK} REFERENCES item_categories (id)')
    else:
        op.add_column('sale_lines', sa.Column('item_category_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FK, 'sale_lines', 'item_categories', ['item_category_id'], ['id'])
    op.create_index(op.f('ix_sale_lines_item_category_id'), 'sale_lines', ['item_category_id'])


def downgrade():
    op.drop_index(op.f('ix_sale_lines_item_category_id'), table_name='sale_lines')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite drops a referencing column only by copying the table: the guards go, the
        # copy is made, the guards come back (as 0012 made them).
        for action in ('update', 'delete'):
            op.execute(f'DROP TRIGGER sale_lines_no_{action}')
        with op.batch_alter_table('sale_lines') as batch_op:
            batch_op.drop_column('item_category_id')
            batch_op.drop_column('weight_grams')
        for action in ('UPDATE', 'DELETE'):
            op.execute(
                f'CREATE TRIGGER sale_lines_no_{action.lower()} BEFORE {action} ON sale_lines '
                "BEGIN SELECT RAISE(ABORT, 'sale_lines: enregistrement validé, ni modifié ni "
                "supprimé'); END")
    else:
        op.drop_constraint(FK, 'sale_lines', type_='foreignkey')
        op.drop_column('sale_lines', 'item_category_id')
        op.drop_column('sale_lines', 'weight_grams')
    op.drop_column('item_categories', 'price_grid')
    op.drop_column('item_categories', 'standard_weight_grams')
