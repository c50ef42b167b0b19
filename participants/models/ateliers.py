"""Ateliers d'insertion, the garden's parcels, and the participants."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.orm import Base, string_enum
from participants.models.common import ParticipantStatus, ReferringBody


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
