"""Beneficiary households of the épicerie, their cards and access rights (sensitive data)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.orm import Base, UTCDateTime, string_enum
from participants.common import Kinship, ReferringBody, Sex


class RightStatus(enum.StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"
    ENDED = "ended"  # closed before its end date (moved away, project reached…)
    WAITING = "waiting"  # granted by the committee while the épicerie is full: waits its turn


class AppointmentStatus(enum.StrEnum):
    BOOKED = "booked"
    CAME = "came"  # the card was shown at the till that day, or marked by hand
    NO_SHOW = "no_show"  # marked by hand; a booked visit of a day gone is counted as one too
    CANCELLED = "cancelled"


class Household(Base):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Pseudonymous card id: tickets refer to it, so purging a file keeps the cash records whole.
    card_code: Mapped[str] = mapped_column(String(20), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    referring_body: Mapped[ReferringBody] = mapped_column(
        string_enum(ReferringBody, "referring_body")
    )
    referrer_name: Mapped[str] = mapped_column(String(120))
    # The social worker (user) who follows the file and sees it.
    referent_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    monthly_resources_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    monthly_charges_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    notes: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The site it is served at when each household is served at one site (setting
    # « epicerie.one_site_per_household »); none: at every site.
    home_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)

    members: Mapped[list[Person]] = relationship(back_populates="household", order_by="Person.id")
    rights: Mapped[list[AccessRight]] = relationship(
        back_populates="household", order_by="AccessRight.id"
    )
    cards: Mapped[list[HouseholdCard]] = relationship(order_by="HouseholdCard.id")


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    birth_year: Mapped[int] = mapped_column(Integer)
    sex: Mapped[Sex] = mapped_column(string_enum(Sex, "sex"))
    kinship: Mapped[Kinship] = mapped_column(string_enum(Kinship, "kinship"))

    household: Mapped[Household] = relationship(back_populates="members")


class HouseholdCard(Base):
    """Every card ever issued; a replaced card is refused at the till."""

    __tablename__ = "household_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(120))


class AccessRight(Base):
    """A decision of the access committee: the right to shop for a period, at a rate."""

    __tablename__ = "access_rights"
    __table_args__ = (
        CheckConstraint("participation_rate_bp BETWEEN 0 AND 10000", name="rate_range"),
        CheckConstraint("monthly_allowance_cents >= 0", name="allowance_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    status: Mapped[RightStatus] = mapped_column(string_enum(RightStatus, "right_status"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    participation_rate_bp: Mapped[int] = mapped_column(Integer)
    monthly_allowance_cents: Mapped[int] = mapped_column(Integer)
    personal_project: Mapped[str] = mapped_column(String(300))
    renewal_of_id: Mapped[int | None] = mapped_column(ForeignKey("access_rights.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str | None] = mapped_column(String(300))

    household: Mapped[Household] = relationship(back_populates="rights")


class Appointment(Base):
    """A household's visit booked on a slot of the opening hours (moved = cancelled + new)."""

    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[AppointmentStatus] = mapped_column(
        string_enum(AppointmentStatus, "appointment_status")
    )
    note: Mapped[str | None] = mapped_column(String(200))
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    household: Mapped[Household] = relationship()
