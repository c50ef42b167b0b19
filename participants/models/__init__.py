"""People records: beneficiary households and atelier participants (sensitive data, RGPD)."""

from participants.models.ateliers import Atelier, GardenParcel, Participant
from participants.models.common import Kinship, ParticipantStatus, ReferringBody, Sex
from participants.models.households import (
    AccessRight,
    Household,
    HouseholdCard,
    Person,
    RightStatus,
)

__all__ = [
    "AccessRight", "Atelier", "GardenParcel", "Household", "HouseholdCard", "Kinship",
    "Participant", "ParticipantStatus", "Person", "ReferringBody", "RightStatus", "Sex",
]
