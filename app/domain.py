"""The one base of every refusal the product makes (DESIGN.md): a French ``message`` for the person
in front, a stable ``code`` that clients act on (the till never reads the French text), the HTTP
``status`` it becomes, and optional ``details``. Each package derives its own errors from it;
one handler (app/errors.py) answers them — JSON ``{code, message, details}`` on the API, the
error page elsewhere — after rolling back whatever was half written."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status: int = 422
    code: str = "invalid"

    def __init__(
        self, message: str, code: str | None = None, status: int | None = None, **details: Any
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details = details
