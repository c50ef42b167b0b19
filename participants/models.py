"""People records: beneficiary households and atelier participants (sensitive data, RGPD)."""

from participants.ateliers.models import (
    POSITIVE_EXITS,
    ActionKind,
    Atelier,
    Attendance,
    AttendanceStatus,
    Contract,
    ContractSlot,
    Evaluation,
    EvaluationCriterion,
    EvaluationScore,
    ExitType,
    Participant,
    TransversalAction,
)
from participants.common import Kinship, ParticipantStatus, ReferringBody, Sex
from participants.households.models import (
    AccessRight,
    Appointment,
    AppointmentStatus,
    Household,
    HouseholdCard,
    Person,
    RightStatus,
)

__all__ = [
    "POSITIVE_EXITS",
    "AccessRight",
    "Appointment",
    "AppointmentStatus",
    "ActionKind",
    "Atelier",
    "Attendance",
    "AttendanceStatus",
    "Contract",
    "ContractSlot",
    "Evaluation",
    "EvaluationCriterion",
    "EvaluationScore",
    "ExitType",
    "Household",
    "HouseholdCard",
    "Kinship",
    "Participant",
    "ParticipantStatus",
    "Person",
    "ReferringBody",
    "RightStatus",
    "Sex",
    "TransversalAction",
]
