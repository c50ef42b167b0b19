"""Households: composition, reste à vivre and consumption units, cards."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.barcodes import complete_ean13
from app.money import round_half_away
from app.sites.models import Site
from participants.errors import InvalidData
from participants.models import (
    Household,
    HouseholdCard,
    Kinship,
    Person,
    ReferringBody,
    Sex,
)

CARD_PREFIX = "042"  # the nomenclature's beneficiary-card rule
MAX_MEMBERS = 15
MAX_MONTHLY_CENTS = 10_000_000


@dataclass(frozen=True)
class MemberData:
    first_name: str
    birth_year: int
    sex: Sex
    kinship: Kinship


@dataclass(frozen=True)
class HouseholdData:
    display_name: str
    referring_body: ReferringBody
    referrer_name: str
    monthly_resources_cents: int
    monthly_charges_cents: int
    notes: str | None = None
    members: tuple[MemberData, ...] = field(default_factory=tuple)
    home_site_id: int | None = None  # at creation: the site of the person registering it


def consumption_units_tenths(birth_years: list[int], year: int) -> int:
    """INSEE/OECD scale in tenths: 10 for the first adult, 5 per other person aged 14 or more,
    3 per child under 14. Only the birth year is known: age = year − birth year."""
    if not birth_years:
        return 0
    ages = sorted((year - born for born in birth_years), reverse=True)
    units = 10
    for age in ages[1:]:
        units += 5 if age >= 14 else 3
    return units


def daily_remaining_cents(resources_cents: int, charges_cents: int, persons: int) -> int:
    """Reste à vivre per person per day: (resources − charges) / persons / 30, to the cent
    (halves away from zero). May be negative when charges exceed resources."""
    if persons <= 0:
        return 0
    return round_half_away(resources_cents - charges_cents, persons * 30)


def household_rav_cents(household: Household) -> int:
    return daily_remaining_cents(
        household.monthly_resources_cents, household.monthly_charges_cents, len(household.members)
    )


def _validate(data: HouseholdData, year: int) -> None:
    if not data.display_name.strip():
        raise InvalidData(_("Le nom du foyer est obligatoire (ex. : « Foyer Martin »)."))
    if not data.referrer_name.strip():
        raise InvalidData(_("Indiquez le ou la prescripteur·rice."))
    for amount in (data.monthly_resources_cents, data.monthly_charges_cents):
        if not 0 <= amount <= MAX_MONTHLY_CENTS:
            raise InvalidData(_("Ressources et charges : un montant mensuel entre 0 et 100 000 €."))
    if data.notes and len(data.notes) > 500:
        raise InvalidData(
            _("Remarques : 500 caractères au plus (factuelles, sans données de santé).")
        )
    if not 1 <= len(data.members) <= MAX_MEMBERS:
        raise InvalidData(_("Un foyer compte de 1 à 15 personnes."))
    for member in data.members:
        if not member.first_name.strip():
            raise InvalidData(_("Chaque personne a un prénom."))
        if not year - 120 <= member.birth_year <= year:
            raise InvalidData(_("Année de naissance invraisemblable : %(y)d.", y=member.birth_year))
    if sum(m.kinship == Kinship.REFERENCE for m in data.members) != 1:
        raise InvalidData(_("Un foyer a exactement une personne de référence."))


def new_card_code(session: Session) -> str:
    """A random, check-digit-valid code: it says nothing of the household (pseudonymous)."""
    while True:
        code = complete_ean13(CARD_PREFIX + f"{secrets.randbelow(10**9):09d}")
        taken = session.scalar(select(HouseholdCard.id).where(HouseholdCard.code == code))
        if taken is None:
            return code


def _members(data: HouseholdData) -> list[Person]:
    return [
        Person(
            first_name=m.first_name.strip(), birth_year=m.birth_year, sex=m.sex, kinship=m.kinship
        )
        for m in data.members
    ]


def create_household(
    session: Session, actor_id: int, now: datetime, data: HouseholdData
) -> Household:
    _validate(data, now.year)
    household = Household(
        card_code=new_card_code(session),
        display_name=data.display_name.strip(),
        referring_body=data.referring_body,
        referrer_name=data.referrer_name.strip(),
        referent_user_id=actor_id,
        monthly_resources_cents=data.monthly_resources_cents,
        monthly_charges_cents=data.monthly_charges_cents,
        notes=(data.notes or "").strip() or None,
        created_at=now,
        last_contact_at=now,
        home_site_id=data.home_site_id,
    )
    household.members.extend(_members(data))
    session.add(household)
    session.flush()
    session.add(HouseholdCard(household_id=household.id, code=household.card_code, issued_at=now))
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="household.created",
        target=f"household:{household.id}",
    )
    session.flush()
    return household


def update_household(
    session: Session, actor_id: int, now: datetime, household: Household, data: HouseholdData
) -> None:
    _validate(data, now.year)
    household.display_name = data.display_name.strip()
    household.referring_body = data.referring_body
    household.referrer_name = data.referrer_name.strip()
    household.monthly_resources_cents = data.monthly_resources_cents
    household.monthly_charges_cents = data.monthly_charges_cents
    household.notes = (data.notes or "").strip() or None
    for person in list(household.members):
        session.delete(person)
    household.members.clear()
    session.flush()
    household.members.extend(_members(data))
    household.last_contact_at = now
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="household.updated",
        target=f"household:{household.id}",
    )
    session.flush()


def set_home_site(
    session: Session, actor_id: int, now: datetime, household: Household, site_id: int | None
) -> None:
    """The site the household is served at when each household has one (None: every site)."""
    if site_id is not None:
        site = session.get(Site, site_id)
        if site is None or not site.is_active:
            raise InvalidData(_("Choisissez un site de la liste."))
    household.home_site_id = site_id
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="household.home_site_changed",
        target=f"household:{household.id}",
        details={"site": site_id},
    )
    session.flush()


def reissue_card(
    session: Session, actor_id: int, now: datetime, household: Household, reason: str
) -> str:
    """A lost card: the old code is refused from now on, a new one is issued."""
    for card in household.cards:
        if card.revoked_at is None:
            card.revoked_at = now
            card.revoked_reason = reason.strip()[:120] or _("carte perdue")
    household.card_code = new_card_code(session)
    session.add(HouseholdCard(household_id=household.id, code=household.card_code, issued_at=now))
    household.last_contact_at = now
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="household.card_reissued",
        target=f"household:{household.id}",
    )
    session.flush()
    return household.card_code
