"""Passwords and PINs: hashed with Argon2, compared in constant time; their rules."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
PIN_PATTERN = re.compile(r"^\d{4,6}$")
MIN_PASSWORD_LENGTH = 8


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def secret_matches(stored_hash: str | None, candidate: str) -> bool:
    if not stored_hash:
        # Spend the same time as a real check so timing does not reveal unknown accounts.
        _hasher.hash(candidate)
        return False
    try:
        return _hasher.verify(stored_hash, candidate)
    except (VerificationError, InvalidHashError):
        return False
