"""Tills and cash sessions (float, cash in and out, counted against expected)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.orm import Base, UTCDateTime, string_enum
from app.sites.models import derived_site_column, site_column


class SessionStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Till(Base):
    __tablename__ = "tills"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    # The site it stands at: its tickets are chained in that site's journal.
    site_id: Mapped[int] = site_column()
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Ticket numbers are per till ("C1-000042"); incremented in the database, under lock.
    last_ticket_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The till's receipt printer (hardware.transport / hardware.models).
    printer_kind: Mapped[str] = mapped_column(String(20), default="none", server_default="none")
    printer_target: Mapped[str] = mapped_column(String(120), default="", server_default="")
    printer_model: Mapped[str] = mapped_column(
        String(40), default="epson-tm-t20ii", server_default="epson-tm-t20ii"
    )
    # The ressourcerie's sales point the till stands at (reports by point); None: not said.
    point_id: Mapped[int | None] = mapped_column(ForeignKey("ressourcerie_choices.id"))
    # An offline series: the tickets this till made without the server ("C1H-000012"), gap-free
    # in their own series; its row points at the till it belongs to (None for a real till).
    offline_of_id: Mapped[int | None] = mapped_column(ForeignKey("tills.id"), unique=True)


class CashSession(Base):
    __tablename__ = "cash_sessions"
    __table_args__ = (
        # One open session per till, enforced by the database.
        Index(
            "uq_cash_sessions_one_open_per_till",
            "till_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = derived_site_column()
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"), index=True)
    status: Mapped[SessionStatus] = mapped_column(string_enum(SessionStatus, "session_status"))
    business_date: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    float_cents: Mapped[int] = mapped_column(Integer)
    float_detail: Mapped[dict] = mapped_column(JSON, default=dict)  # {"2000": 3, "50": 4}
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    counted: Mapped[dict | None] = mapped_column(JSON)  # per payment method, in cents
    expected: Mapped[dict | None] = mapped_column(JSON)
    difference_cents: Mapped[int | None] = mapped_column(Integer)
    difference_reason: Mapped[str | None] = mapped_column(String(300))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    till: Mapped[Till] = relationship()
    cash_movements: Mapped[list[CashMovement]] = relationship(order_by="CashMovement.id")


class CashMovement(Base):
    """Cash put in or taken out of the drawer outside a sale (with a reason)."""

    __tablename__ = "cash_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Made by the till: a movement sent twice (double tap, retry) is recorded once.
    uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("cash_sessions.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)  # + in, − out
    reason: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class TillScan(Base):
    """A code read by a serial scanner plugged into the server, waiting for its till's page."""

    __tablename__ = "till_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    site_id: Mapped[int] = derived_site_column()  # its till's
