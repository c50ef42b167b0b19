"""People records: beneficiary households and atelier participants (sensitive data, RGPD)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.orm import Base, UTCDateTime, string_enum


class Sex(enum.StrEnum):
    FEMALE = "F"
    MALE = "M"
    UNSPECIFIED = "X"


class Kinship(enum.StrEnum):
    REFERENCE = "reference"  # the person the file is opened for
    SPOUSE = "spouse"
    CHILD = "child"
    OTHER = "other"


class ParticipantStatus(enum.StrEnum):
    RSA = "rsa"
    AAH = "aah"
    JOB_SEEKER = "job_seeker"
    RETIRED = "retired"
    OTHER = "other"


class ReferringBody(enum.StrEnum):
    CONSEIL_DEPARTEMENTAL = "conseil_departemental"
    MISSION_LOCALE = "mission_locale"
    CCAS = "ccas"
    FRANCE_TRAVAIL = "france_travail"
    OTHER = "other"


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    members: Mapped[list[Person]] = relationship(back_populates="household")


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    birth_year: Mapped[int] = mapped_column(Integer)
    sex: Mapped[Sex] = mapped_column(string_enum(Sex, "sex"))
    kinship: Mapped[Kinship] = mapped_column(string_enum(Kinship, "kinship"))

    household: Mapped[Household] = relationship(back_populates="members")


class Atelier(Base):
    __tablename__ = "ateliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int] = mapped_column(Integer, default=6)
    encadrant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class GardenParcel(Base):
    __tablename__ = "garden_parcels"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(80))
    area_m2: Mapped[int] = mapped_column(Integer)


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    status: Mapped[ParticipantStatus] = mapped_column(
        string_enum(ParticipantStatus, "participant_status")
    )
    referring_body: Mapped[ReferringBody] = mapped_column(
        string_enum(ReferringBody, "referring_body")
    )
    referrer_name: Mapped[str] = mapped_column(String(120))
    entry_date: Mapped[date] = mapped_column(Date)
    # A participant who works at the till has a ``caissier`` account with a badge.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
