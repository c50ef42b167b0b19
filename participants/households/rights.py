"""Access rights to the épicerie: requests, committee decisions, renewals, the till's answer."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.clock import shop_date
from app.orm import lock_key
from app.sites.models import Site
from participants.errors import CardRefused, InvalidData
from participants.models import AccessRight, Household, HouseholdCard, RightStatus
from participants.settings import (
    ALLOWANCE_BY_PERSONS_CENTS,
    CAPACITY,
    MAX_RATE_BP,
    MAX_RENEWALS,
    MIN_RATE_BP,
    ONE_SITE_PER_HOUSEHOLD,
    RENEWAL_GAP_MONTHS,
    RIGHT_MAX_MONTHS,
)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def right_end(starts_on: date, months: int) -> date:
    """A right of 3 months from 15/01 covers up to 14/04 included."""
    return add_months(starts_on, months) - timedelta(days=1)


def default_allowance_cents(session: Session, persons: int) -> int:
    table = ALLOWANCE_BY_PERSONS_CENTS.get(session)
    return table[str(min(max(persons, 1), max(int(k) for k in table)))]


@dataclass(frozen=True)
class RightRequest:
    starts_on: date
    months: int
    participation_rate_bp: int
    monthly_allowance_cents: int
    personal_project: str


def _granted(household: Household) -> list[AccessRight]:
    return [r for r in household.rights if r.status == RightStatus.GRANTED]


def _renewal_depth(right: AccessRight, rights_by_id: dict[int, AccessRight]) -> int:
    depth = 0
    while right.renewal_of_id is not None:
        depth += 1
        right = rights_by_id[right.renewal_of_id]
    return depth


def request_right(
    session: Session, actor_id: int, now: datetime, household: Household, data: RightRequest
) -> AccessRight:
    """A pending request for the committee; renewals are checked against the settings."""
    max_months = RIGHT_MAX_MONTHS.get(session)
    if not 1 <= data.months <= max_months:
        raise InvalidData(_("Durée d'un droit : de 1 à %(m)d mois.", m=max_months))
    if not MIN_RATE_BP <= data.participation_rate_bp <= MAX_RATE_BP:
        raise InvalidData(_("Taux de participation : de 10 % à 30 % de la valeur."))
    if data.monthly_allowance_cents <= 0 or data.monthly_allowance_cents > 100_000:
        raise InvalidData(_("Montant mensuel : entre 0,01 € et 1 000 €."))
    if not data.personal_project.strip():
        raise InvalidData(
            _("Le projet personnel est obligatoire (ex. : « épargner pour le permis »).")
        )
    if any(r.status == RightStatus.PENDING for r in household.rights):
        raise InvalidData(_("Une demande attend déjà la commission pour ce foyer."))
    if any(r.status == RightStatus.WAITING for r in household.rights):
        raise InvalidData(_("Ce foyer est déjà sur la liste d'attente."))
    ends_on = right_end(data.starts_on, data.months)
    renewal_of = None
    granted = _granted(household)
    if granted:
        last = max(granted, key=lambda r: r.ends_on)
        if data.starts_on <= last.ends_on:
            raise InvalidData(
                _(
                    "Le droit en cours court jusqu'au %(d)s : la nouvelle période commence après.",
                    d=last.ends_on.strftime("%d/%m/%Y"),
                )
            )
        gap = RENEWAL_GAP_MONTHS.get(session)
        if data.starts_on <= add_months(last.ends_on, gap):
            depth = _renewal_depth(last, {r.id: r for r in household.rights}) + 1
            allowed = MAX_RENEWALS.get(session)
            if depth > allowed:
                raise InvalidData(
                    _(
                        "Renouvellement refusé : %(n)d renouvellement(s) au plus. Nouvelle demande "
                        "possible pour une période commençant après le %(d)s.",
                        n=allowed,
                        d=add_months(last.ends_on, gap).strftime("%d/%m/%Y"),
                    )
                )
            renewal_of = last.id
    right = AccessRight(
        household_id=household.id,
        status=RightStatus.PENDING,
        starts_on=data.starts_on,
        ends_on=ends_on,
        participation_rate_bp=data.participation_rate_bp,
        monthly_allowance_cents=data.monthly_allowance_cents,
        personal_project=data.personal_project.strip(),
        renewal_of_id=renewal_of,
        requested_at=now,
        requested_by_id=actor_id,
    )
    household.rights.append(right)
    household.last_contact_at = now
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="right.requested",
        target=f"household:{household.id}",
    )
    return right


def decide_right(
    session: Session,
    actor_id: int,
    now: datetime,
    right: AccessRight,
    grant: bool,
    note: str | None = None,
) -> None:
    if right.status != RightStatus.PENDING:
        raise InvalidData(_("Cette demande a déjà été décidée."))
    full = grant and right.renewal_of_id is None and places_left(session, now) <= 0
    # Granted while full: waits for a place, in order (a renewal keeps the household's place).
    right.status = (
        RightStatus.WAITING if full else RightStatus.GRANTED if grant else RightStatus.REFUSED
    )
    right.decided_at = now
    right.decided_by_id = actor_id
    right.decision_note = (note or "").strip()[:300] or None
    right.household.last_contact_at = now
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action={
            RightStatus.GRANTED: "right.granted",
            RightStatus.WAITING: "right.waiting",
            RightStatus.REFUSED: "right.refused",
        }[right.status],
        target=f"household:{right.household_id}",
    )
    session.flush()


def end_right(
    session: Session, actor_id: int, now: datetime, right: AccessRight, on: date, note: str
) -> None:
    if right.status != RightStatus.GRANTED:
        raise InvalidData(_("Seul un droit accordé peut être clos."))
    right.status = RightStatus.ENDED
    right.ends_on = min(right.ends_on, on)
    right.decision_note = note.strip()[:300] or None
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="right.ended",
        target=f"household:{right.household_id}",
    )
    session.flush()


def right_on(household: Household, day: date) -> AccessRight | None:
    for right in household.rights:
        if right.status == RightStatus.GRANTED and right.starts_on <= day <= right.ends_on:
            return right
    return None


def card_validity(household: Household, day: date) -> str:
    """What a household's card says of its right, on the card page and the printed card alike:
    valid until a date, a right that starts later, or one to renew."""
    current = right_on(household, day)
    if current is not None:
        return _("Valable jusqu'au %(d)s", d=current.ends_on.strftime("%d/%m/%Y"))
    if any(r.status == RightStatus.GRANTED and r.starts_on > day for r in household.rights):
        return _("Droit à venir")
    return _("Droit à renouveler")


def pending_rights(session: Session) -> list[AccessRight]:
    return list(
        session.scalars(
            select(AccessRight)
            .where(AccessRight.status == RightStatus.PENDING)
            .order_by(AccessRight.requested_at)
        )
    )


@dataclass(frozen=True)
class TillHousehold:
    """All the till may know of a household: nothing of its social file."""

    card_code: str
    display_name: str
    right_valid: bool
    message: str
    right_ends_on: date | None
    participation_rate_bp: int | None
    monthly_allowance_cents: int | None
    spent_this_month_cents: int
    remaining_this_month_cents: int | None


@dataclass(frozen=True)
class MonthVisits:
    month: date  # first day of the month
    visits: int
    paid_cents: int
    reference_cents: int


# The till provides the visits of a card (one per sale), month by month, newest first.
VisitsLookup = Callable[[Session, str], list[MonthVisits]]


# What the household paid this calendar month: the till knows (participants.ports).
SpendingLookup = Callable[[Session, str, date], int]


def household_for_till(
    session: Session,
    card_code: str,
    today: date,
    *,
    spent: SpendingLookup,
    site_id: int | None = None,
) -> TillHousehold:
    """What the till at ``site_id`` may know of a card (refused there when each household is
    served at its own site only and this one's is another)."""
    household = session.scalar(select(Household).where(Household.card_code == card_code))
    if household is None:
        replaced = session.scalar(select(HouseholdCard).where(HouseholdCard.code == card_code))
        if replaced is not None:
            raise CardRefused(
                _("Carte remplacée : elle n'est plus valable. Demandez la nouvelle carte du foyer.")
            )
        raise CardRefused(_("Carte inconnue. Vérifiez la carte ou servez comme public."))
    if household.anonymised_at is not None:
        raise CardRefused(_("Ce dossier est clos."))
    if (
        site_id is not None
        and household.home_site_id not in (None, site_id)
        and ONE_SITE_PER_HOUSEHOLD.get(session)
    ):
        home = session.scalar(select(Site.name).where(Site.id == household.home_site_id))
        raise CardRefused(_("Ce foyer est servi à son site, « %(s)s » : pas à celui-ci.", s=home))
    right = right_on(household, today)
    spent_cents = spent(session, household.card_code, today)
    if right is None:
        upcoming = [r for r in _granted(household) if r.starts_on > today]
        message = (
            _(
                "Droit valable à partir du %(d)s.",
                d=min(r.starts_on for r in upcoming).strftime("%d/%m/%Y"),
            )
            if upcoming
            else _("Pas de droit en cours : prix public.")
        )
        return TillHousehold(
            household.card_code,
            household.display_name,
            False,
            message,
            None,
            None,
            None,
            spent_cents,
            None,
        )
    remaining = right.monthly_allowance_cents - spent_cents
    return TillHousehold(
        household.card_code,
        household.display_name,
        True,
        _("Droit valable jusqu'au %(d)s.", d=right.ends_on.strftime("%d/%m/%Y")),
        right.ends_on,
        right.participation_rate_bp,
        right.monthly_allowance_cents,
        spent_cents,
        remaining,
    )


# ---- places and the waiting list (setting epicerie.capacity; 0 = no limit) -----------------
def households_holding_a_place(session: Session, today: date) -> int:
    """Households with a granted right running today or to come."""
    return session.scalar(
        select(func.count(func.distinct(AccessRight.household_id))).where(
            AccessRight.status == RightStatus.GRANTED, AccessRight.ends_on >= today
        )
    )


def places_left(session: Session, now: datetime) -> int:
    """Places free in the épicerie (a large number when there is no limit)."""
    capacity = CAPACITY.get(session)
    if not capacity:
        return 1_000_000
    lock_key(session, "epicerie.places")  # two grants at once cannot take the same last place
    return capacity - households_holding_a_place(session, shop_date(now))


def waiting_list(session: Session) -> list[AccessRight]:
    """Granted by the committee while full: in the order of the decisions."""
    return list(
        session.scalars(
            select(AccessRight)
            .where(AccessRight.status == RightStatus.WAITING)
            .order_by(AccessRight.decided_at, AccessRight.id)
        )
    )


def offer_next_place(session: Session, actor_id: int, now: datetime) -> AccessRight:
    """The first household in line gets the place: its right starts today (or on its own
    start date if later) for the duration granted; logged."""
    if places_left(session, now) <= 0:
        raise InvalidData(_("Aucune place libre : l'épicerie est complète."))
    line = waiting_list(session)
    if not line:
        raise InvalidData(_("Personne n'attend."))
    right = line[0]
    today = shop_date(now)
    if right.starts_on < today:
        duration = right.ends_on - right.starts_on
        right.starts_on, right.ends_on = today, today + duration
    right.status = RightStatus.GRANTED
    right.household.last_contact_at = now
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="right.place_offered",
        target=f"household:{right.household_id}",
        details={"du": right.starts_on.isoformat(), "au": right.ends_on.isoformat()},
    )
    session.flush()
    return right
