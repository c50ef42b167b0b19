"""Domain errors of users and login, each carrying a French message for the person in front."""

from __future__ import annotations

from app.domain import DomainError


class UserError(DomainError):
    pass


class LoginRefused(UserError):
    """Wrong credentials, unknown badge, disabled account or lock-out (an unknown badge and a
    wrong PIN get the same message)."""

    status = 401
    code = "login_refused"


class InvalidUserData(UserError):
    """A user cannot be created or changed with the data given."""


class ApprovalRefused(UserError):
    """An encadrant·e's validation was refused: wrong badge or PIN, locked, not allowed, or a
    token that is unknown, used, expired or for another operation."""

    status = 403
    code = "approval_refused"
