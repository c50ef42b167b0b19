"""Domain errors of the till, each with a French message for the person at the till."""

from __future__ import annotations


class TillError(Exception):
    status = 422

    def __init__(self, message: str, **details) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidRequest(TillError):
    status = 422


class NotFound(TillError):
    status = 404


class SessionProblem(TillError):
    """No open session, a session left open since another day, already open…"""

    status = 409


class NeedsApproval(TillError):
    """Allowance or per-visit limit exceeded: a staff badge must approve."""

    status = 409


class PriceMismatch(TillError):
    status = 409
