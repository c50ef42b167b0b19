"""Domain errors of users and login, each carrying a French message for the person in front."""

from __future__ import annotations


class UserError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LoginRefused(UserError):
    """Wrong credentials, unknown badge, disabled account or lock-out (an unknown badge and a
    wrong PIN get the same message)."""


class InvalidUserData(UserError):
    """A user cannot be created or changed with the data given."""


class ApprovalRefused(UserError):
    """An encadrant·e's validation was refused: wrong badge or PIN, locked, not allowed, or a
    token that is unknown, used, expired or for another operation."""

    def __init__(self, message: str, code: str = "approval_refused", status: int = 403,
                 **details) -> None:
        super().__init__(message)
        self.code, self.status, self.details = code, status, details
