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


def _sqlite_triggers():
    """Every trigger of a SQLite database (name, its SQL): a table copied by batch mode cannot
    be renamed back while another table's trigger names it (the ledger's trigger names lots),
    so they go around the copies and come back unchanged."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return []
    triggers = bind.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    ).all()
    for name, _sql in triggers:
        op.execute(f"DROP TRIGGER {name}")
    return triggers


def _restore(triggers):
    for _name, sql in triggers:
        op.execute(sql)


def upgrade():
    triggers = _sqlite_triggers()
    for table in NAMED + tuple(t for t in DERIVED if t not in IN_PLACE):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('site_id', sa.Integer(), server_default='1',
                                          nullable=False))
            batch_op.create_index(batch_op.f(f'ix_{table}_site_id'), ['site_id'], unique=False)
            if table in NAMED:  # a derived copy needs no reference: its source has one
                batch_op.create_foreign_key(batch_op.f(f'fk_{table}_site_id_sites'), 'sites',
                                            ['site_id'], ['id'])
    for table in IN_PLACE:
        op.add_column(table, sa.Column('site_id', sa.Integer(), server_default='1',
                                       nullable=False))
        op.create_index(op.f(f'ix_{table}_site_id'), table, ['site_id'], unique=False)
    _restore(triggers)
    if op.get_bind().dialect.name == "postgresql":
        for table, (source, column) in DERIVED.items():
            op.execute(f"""CREATE FUNCTION {table}_site_of_{source}() RETURNS trigger AS $$
                BEGIN
                    NEW.site_id := (SELECT site_id FROM {source} WHERE id = NEW.{column});
                    RETURN NEW;
                END $$ LANGUAGE plpgsql""")
            op.execute(f"CREATE TRIGGER {table}_site BEFORE INSERT ON {table} FOR EACH ROW "
                       f"EXECUTE FUNCTION {table}_site_of_{source}()")
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
            op.execute(f"DROP TRIGGER {table}_site ON {table}")
            op.execute(f"DROP FUNCTION {table}_site_of_{source}()")
    triggers = _sqlite_triggers()
    for table in IN_PLACE:
        op.drop_index(op.f(f'ix_{table}_site_id'), table_name=table)
        with op.batch_alter_table(table) as batch_op:  # PostgreSQL: in place; SQLite: a copy
            batch_op.drop_column('site_id')
    for table in NAMED + tuple(t for t in DERIVED if t not in IN_PLACE):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in NAMED:
                batch_op.drop_constraint(batch_op.f(f'fk_{table}_site_id_sites'),
                                         type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_site_id'))
            batch_op.drop_column('site_id')
    _restore(triggers)
