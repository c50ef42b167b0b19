"""The till's JSON API: catalogue, session, sales, refunds, approvals (see /api/openapi.json).

Every answer is JSON; a refusal is ``{code, message}`` with a stable ``code`` the till acts on
and a French ``message`` it shows. Prices, totals and identities are derived here, never taken
from the client."""

from pos.api import devices, sales, sessions  # noqa: F401  (the routes register on the blueprint)
from pos.api.common import blueprint
from pos.api.openapi import openapi

__all__ = ["blueprint", "openapi"]
