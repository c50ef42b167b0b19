"""Sites: an existing database becomes its first site (id 1, no code: its ticket numbers stay as
they were); each user is given the sites they work at (every existing user: the first); tills
stand at a site; the journal is one chain per site (a head per site, sequences per site, a
period closed once per site)

Revision ID: 0024_sites
Revises: 0023_offline_sales
Create Date: 2026-11-30 15:00:00

``journal_entries`` carries the journal's guard triggers: on SQLite its table is copied (the
only way to change a constraint there), so its triggers go and come back around the copy.
Nothing in it changes: every entry joins the first site's chain, which still verifies.
"""
import sqlalchemy as sa
from alembic import op

from app.orm import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0024_sites'
down_revision = '0023_offline_sales'
branch_labels = None
depends_on = None

CLOSURES = "kind LIKE 'closure%'"


def _closure_index(columns):
    dialect = op.get_bind().dialect.name
    where = {f"{dialect}_where": sa.text(CLOSURES)} if dialect in ("sqlite", "postgresql") else {}
    op.create_index("uq_journal_entries_closure", "journal_entries", columns, unique=True,
                    **where)


def _sqlite_guards(create: bool):
    for action in ("UPDATE", "DELETE"):
        if create:
            op.execute(
                f"CREATE TRIGGER journal_entries_no_{action.lower()} BEFORE {action} ON "
                "journal_entries BEGIN SELECT RAISE(ABORT, 'journal_entries: enregistrement "
                "validé, ni modifié ni supprimé'); END")
        else:
            op.execute(f"DROP TRIGGER journal_entries_no_{action.lower()}")


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        'sites',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=8), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sites')),
        sa.UniqueConstraint('code', name=op.f('uq_sites_code')),
        sa.UniqueConstraint('name', name=op.f('uq_sites_name')),
    )
    op.execute("INSERT INTO sites (id, code, name, is_active) VALUES (1, '', 'Site principal', "
               f"{'1' if sqlite else 'TRUE'})")
    if not sqlite:  # rows written with their id: the next ones are numbered after them
        op.execute("SELECT setval(pg_get_serial_sequence('sites', 'id'), 1)")
        op.execute("SELECT setval(pg_get_serial_sequence('journal_heads', 'id'), "
                   "(SELECT MAX(id) FROM journal_heads))")
    op.create_table(
        'user_sites',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_user_sites_site_id_sites')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sites_user_id_users')),
        sa.PrimaryKeyConstraint('user_id', 'site_id', name=op.f('pk_user_sites')),
    )
    op.create_index(op.f('ix_user_sites_site_id'), 'user_sites', ['site_id'], unique=False)
    op.execute("INSERT INTO user_sites (user_id, site_id) SELECT id, 1 FROM users")

    with op.batch_alter_table('tills', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_id', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_index(batch_op.f('ix_tills_site_id'), ['site_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tills_site_id_sites'), 'sites', ['site_id'],
                                    ['id'])
    with op.batch_alter_table('journal_heads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_id', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_journal_heads_site_id'), ['site_id'])
        batch_op.create_foreign_key(batch_op.f('fk_journal_heads_site_id_sites'), 'sites',
                                    ['site_id'], ['id'])

    op.drop_index("uq_journal_entries_closure", table_name="journal_entries")
    if sqlite:
        _sqlite_guards(create=False)
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_id', sa.Integer(), server_default='1', nullable=False))
        batch_op.drop_constraint('uq_journal_entries_sequence', type_='unique')
        batch_op.create_unique_constraint('uq_journal_entries_site_sequence',
                                          ['site_id', 'sequence'])
        batch_op.create_foreign_key(batch_op.f('fk_journal_entries_site_id_sites'), 'sites',
                                    ['site_id'], ['id'])
    if sqlite:
        _sqlite_guards(create=True)
    _closure_index(["site_id", "kind", "reference"])
    op.create_index("ix_journal_entries_site_kind_sequence", "journal_entries",
                    ["site_id", "kind", "sequence"])


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_index("ix_journal_entries_site_kind_sequence", table_name="journal_entries")
    op.drop_index("uq_journal_entries_closure", table_name="journal_entries")
    if sqlite:
        _sqlite_guards(create=False)
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_journal_entries_site_id_sites'),
                                 type_='foreignkey')
        batch_op.drop_constraint('uq_journal_entries_site_sequence', type_='unique')
        batch_op.create_unique_constraint('uq_journal_entries_sequence', ['sequence'])
        batch_op.drop_column('site_id')
    if sqlite:
        _sqlite_guards(create=True)
    _closure_index(["kind", "reference"])
    with op.batch_alter_table('journal_heads', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_journal_heads_site_id_sites'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_journal_heads_site_id'), type_='unique')
        batch_op.drop_column('site_id')
    with op.batch_alter_table('tills', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tills_site_id_sites'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tills_site_id'))
        batch_op.drop_column('site_id')
    op.drop_index(op.f('ix_user_sites_site_id'), table_name='user_sites')
    op.drop_table('user_sites')
    op.drop_table('sites')
