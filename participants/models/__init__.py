"""People records: beneficiary households and atelier participants (sensitive data, RGPD)."""

from participants.models.ateliers import (
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
from participants.models.common import Kinship, ParticipantStatus, ReferringBody, Sex
from participants.models.households import (
    AccessRight,
    Household,
    HouseholdCard,
    Person,
    RightStatus,
)

__all__ = [
    "POSITIVE_EXITS",
    "AccessRight",
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
