"""Domain errors of the people records, each with a French message."""

from __future__ import annotations


class ParticipantsError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidData(ParticipantsError):
    pass


class NotAllowed(ParticipantsError):
    """The acting user may not see or change this file."""


class CardRefused(ParticipantsError):
    """Unknown or replaced card at the till."""
