"""Journal guards: each period closed once (a unique closure index), and validated records
(journal entries, sales, their lines and payments, cash movements) refuse UPDATE and DELETE in
the database itself, as the stock ledger does

Revision ID: 0012_journal_guards
Revises: 0011_approvals
Create Date: 2026-11-30 01:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012_journal_guards'
down_revision = '0011_approvals'
branch_labels = None
depends_on = None

PROTECTED = ("journal_entries", "sales", "sale_lines", "sale_payments", "cash_movements")
CLOSURES = "kind LIKE 'closure%'"


def upgrade():
    dialect = op.get_bind().dialect.name
    options = {"sqlite_where": CLOSURES} if dialect == "sqlite" else \
        {"postgresql_where": CLOSURES}
    op.create_index("uq_journal_entries_closure", "journal_entries", ["kind", "reference"],
                    unique=True, **{key: sa.text(value) for key, value in options.items()})
    if dialect == "sqlite":
        for table in PROTECTED:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table}: enregistrement validé, ni modifié ni "
                    "supprimé'); END")
    else:
        op.execute("""CREATE FUNCTION refuse_change_to_validated_record() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '%: enregistrement validé, ni modifié ni supprimé',
                    TG_TABLE_NAME;
            END $$ LANGUAGE plpgsql""")
        for table in PROTECTED:
            op.execute(f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION refuse_change_to_validated_record()")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in PROTECTED:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{action}")
    else:
        for table in PROTECTED:
            op.execute(f"DROP TRIGGER {table}_no_change ON {table}")
        op.execute("DROP FUNCTION refuse_change_to_validated_record()")
    op.drop_index("uq_journal_entries_closure", table_name="journal_entries")
