"""The inalterable journal: an append-only, gap-free, hash-chained sequence of entries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.orm import Base, UTCDateTime
from app.sites.models import FIRST_SITE_ID


class JournalHead(Base):
    """One row per site: its chain's last sequence number and hash (locked to append, so no
    gap, no fork)."""

    __tablename__ = "journal_heads"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id"), unique=True, default=FIRST_SITE_ID, server_default="1"
    )
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class JournalEntry(Base):
    __tablename__ = "journal_entries"
    # Each site's chain is its own: a sequence per site; a period is closed once per site.
    __table_args__ = (
        UniqueConstraint("site_id", "sequence", name="uq_journal_entries_site_sequence"),
        # The newest entry of a kind in a site's chain (at every ticket: a day to close?).
        Index("ix_journal_entries_site_kind_sequence", "site_id", "kind", "sequence"),
        Index(
            "uq_journal_entries_closure",
            "site_id",
            "kind",
            "reference",
            unique=True,
            sqlite_where=text("kind LIKE 'closure%'"),
            postgresql_where=text("kind LIKE 'closure%'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id"), default=FIRST_SITE_ID, server_default="1"
    )
    sequence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Canonical JSON of business values (no database ids: a restore elsewhere still verifies).
    payload: Mapped[str] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(60), index=True)  # "C1-000042"
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
