"""Ateliers d'insertion, the participants and their integration path:
contracts with a weekly planning, attendance, evaluations, transversal actions and exits.

Durations are integer minutes; a slot is a weekday (0 = Monday … 4 = Friday) and a start and an
end in minutes after midnight.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.orm import Base, UTCDateTime, string_enum
from participants.common import ParticipantStatus, ReferringBody


class Atelier(Base):
    __tablename__ = "ateliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int] = mapped_column(Integer, default=6)  # people at once
    encadrant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Opening hours, Monday to Friday (minutes after midnight), and the week's total.
    opens_at: Mapped[int] = mapped_column(Integer, default=9 * 60, server_default="540")
    closes_at: Mapped[int] = mapped_column(Integer, default=17 * 60, server_default="1020")
    weekly_minutes: Mapped[int] = mapped_column(Integer, default=35 * 60, server_default="2100")


class ExitType(enum.StrEnum):
    CDI = "cdi"
    CDD = "cdd"
    CONTRAT_AIDE = "contrat_aide"  # contrat aidé / CUI
    TRAINING = "training"
    INTEGRATION_WORKSITE = "integration_worksite"  # chantier / structure d'insertion
    ABSENCES = "absences"
    HEALTH = "health"
    MOVED = "moved"
    NO_SOLUTION = "no_solution"

    @property
    def positive(self) -> bool:
        return self in POSITIVE_EXITS


POSITIVE_EXITS = frozenset(
    {
        ExitType.CDI,
        ExitType.CDD,
        ExitType.CONTRAT_AIDE,
        ExitType.TRAINING,
        ExitType.INTEGRATION_WORKSITE,
    }
)


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
    exit_date: Mapped[date | None] = mapped_column(Date)
    exit_type: Mapped[ExitType | None] = mapped_column(string_enum(ExitType, "exit_type"))
    exit_notes: Mapped[str | None] = mapped_column(String(300))
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    contracts: Mapped[list[Contract]] = relationship(
        back_populates="participant", order_by="Contract.start_date"
    )

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Contract(Base):
    """The contrat d'intégration: ateliers and a weekly planning, at least the minimum hours."""

    __tablename__ = "integration_contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    referent_name: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    min_weekly_minutes: Mapped[int] = mapped_column(Integer)
    signed_on: Mapped[date | None] = mapped_column(Date)
    renewal_of_id: Mapped[int | None] = mapped_column(ForeignKey("integration_contracts.id"))
    ended_on: Mapped[date | None] = mapped_column(Date)  # ended before its end date
    end_reason: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    participant: Mapped[Participant] = relationship(back_populates="contracts")
    slots: Mapped[list[ContractSlot]] = relationship(
        back_populates="contract",
        cascade="all, delete-orphan",
        order_by="(ContractSlot.weekday, ContractSlot.start_minute)",
    )

    @property
    def last_day(self) -> date:
        return min(self.end_date, self.ended_on) if self.ended_on else self.end_date

    @property
    def cancelled(self) -> bool:
        """Ended before its first day (an exit before a renewal began): it covers no day."""
        return self.last_day < self.start_date

    @property
    def planned_weekly_minutes(self) -> int:
        return sum(slot.minutes for slot in self.slots)


class ContractSlot(Base):
    __tablename__ = "contract_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("integration_contracts.id"), index=True)
    atelier_id: Mapped[int] = mapped_column(ForeignKey("ateliers.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)

    contract: Mapped[Contract] = relationship(back_populates="slots")
    atelier: Mapped[Atelier] = relationship()

    @property
    def minutes(self) -> int:
        return self.end_minute - self.start_minute


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    JUSTIFIED = "justified"  # absence justifiée
    UNJUSTIFIED = "unjustified"


class Attendance(Base):
    """One participant's roll call in one atelier on one day (minutes done when present)."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("participant_id", "atelier_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    atelier_id: Mapped[int] = mapped_column(ForeignKey("ateliers.id"))
    day: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[AttendanceStatus] = mapped_column(
        string_enum(AttendanceStatus, "attendance_status")
    )
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EvaluationCriterion(Base):
    __tablename__ = "evaluation_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


class Evaluation(Base):
    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    evaluated_on: Mapped[date] = mapped_column(Date)
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str | None] = mapped_column(Text)

    scores: Mapped[list[EvaluationScore]] = relationship(cascade="all, delete-orphan")


class EvaluationScore(Base):
    """1 = not acquired … 4 = acquired."""

    __tablename__ = "evaluation_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("evaluation_criteria.id"))
    score: Mapped[int] = mapped_column(Integer)

    criterion: Mapped[EvaluationCriterion] = relationship()


class ActionKind(enum.StrEnum):
    HEALTH_CHECK = "health_check"
    JOB_COACHING = "job_coaching"
    OUTING = "outing"
    COMPANY_VISIT = "company_visit"
    CULTURAL_EVENT = "cultural_event"


action_participants = Table(
    "transversal_action_participants",
    Base.metadata,
    Column("action_id", ForeignKey("transversal_actions.id"), primary_key=True),
    Column("participant_id", ForeignKey("participants.id"), primary_key=True),
)


class TransversalAction(Base):
    __tablename__ = "transversal_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ActionKind] = mapped_column(string_enum(ActionKind, "action_kind"))
    title: Mapped[str] = mapped_column(String(160))
    day: Mapped[date] = mapped_column(Date, index=True)
    notes: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    participants: Mapped[list[Participant]] = relationship(secondary=action_participants)
