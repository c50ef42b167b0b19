"""What a request may see of the site-scoped records (tills, lots, receptions, stocktakes, sales,
movements, sessions, print jobs, journal…): every table with a ``site_id``.

Two guards. In the application, every ORM query of a request is limited to the site the person
works at now (``with_loader_criteria``, added to each statement as it runs: a query that forgets
it gets nothing of another site). A consolidated report widens it to every site of the person,
never further (``execution_options(all_my_sites=True)``). In the database, on PostgreSQL, row-level
security shows a transaction only the rows of the person's sites (``caisse.sites``, set when the
transaction begins), whatever SQL runs. Without a person (the command line, the print worker)
nothing is limited.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache, lru_cache

from sqlalchemy import event, or_, text
from sqlalchemy.orm import Session, with_loader_criteria

from app.orm import Base

SCOPE = "caisse_site_scope"  # Session.info: (current site, the person's sites)
ALL_MY_SITES = "all_my_sites"  # an execution option: every site of the person


@cache
def site_scoped_classes() -> tuple[type, ...]:
    """Every mapped class whose table has a ``site_id`` (the sites themselves excepted). A
    nullable ``site_id`` marks rows that may belong to no site (shared by all)."""
    return tuple(
        sorted(
            (
                mapper.class_
                for mapper in Base.registry.mappers
                if "site_id" in mapper.columns and mapper.local_table.name != "sites"
            ),
            key=lambda cls: cls.__name__,
        )
    )


@lru_cache(maxsize=1024)
def _limit(cls, sites: tuple[int, ...]):
    """The option keeping the rows of ``sites`` (and the shared ones where ``site_id`` may be
    empty), made once per class and sites: it is added to every query of a request."""
    # One site (a page's usual case): "=", which compiles once; several: "IN".
    among = cls.site_id == sites[0] if len(sites) == 1 else cls.site_id.in_(sites)
    criterion = or_(cls.site_id.is_(None), among) if cls.__table__.c.site_id.nullable else among
    return with_loader_criteria(cls, criterion, include_aliases=True)


def limit_to(session: Session, current: int | None, mine: list[int]) -> None:
    """From now on, this session sees the site ``current`` (or ``mine`` where asked; a person
    given no site: nothing)."""
    session.info[SCOPE] = (current, tuple(mine))
    if session.in_transaction():  # begun before (the person's own row was read): say it now
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            _set_database_scope(connection, mine)


@contextmanager
def across_my_sites(session: Session):
    """Within: the queries of this session see every site of the person (a consolidated
    report), never more."""
    scope = session.info.get(SCOPE)
    if scope is not None:
        session.info[SCOPE] = (scope[0], scope[1], True)
    try:
        yield
    finally:
        if scope is not None:
            session.info[SCOPE] = scope


@contextmanager
def across_every_site(session: Session):
    """Within: both guards lifted, every site's rows seen — only for a figure of something every
    site shares, never for showing another site's records: a household's spending this month
    (its allowance is one, wherever it shops) and its visits month by month."""
    session = session.registry() if hasattr(session, "registry") else session  # scoped
    scope = session.info.pop(SCOPE, None)
    connection = session.connection() if scope is not None else None
    postgresql = connection is not None and connection.dialect.name == "postgresql"
    if postgresql:
        connection.execute(text("SELECT set_config('caisse.sites', '', true)"))
    try:
        yield
    finally:
        if scope is not None:
            session.info[SCOPE] = scope
            if postgresql and session.in_transaction():
                _set_database_scope(session.connection(), scope[1])


def working_site(session: Session) -> int | None:
    """The site the request's person works at (None outside a request)."""
    scope = session.info.get(SCOPE)
    return scope[0] if scope else None


def unlimited(session: Session) -> None:
    session.info.pop(SCOPE, None)


@event.listens_for(Session, "do_orm_execute")
def _limit_each_query(state) -> None:
    scope = state.session.info.get(SCOPE)
    if scope is None or not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_relationship_load or state.is_column_load:
        return  # the rows of a record already seen (its lines, an expired column): same site
    current, mine, *widened = scope
    wide = widened or state.execution_options.get(ALL_MY_SITES)
    sites = mine if wide else (current,)
    sites = tuple(site for site in sites if site is not None)
    # Every site-scoped class, whether the statement selects it or only joins it (a report
    # of payments joined to their sales): each option applies where its class appears.
    state.statement = state.statement.options(*_limits(sites))


@lru_cache(maxsize=256)
def _limits(sites: tuple[int, ...]) -> tuple:
    return tuple(_limit(cls, sites) for cls in site_scoped_classes())


def _set_database_scope(connection, mine) -> None:
    # "-1" for a person given no site: a list that matches nothing (empty means unlimited).
    sites = ",".join(str(site) for site in mine) or "-1"
    connection.execute(text("SELECT set_config('caisse.sites', :sites, true)"), {"sites": sites})


@event.listens_for(Session, "after_begin")
def _tell_the_database(session: Session, transaction, connection) -> None:
    scope = session.info.get(SCOPE)
    if scope is not None and connection.dialect.name == "postgresql":
        _set_database_scope(connection, scope[1])
