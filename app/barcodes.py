"""Scanned-code hygiene shared by badges, cards and products: AZERTY repair and GS1 check digits."""

from __future__ import annotations

# A scanner configured for QWERTY on an AZERTY keyboard types the unshifted symbols.
_AZERTY_DIGITS = str.maketrans("&é\"'(-è_çà", "1234567890")


def repair_azerty_digits(scanned: str) -> str:
    """``"&é\\"'(-è_çà"`` → ``"1234567890"``; surrounding blanks are dropped."""
    return scanned.strip().translate(_AZERTY_DIGITS)


def gs1_check_digit(payload: str) -> int:
    """Check digit for EAN-8, UPC-A (12) and EAN-13 payloads (7, 11 or 12 digits)."""
    if not payload.isdigit():
        raise ValueError("digits only")
    total = 0
    for position, digit in enumerate(reversed(payload)):
        total += int(digit) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def is_valid_gs1(code: str) -> bool:
    """True for an EAN-8, UPC-A or EAN-13 whose last digit is the right check digit."""
    if len(code) not in (8, 12, 13) or not code.isdigit():
        return False
    return gs1_check_digit(code[:-1]) == int(code[-1])


def complete_ean13(first_twelve: str) -> str:
    if len(first_twelve) != 12:
        raise ValueError("EAN-13 payload has 12 digits")
    return first_twelve + str(gs1_check_digit(first_twelve))
