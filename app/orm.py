"""Declarative base, column types and engine tuning shared by every package."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, MetaData, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

# A fixed naming convention keeps constraint names stable, so Alembic diffs stay quiet.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC on every backend and always hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def tune_sqlite_engine(engine: Engine, busy_timeout_ms: int, synchronous: str = "FULL") -> None:
    """WAL, foreign keys, busy timeout, and transactions SQLAlchemy fully controls.

    pysqlite opens transactions lazily on its own; we switch that off and emit BEGIN
    ourselves so SAVEPOINTs work and a caller can ask for BEGIN IMMEDIATE
    (``connection.execution_options(sqlite_begin="IMMEDIATE")``) to take the write lock early.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed ticket survives a power cut (NORMAL may lose the last commits
            # in WAL mode); the cost is measured by bench/till_bench.py.
            mode = "NORMAL" if str(synchronous).upper() == "NORMAL" else "FULL"
            cursor.execute(f"PRAGMA synchronous={mode}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())
        connection.info[SQLITE_WRITE_LOCK] = mode == "IMMEDIATE"

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection):
        connection.info[SQLITE_WRITE_LOCK] = False

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(connection, cursor, statement, parameters, context, executemany):
        # The first write of a deferred transaction takes SQLite's write lock.
        if not statement.lstrip()[:8].upper().startswith(_READ_ONLY_PREFIXES):
            connection.info[SQLITE_WRITE_LOCK] = True


SQLITE_WRITE_LOCK = "caisse_sqlite_write_lock"
_READ_ONLY_PREFIXES = ("SELECT", "PRAGMA", "BEGIN", "SAVEPOIN", "RELEASE", "WITH")


def lock_for_update(session: Session) -> None:
    """Serialise writers before reading what is about to change.

    PostgreSQL: nothing to do here; callers read the rows they change with
    ``SELECT … FOR UPDATE``. SQLite has no row locks: the transaction must hold the database
    write lock *before* it reads. A transaction that has only read so far (loading the user,
    say) is ended and a new one is opened with ``BEGIN IMMEDIATE``, which waits for the lock
    (busy timeout) instead of failing later on a stale snapshot.
    """
    session.flush()
    connection = session.connection()
    if connection.dialect.name != "sqlite" or connection.info.get(SQLITE_WRITE_LOCK):
        return
    session.commit()  # nothing written yet: this only ends the read snapshot
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def takes_write_lock_late(view):
    """Mark a view that parses and checks a long input before writing: SQLite's write lock is
    not taken at the start of its request; the service takes it (``lock_for_update``) just
    before it writes."""
    view.takes_write_lock_late = True
    return view


def string_enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """An enum stored as its string value (portable, and readable in SQL and exports)."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        length=24,
        values_callable=lambda members: [member.value for member in members],
    )


def drop_all_tables(engine: Engine) -> None:
    """Empty a database completely (tests and benchmarks start from the migrations)."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        else:
            metadata = MetaData()
            metadata.reflect(connection)
            metadata.drop_all(connection)


def lock_key(session: Session, key: str) -> None:
    """Serialise the transactions that name the same ``key`` until they end.

    PostgreSQL: a transaction-scoped advisory lock on the key's hash (row locks cannot guard a
    row that does not exist yet). SQLite: the database write lock (``lock_for_update``)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
        )
    else:
        lock_for_update(session)


_FIELD_LABELS = {
    "name": "Nom",
    "display_name": "Nom",
    "first_name": "Prénom",
    "last_name": "Nom",
    "description": "Description",
    "notes": "Notes",
    "reason": "Motif",
    "label": "Nom",
    "supplier": "Fournisseur",
    "document_ref": "N° de bon",
    "title": "Titre",
    "comment": "Commentaire",
    "referrer_name": "Référent·e",
    "partner": "Partenaire",
    "project": "Projet",
    "serial_number": "N° de série",
    "parts": "Pièces",
    "tests": "Tests",
    "username": "Identifiant",
    "pattern": "Motif",
}


def text_too_long(target) -> tuple[str, int] | None:
    """The first text attribute of ``target`` longer than its column allows."""
    from sqlalchemy import String, inspect

    for attribute in inspect(target).mapper.column_attrs:
        column = attribute.columns[0]
        length = getattr(column.type, "length", None)
        if not isinstance(column.type, String) or not length:
            continue
        value = getattr(target, attribute.key, None)
        if isinstance(value, str) and len(value) > length:
            label = column.info.get("label") or _FIELD_LABELS.get(attribute.key, attribute.key)
            return label, length
    return None


def register_text_length_guard() -> None:
    """SQLite stores any length in a VARCHAR(160); PostgreSQL refuses it. Both refuse it here,
    before anything is written, with the field's name: a 5 000-character name from a CSV file
    or a form is a French 422, the same on both databases."""
    if not event.contains(Session, "before_flush", _check_text_lengths):
        event.listen(Session, "before_flush", _check_text_lengths)


def _check_text_lengths(session, flush_context, instances) -> None:
    from app.values import InvalidValue

    for target in (*session.new, *session.dirty):
        found = text_too_long(target)
        if found:
            label, length = found
            raise InvalidValue(f"{label} : {length} caractères au plus.")
