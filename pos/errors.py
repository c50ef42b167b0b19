"""Domain errors of the till, each with a French message for the person at the till and a
stable ``code`` the till's page acts on."""

from __future__ import annotations

from app.domain import DomainError


class TillError(DomainError):
    status = 422
    code = "invalid_request"


class InvalidRequest(TillError):
    status = 422
    code = "invalid_request"


class NotFound(TillError):
    status = 404
    code = "not_found"


class SessionProblem(TillError):
    """No open session, a session left open since another day, already open…"""

    status = 409
    code = "session_problem"


class NeedsApproval(TillError):
    """Allowance or per-visit limit exceeded, price changed, refund, large difference or cash
    movement: an encadrant·e's badge and PIN must approve."""

    status = 409
    code = "approval_required"


class PriceMismatch(TillError):
    status = 409
    code = "price_mismatch"


class UuidConflict(TillError):
    """A UUID already used by another kind of document, another till, or abandoned."""

    status = 409
    code = "uuid_conflict"
