"""The inalterable journal: an append-only, gap-free, hash-chained sequence of entries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.orm import Base, UTCDateTime


class JournalHead(Base):
    """One row: the last sequence number and hash (locked to append, so no gap, no fork)."""

    __tablename__ = "journal_heads"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class JournalEntry(Base):
    __tablename__ = "journal_entries"
    # The last guard against a period closed twice (a daily, monthly or yearly closure).
    __table_args__ = (
        Index(
            "uq_journal_entries_closure",
            "kind",
            "reference",
            unique=True,
            sqlite_where=text("kind LIKE 'closure%'"),
            postgresql_where=text("kind LIKE 'closure%'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Canonical JSON of business values (no database ids: a restore elsewhere still verifies).
    payload: Mapped[str] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(60), index=True)  # "C1-000042"
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
