"""Site of every stock and till record: receptions, lots and stocktakes name their site (the
first for everything recorded before); cash sessions, print jobs and sales take their till's,
stock movements their lot's — on PostgreSQL the database itself writes those (a trigger
before insert), so they can never disagree

Revision ID: 0025_site_records
Revises: 0024_sites
Create Date: 2026-11-30 16:00:00

``sales`` and ``stock_movements`` carry guard triggers: their column is added in place.
"""
import sqlalchemy as sa
from alembic import op

from app.migration_tools import (
    add_site_column,
    copy_site_from,
    drop_site_column,
    sqlite_triggers_set_aside,
    stop_copying_site,
)


# revision identifiers, used by Alembic.
revision = '0025_site_records'
down_revision = '0024_sites'
branch_labels = None
depends_on = None

NAMED = ("receptions", "lots", "stocktakes")  # the site is said when the record is made
# table → (the table its site comes from, the column pointing at it)
DERIVED = {
    "cash_sessions": ("tills", "till_id"),
    "print_jobs": ("tills", "till_id"),
    "sales": ("tills", "till_id"),
    "stock_movements": ("lots", "lot_id"),
}
IN_PLACE = ("sales", "stock_movements")  # guarded by triggers: no table copy


def upgrade():
    with sqlite_triggers_set_aside():
        for table in NAMED + tuple(t for t in DERIVED if t not in IN_PLACE):
            add_site_column(table, reference=table in NAMED)
        for table in IN_PLACE:
            op.add_column(table, sa.Column('site_id', sa.Integer(), server_default='1',
                                           nullable=False))
            op.create_index(op.f(f'ix_{table}_site_id'), table, ['site_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for table, (source, column) in DERIVED.items():
            copy_site_from(table, source, column)
        # A lot received in a reception is at the reception's site.
        op.execute("""CREATE FUNCTION lots_site_of_receptions() RETURNS trigger AS $$
            BEGIN
                IF NEW.reception_id IS NOT NULL THEN
                    NEW.site_id := (SELECT site_id FROM receptions WHERE id = NEW.reception_id);
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql""")
        op.execute("CREATE TRIGGER lots_site BEFORE INSERT ON lots FOR EACH ROW "
                   "EXECUTE FUNCTION lots_site_of_receptions()")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER lots_site ON lots")
        op.execute("DROP FUNCTION lots_site_of_receptions()")
        for table, (source, _column) in DERIVED.items():
            stop_copying_site(table, source)
    with sqlite_triggers_set_aside():
        for table in IN_PLACE:
            op.drop_index(op.f(f'ix_{table}_site_id'), table_name=table)
            with op.batch_alter_table(table) as batch_op:  # PostgreSQL: in place; SQLite: a copy
                batch_op.drop_column('site_id')
        for table in NAMED + tuple(t for t in DERIVED if t not in IN_PLACE):
            drop_site_column(table, reference=table in NAMED)
