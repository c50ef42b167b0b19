"""Typed access to settings, with the defaults of ../shared/DOMAIN.md when none is stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.settings.models import Setting

DEFAULTS: dict[str, Any] = {
    "shop.name": "Épicerie solidaire Les Quatre Saisons",
    "shop.address": "CCAS — 1 place de la Mairie",
    "shop.siret": "",
    "shop.vat_exempt": True,
    "shop.receipt_footer": "",  # lines printed at the end of every receipt
    "site.demo": False,  # set by `caisse demo`: a « DÉMO » band on every page
    # Lock-outs: 5 failures for one account (or badge) from one computer; 20 failures of any
    # account from one computer; 50 failures of one account from everywhere (a spread attack).
    "security.max_failed_logins": 5,
    "security.max_failed_logins_per_address": 20,
    "security.max_failed_logins_account": 50,
    "security.lockout_minutes": 15,
    # Stock: lots within this many days of their DLC are flagged; past DDM may still be sold.
    "stock.expiry_warning_days": 3,
    "stock.sell_past_ddm": True,
    # Supermarket donations must arrive with at least this many hours before their DLC.
    "stock.donation_min_hours_before_dlc": 48,
    # Épicerie access rights (../shared/DOMAIN.md).
    "epicerie.right_default_months": 3,
    "epicerie.right_max_months": 6,
    "epicerie.default_rate_bp": 2000,
    "epicerie.max_renewals": 1,  # consecutive renewals of a right
    "epicerie.renewal_gap_months": 3,  # wait after the last allowed renewal before a new right
    "epicerie.rav_threshold_cents": 800,  # eligibility guide: 8 € per person per day
    "epicerie.allowance_by_persons_cents": {"1": 2000, "2": 3000, "3": 4000, "4": 5000},
    "epicerie.referents_see_all": False,
    "rgpd.inactive_years": 2,
    # Ateliers d'insertion: the contract's weekly minimum (a contract may ask more, e.g. 15 h
    # for RSA engagement contracts), and what a jardin delivery counts when nobody planned it.
    "ateliers.min_weekly_minutes": 9 * 60,
    "ateliers.harvest_minutes": 3 * 60,
    # Scanners: a burst of keys ending with Enter is a scan when its mean gap is under this
    # (slow scanners and a busy browser's stalls pass, a person typing does not).
    "till.scanner_mean_gap_ms": 50,
    # Till: a cash difference above this needs a staff badge at closing.
    "till.difference_badge_threshold_cents": 1000,
    # Till: cash put in or taken out beyond this needs an encadrant·e's badge and PIN.
    "till.cash_movement_badge_threshold_cents": 5000,
    # The thermal label printer (ESC/POS roll, 58 or 80 mm): like a till's printer.
    "labels.printer_kind": "none",
    "labels.printer_target": "",
    "labels.printer_model": "pos-5890",
    # Serial scale (Toledo 8217 protocol) of this server: "/dev/ttyUSB0", or "" for none.
    "hardware.scale_port": "",
}


def get_setting(session: Session, key: str) -> Any:
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    stored = session.get(Setting, key)
    return DEFAULTS[key] if stored is None else stored.value


def set_setting(session: Session, key: str, value: Any, now: datetime) -> None:
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    stored = session.get(Setting, key)
    if stored is None:
        session.add(Setting(key=key, value=value, updated_at=now))
    else:
        stored.value = value
        stored.updated_at = now
    session.flush()


FOOTER_LINES = 4


def receipt_footer(session: Session) -> tuple[str, ...]:
    """The lines printed at the end of every receipt (a thank-you, opening hours…)."""
    return tuple(line for line in (get_setting(session, "shop.receipt_footer") or "")
                 .splitlines() if line.strip())[:FOOTER_LINES]
