"""Sites, the rest: the ressourcerie's intakes, items and outflows, purchase orders and the shelf
labels printed belong to a site; abandoned sales, till scans and harvests take their till's or
lot's; a household may be served at one site (its home site). On PostgreSQL, row-level security
now holds every table of a site's records, the lines of a sale, a session, a stocktake or an
item included (seen with their parent)

Revision ID: 0028_sites_everywhere
Revises: 0027_stock_transfers
Create Date: 2026-11-30 19:00:00

"""
import sqlalchemy as sa
from alembic import op

from app.migration_tools import (
    LISTED_SITE_POLICY,
    ONCE_UNSET,
    SITE_MASK_FUNCTION,
    SITE_POLICY,
    SITES,
    UNSET,
    add_site_column,
    change_policy,
    copy_site_from,
    drop_site_column,
    secure_rows,
    sqlite_triggers_set_aside,
    stop_copying_site,
    seen,
    unsecure_rows,
)


# revision identifiers, used by Alembic.
revision = '0028_sites_everywhere'
down_revision = '0027_stock_transfers'
branch_labels = None
depends_on = None

NAMED = ("ressourcerie_intakes", "ressourcerie_items", "ressourcerie_outflows",
         "purchase_orders", "shelf_label_prints")
# table → (the table its site comes from, the column pointing at it)
DERIVED = {
    "abandoned_sales": ("tills", "till_id"),
    "till_scans": ("tills", "till_id"),
    "harvests": ("lots", "lot_id"),
}
# A sale's lines and payments (millions of rows) carry their sale's site: row-level security
# checks their own column (a lookup of each one's sale made a yearly report of 50 sites take
# 98 s instead of 4). Guarded tables: the column is added in place, no table copy.
SALE_ROWS = ("sale_lines", "sale_payments")
# The policies of 0026 and 0027, checked row by row the faster way (``SITE_POLICY``).
EARLIER = ("journal_heads", "journal_entries", "tills", "lots", "receptions", "stocktakes",
           "sales", "stock_movements", "cash_sessions", "print_jobs")
TRANSFERS = f"{ONCE_UNSET} OR {seen('from_site_id')} OR {seen('to_site_id')}"
# A smaller table's row is seen with its parent: table → the parent's visibility (its own
# policy holds the subquery). Unset scope: every row, without the subquery's cost.
THROUGH_PARENT = {
    "sale_flags": "EXISTS (SELECT 1 FROM sales p WHERE p.id = sale_id)",
    "cash_movements": "EXISTS (SELECT 1 FROM cash_sessions p WHERE p.id = session_id)",
    "stocktake_lines": "EXISTS (SELECT 1 FROM stocktakes p WHERE p.id = stocktake_id)",
    "purchase_order_lines": "EXISTS (SELECT 1 FROM purchase_orders p WHERE p.id = order_id)",
    "repair_logs": "EXISTS (SELECT 1 FROM ressourcerie_items p WHERE p.id = item_id)",
    "ressourcerie_corrections": (
        "EXISTS (SELECT 1 FROM ressourcerie_intakes p WHERE p.id = intake_id) "
        "OR EXISTS (SELECT 1 FROM ressourcerie_outflows p WHERE p.id = outflow_id)"
    ),
}


def upgrade():
    with sqlite_triggers_set_aside():
        for table in (*NAMED, *DERIVED):
            add_site_column(table, reference=table in NAMED)
        for table in SALE_ROWS:
            op.add_column(table, sa.Column('site_id', sa.Integer(), server_default='1',
                                           nullable=False))
        with op.batch_alter_table('households', schema=None) as batch_op:
            batch_op.add_column(sa.Column('home_site_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f('ix_households_home_site_id'), ['home_site_id'],
                                  unique=False)
            batch_op.create_foreign_key(batch_op.f('fk_households_home_site_id_sites'), 'sites',
                                        ['home_site_id'], ['id'])
    # Every household so far was served at the only site there was.
    op.execute("UPDATE households SET home_site_id = 1")
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite: one site, every row's is the first
    for table in SALE_ROWS:  # the lines and payments of another site's sales (validated
        # records: their guard against changes steps aside for this one copy)
        op.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_change")
        op.execute(f"UPDATE {table} r SET site_id = s.site_id FROM sales s "
                   f"WHERE s.id = r.sale_id AND s.site_id <> 1")
        op.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_change")
    op.execute(SITE_MASK_FUNCTION)
    for table in EARLIER:
        change_policy(table, SITE_POLICY)
    change_policy("audit_entries", f"site_id IS NULL OR {SITE_POLICY}")
    change_policy("stock_transfers", TRANSFERS)
    copied = {**DERIVED, **dict.fromkeys(SALE_ROWS, ("sales", "sale_id"))}
    for table, (source, column) in copied.items():
        copy_site_from(table, source, column)
    for table in (*NAMED, *DERIVED, *SALE_ROWS):
        secure_rows(table, SITE_POLICY)
    for table, parent in THROUGH_PARENT.items():
        secure_rows(table, f"{ONCE_UNSET} OR {parent}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in (*NAMED, *DERIVED, *SALE_ROWS, *THROUGH_PARENT):
            unsecure_rows(table)
        for table, (source, _column) in DERIVED.items():
            stop_copying_site(table, source)
        for table in SALE_ROWS:
            stop_copying_site(table, "sales")
        for table in EARLIER:
            change_policy(table, LISTED_SITE_POLICY)
        change_policy("audit_entries", f"site_id IS NULL OR {LISTED_SITE_POLICY}")
        change_policy("stock_transfers", f"{UNSET} OR from_site_id = ANY ({SITES}) "
                      f"OR to_site_id = ANY ({SITES})")
        op.execute("DROP FUNCTION caisse_site_mask()")
    with sqlite_triggers_set_aside():
        with op.batch_alter_table('households', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('fk_households_home_site_id_sites'),
                                     type_='foreignkey')
            batch_op.drop_index(batch_op.f('ix_households_home_site_id'))
            batch_op.drop_column('home_site_id')
        for table in (*NAMED, *DERIVED):
            drop_site_column(table, reference=table in NAMED)
        for table in SALE_ROWS:
            with op.batch_alter_table(table) as batch_op:  # PostgreSQL: in place; SQLite: a copy
                batch_op.drop_column('site_id')
