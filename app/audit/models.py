"""Append-only audit log of sensitive actions (who, when, what)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.orm import Base, UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(String(120))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    # The site the action concerns (None: not one site's — a login, a household, a setting).
    site_id: Mapped[int | None] = mapped_column(Integer, index=True)

    # Failed logins are counted per client address (throttling).
    __table_args__ = (Index("ix_audit_entries_remote_addr_at", "remote_addr", "at"),)
