"""A site, and the sites each user is given."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from app.orm import Base, UTCDateTime

# The site a one-site database is (the migration turns an existing database into it, and
# `caisse init` names it): every site-scoped row defaults to it.
FIRST_SITE_ID = 1


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Printed in its tickets' numbers (« NORD-C1-000042 ») — empty for the first site only,
    # whose numbers stay as they were (« C1-000042 »).
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


user_sites = Table(
    "user_sites",
    Base.metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id"), primary_key=True, index=True),
)


def site_column() -> Mapped[int]:
    """The site a row belongs to (the first site unless told)."""
    return mapped_column(
        ForeignKey("sites.id"), index=True, default=FIRST_SITE_ID, server_default=str(FIRST_SITE_ID)
    )


def derived_site_column(*, index: bool = True) -> Mapped[int]:
    """The site a row takes from the row it belongs to (a sale its till's, a movement its
    lot's): set by the application and, on PostgreSQL, written by the database (a trigger
    before insert), so the two never disagree. A copy kept for reports and row-level security,
    no reference. ``index=False`` for a sale's lines: always reached through their sale."""
    return mapped_column(
        Integer, index=index, default=FIRST_SITE_ID, server_default=str(FIRST_SITE_ID)
    )
