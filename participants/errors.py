"""Domain errors of the people records, each with a French message."""

from __future__ import annotations

from app.domain import DomainError


class ParticipantsError(DomainError):
    pass


class InvalidData(ParticipantsError):
    pass


class NotAllowed(ParticipantsError):
    """The acting user may not see or change this file."""

    status = 403
    code = "forbidden"


class CardRefused(ParticipantsError):
    """Unknown or replaced card at the till."""

    status = 404
    code = "card_refused"
