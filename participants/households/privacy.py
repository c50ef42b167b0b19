"""Who may see a household's file, the log of every read, archiving and data export (RGPD)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.audit.services import forget_audit_details, record_audit, record_read
from app.text import fold_for_search
from app.users.models import User
from app.users.roles import Permission
from participants.errors import NotAllowed
from participants.households.records import consumption_units_tenths, household_rav_cents
from participants.models import Household
from participants.settings import INACTIVE_YEARS, REFERENTS_SEE_ALL


def households_visible_to(session: Session, user: User) -> Select:
    """A referent sees the files they follow (all of them if the setting says so)."""
    if not user.can(Permission.HOUSEHOLDS_MANAGE):
        raise NotAllowed(_("Votre rôle ne donne pas accès aux dossiers des foyers."))
    query = select(Household).where(Household.anonymised_at.is_(None))
    if not REFERENTS_SEE_ALL.get(session):
        query = query.where(Household.referent_user_id == user.id)
    return query


def search_households(session: Session, user: User, text: str = "") -> list[Household]:
    query = households_visible_to(session, user).order_by(Household.display_name)
    households = list(session.scalars(query))
    folded = fold_for_search(text)
    return [h for h in households if folded in fold_for_search(h.display_name)]


def open_household_file(
    session: Session, user: User, household_id: int, now: datetime, remote_addr: str | None
) -> Household:
    """Return the file if the user may read it, and log the read (who, when)."""
    household = session.scalar(
        households_visible_to(session, user).where(Household.id == household_id)
    )
    if household is None:
        raise NotAllowed(_("Ce dossier n'est pas dans ceux que vous suivez."))
    record_read(
        session,
        actor_id=user.id,
        now=now,
        action="household.viewed",
        target=f"household:{household.id}",
        remote_addr=remote_addr,
    )
    return household


def file_reads(session: Session, household: Household, limit: int = 50) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.target == f"household:{household.id}")
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class InactiveFile:
    """What management sees to archive a file: no name, no social data."""

    household_id: int
    last_contact_at: datetime | None
    persons: int


def inactive_files(session: Session, now: datetime) -> list[InactiveFile]:
    years = INACTIVE_YEARS.get(session)
    limit = (
        now.replace(year=now.year - years)
        if not (now.month == 2 and now.day == 29)
        else now.replace(year=now.year - years, day=28)
    )
    rows = session.scalars(
        select(Household)
        .where(
            Household.anonymised_at.is_(None),
            or_(Household.last_contact_at.is_(None), Household.last_contact_at < limit),
        )
        .order_by(Household.last_contact_at)
    )
    return [InactiveFile(h.id, h.last_contact_at, len(h.members)) for h in rows]


def anonymise_household(
    session: Session, actor_id: int, now: datetime, household: Household
) -> None:
    """Remove identity; keep the pseudonymous card id, composition by age and sex, and rights,
    so the cash records and the yearly figures stay whole."""
    household.display_name = _("Foyer anonymisé n° %(n)d", n=household.id)
    household.referrer_name = ""
    household.referent_user_id = None
    household.notes = None
    household.monthly_resources_cents = 0
    household.monthly_charges_cents = 0
    for person in household.members:
        person.first_name = "—"
    for right in household.rights:
        right.personal_project = "—"
        right.decision_note = None
    for card in household.cards:
        card.revoked_reason = None
    household.anonymised_at = now
    forget_audit_details(session, f"household:{household.id}")
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="household.anonymised",
        target=f"household:{household.id}",
    )
    session.flush()


def export_household(household: Household, year: int) -> dict:
    """Everything the CCAS holds on a household, for a right-of-access request."""
    return {
        "foyer": {
            "numero": household.id,
            "nom": household.display_name,
            "carte": household.card_code,
            "prescripteur": {
                "organisme": household.referring_body.value,
                "nom": household.referrer_name,
            },
            "ressources_mensuelles_cents": household.monthly_resources_cents,
            "charges_mensuelles_cents": household.monthly_charges_cents,
            "reste_a_vivre_par_jour_cents": household_rav_cents(household),
            "unites_de_consommation": consumption_units_tenths(
                [p.birth_year for p in household.members], year
            )
            / 10,
            "remarques": household.notes,
            "cree_le": household.created_at.isoformat(),
        },
        "personnes": [
            {
                "prenom": p.first_name,
                "annee_naissance": p.birth_year,
                "sexe": p.sex.value,
                "lien": p.kinship.value,
            }
            for p in household.members
        ],
        "droits": [
            {
                "statut": r.status.value,
                "du": r.starts_on.isoformat(),
                "au": r.ends_on.isoformat(),
                "taux_participation_pb": r.participation_rate_bp,
                "montant_mensuel_cents": r.monthly_allowance_cents,
                "projet": r.personal_project,
                "decision": r.decision_note,
            }
            for r in household.rights
        ],
        "cartes": [
            {
                "code": c.code,
                "emise_le": c.issued_at.isoformat(),
                "retiree_le": c.revoked_at.isoformat() if c.revoked_at else None,
            }
            for c in household.cards
        ],
    }


def committee_view(right_household: Household, year: int) -> dict:
    """The anonymous summary the access committee sees."""
    members = right_household.members
    ages = [year - p.birth_year for p in members]
    return {
        "number": right_household.id,
        "adults": sum(age >= 18 for age in ages),
        "children": sum(age < 18 for age in ages),
        "units_tenths": consumption_units_tenths([p.birth_year for p in members], year),
        "rav_cents": household_rav_cents(right_household),
    }


def card_label_rows(
    session: Session, user: User, household_ids: list[int], today
) -> list[tuple[str, str, str]]:
    """(display name, card code, validity text) of the cards this user may print; each printed
    card is a logged read of its household."""
    from app.clock import utcnow
    from participants.households.rights import card_validity

    households = session.scalars(
        households_visible_to(session, user)
        .where(Household.id.in_(household_ids))
        .order_by(Household.display_name)
    )
    rows = []
    for household in households:
        rows.append((household.display_name, household.card_code, card_validity(household, today)))
        record_read(
            session,
            actor_id=user.id,
            now=utcnow(),
            action="household.card_printed",
            target=f"household:{household.id}",
        )
    return rows
