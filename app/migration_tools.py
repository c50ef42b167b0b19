"""What several migrations share: SQLite's table copies, the sites' columns and PostgreSQL's
row-level security policies."""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# Row-level security (PostgreSQL): a transaction sees the rows of the sites listed in
# ``caisse.sites`` (set by the application for a logged-in person); unset, every row (the
# command line, the print worker).
#
# As written by 0026 and 0027 (kept for them: a migration's past does not change): the list
# parsed again for each row and searched from end to end.
SITES = "string_to_array(current_setting('caisse.sites', true), ',')::integer[]"
UNSET = "coalesce(current_setting('caisse.sites', true), '') = ''"
LISTED_SITE_POLICY = f"{UNSET} OR site_id = ANY ({SITES})"
# Since 0028: each scalar subquery runs once per statement (an InitPlan), and a row's check is
# one subscript of ``caisse_site_mask()`` (true at the index of each listed site) — a yearly
# report over 10 million lines of 50 sites went from 40 s to 10 s, as fast as without the guard
# but 10 %, and still in parallel.
ONCE_UNSET = f"(SELECT {UNSET})"
SITE_MASK_FUNCTION = """CREATE FUNCTION caisse_site_mask() RETURNS boolean[]
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(g.i = ANY (s.a) ORDER BY g.i), '{}')
    FROM (SELECT string_to_array(current_setting('caisse.sites', true), ',')::integer[] AS a) s,
        generate_series(1, (SELECT coalesce(max(x), 0) FROM unnest(s.a) x)) g(i)
$$"""


def seen(column: str) -> str:
    """The row whose ``column`` names one of the listed sites."""
    return f"coalesce((SELECT caisse_site_mask())[{column}], false)"


SITE_POLICY = f"{ONCE_UNSET} OR {seen('site_id')}"


@contextmanager
def sqlite_triggers_set_aside():
    """Every trigger of a SQLite database dropped and restored unchanged around the block: a
    table copied by batch mode cannot be renamed back while another table's trigger names it
    (the ledger's trigger names lots)."""
    bind = op.get_bind()
    triggers = []
    if bind.dialect.name == "sqlite":
        triggers = bind.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        ).all()
        for name, _sql in triggers:
            op.execute(f"DROP TRIGGER {name}")
    yield
    for _name, sql in triggers:
        op.execute(sql)


def add_site_column(table: str, *, reference: bool) -> None:
    """``site_id`` (the first site for the rows already there), indexed; with a reference to
    ``sites`` where the row names its site, without where it copies its parent's."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column("site_id", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_index(batch_op.f(f"ix_{table}_site_id"), ["site_id"], unique=False)
        if reference:
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_site_id_sites"), "sites", ["site_id"], ["id"]
            )


def drop_site_column(table: str, *, reference: bool) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        if reference:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_site_id_sites"), type_="foreignkey")
        batch_op.drop_index(batch_op.f(f"ix_{table}_site_id"))
        batch_op.drop_column("site_id")


def copy_site_from(table: str, source: str, column: str) -> None:
    """PostgreSQL: the database writes a new row's site, its ``source`` row's (a trigger
    before insert), so the two can never disagree. (Names from the migrations' code, never
    from input.)"""
    op.execute(f"""CREATE FUNCTION {table}_site_of_{source}() RETURNS trigger AS $$
        BEGIN
            NEW.site_id := (SELECT site_id FROM {source} WHERE id = NEW.{column});
            RETURN NEW;
        END $$ LANGUAGE plpgsql""")  # noqa: S608
    op.execute(
        f"CREATE TRIGGER {table}_site BEFORE INSERT ON {table} FOR EACH ROW "
        f"EXECUTE FUNCTION {table}_site_of_{source}()"
    )


def stop_copying_site(table: str, source: str) -> None:
    op.execute(f"DROP TRIGGER {table}_site ON {table}")
    op.execute(f"DROP FUNCTION {table}_site_of_{source}()")


def secure_rows(table: str, condition: str) -> None:
    """PostgreSQL: the table shows (and takes) only the rows meeting ``condition``, its owner
    included (FORCE)."""
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {table}_site_scope ON {table} USING ({condition})")


def change_policy(table: str, condition: str) -> None:
    op.execute(f"ALTER POLICY {table}_site_scope ON {table} USING ({condition})")


def unsecure_rows(table: str) -> None:
    op.execute(f"DROP POLICY {table}_site_scope ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
