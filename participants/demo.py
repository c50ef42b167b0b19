"""Demo people: ~40 households with their members, the CCAS's ateliers, 15 participants, parcels."""

from __future__ import annotations

from datetime import timedelta

from app.barcodes import complete_ean13
from app.clock import shop_date
from app.users.roles import Role
from participants.defaults import ATELIERS  # one list, for `caisse init` and the demo
from participants.households.rights import default_allowance_cents, right_end
from participants.models import (
    AccessRight,
    Atelier,
    Household,
    HouseholdCard,
    Kinship,
    Participant,
    ParticipantStatus,
    Person,
    ReferringBody,
    RightStatus,
    Sex,
)

FAMILY_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Andre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "Francois",
    "Martinez",
    "Legrand",
    "Benali",
    "Diallo",
    "Nguyen",
    "Haddad",
    "Traoré",
    "Rousseau",
    "Blanc",
    "Guerin",
    "Muller",
    "Henry",
)
FIRST_NAMES_F = (
    "Amina",
    "Julie",
    "Fatou",
    "Sandrine",
    "Léa",
    "Inès",
    "Chloé",
    "Nathalie",
    "Yasmine",
    "Camille",
)
FIRST_NAMES_M = (
    "Mohamed",
    "Kevin",
    "Thierry",
    "Lucas",
    "Youssef",
    "Patrick",
    "Hugo",
    "Moussa",
    "Antoine",
    "Rayan",
)
REFERRERS = (
    (ReferringBody.CONSEIL_DEPARTEMENTAL, "Mme Perrin (MDS du centre)"),
    (ReferringBody.CCAS, "M. Colin"),
    (ReferringBody.MISSION_LOCALE, "Mme Aubert"),
    (ReferringBody.FRANCE_TRAVAIL, "M. Faure"),
)
PROJECTS = (
    "Solder une dette de loyer",
    "Épargner pour le permis de conduire",
    "Payer une formation",
    "Rembourser une facture d'énergie",
    "Équiper le logement",
    "Préparer un déménagement",
)
STATUSES = (
    ParticipantStatus.RSA,
    ParticipantStatus.RSA,
    ParticipantStatus.AAH,
    ParticipantStatus.JOB_SEEKER,
    ParticipantStatus.RETIRED,
)


def _first_name(rng, sex: Sex) -> str:
    return rng.choice(FIRST_NAMES_F if sex == Sex.FEMALE else FIRST_NAMES_M)


def load_demo(session, context) -> list[str]:
    rng, now = context.rng, context.now
    year = shop_date(now).year
    users = context.shared.get("users", {})
    referent = users.get(Role.REFERENT)
    persons = rights = 0
    for number, family in enumerate(FAMILY_NAMES, start=1):
        body, referrer = rng.choice(REFERRERS)
        created = now - timedelta(days=number * 9)
        household = Household(
            card_code=complete_ean13(f"042{rng.randrange(10**9):09d}"),
            display_name=f"Foyer {family}",
            referring_body=body,
            referrer_name=referrer,
            created_at=created,
            last_contact_at=created,
            referent_user_id=referent.id if referent else None,
            monthly_resources_cents=rng.randint(60, 160) * 1000,
            monthly_charges_cents=rng.randint(30, 90) * 1000,
        )
        adult_sex = rng.choice((Sex.FEMALE, Sex.FEMALE, Sex.MALE))
        household.members.append(
            Person(
                first_name=_first_name(rng, adult_sex),
                birth_year=year - rng.randint(22, 78),
                sex=adult_sex,
                kinship=Kinship.REFERENCE,
            )
        )
        if rng.random() < 0.4:
            other = Sex.MALE if adult_sex == Sex.FEMALE else Sex.FEMALE
            household.members.append(
                Person(
                    first_name=_first_name(rng, other),
                    birth_year=year - rng.randint(22, 70),
                    sex=other,
                    kinship=Kinship.SPOUSE,
                )
            )
        for _ in range(rng.choice((0, 0, 1, 2, 3, 4))):
            sex = rng.choice((Sex.FEMALE, Sex.MALE))
            household.members.append(
                Person(
                    first_name=_first_name(rng, sex),
                    birth_year=year - rng.randint(0, 19),
                    sex=sex,
                    kinship=Kinship.CHILD,
                )
            )
        persons += len(household.members)
        session.add(household)
        session.flush()
        session.add(
            HouseholdCard(household_id=household.id, code=household.card_code, issued_at=created)
        )
        rights += _demo_right(session, context, household, number, created)

    encadrant = users.get(Role.ENCADRANT)
    for code, name in ATELIERS:
        session.add(
            Atelier(
                code=code, name=name, capacity=6, encadrant_id=encadrant.id if encadrant else None
            )
        )

    caissier = users.get(Role.CAISSIER)
    referent_line = f"Foyers : {rights} droits (accordés, en attente de la commission, échus)."
    for index in range(15):
        sex = Sex.FEMALE if index % 2 == 0 else Sex.MALE
        body, referrer = rng.choice(REFERRERS)
        linked_user = caissier if index == 0 and caissier else None
        session.add(
            Participant(
                first_name=linked_user.display_name.split()[0]
                if linked_user
                else _first_name(rng, sex),
                last_name=rng.choice(FAMILY_NAMES),
                status=rng.choice(STATUSES),
                referring_body=body,
                referrer_name=referrer,
                entry_date=shop_date(now) - timedelta(days=rng.randint(10, 300)),
                user_id=linked_user.id if linked_user else None,
            )
        )
    contracts = _demo_ateliers(session, context, encadrant)
    return [
        f"Épicerie : {len(FAMILY_NAMES)} foyers ({persons} personnes).",
        referent_line,
        f"Ateliers : {len(ATELIERS)} ateliers, 15 participant·es ({contracts} contrats de 9 h "
        "et plus, appels des 3 dernières semaines), 6 parcelles de jardin.",
    ]


def _demo_ateliers(session, context, encadrant) -> int:
    """Contracts through the same rules as the pages (capacity, conflicts, minimum hours),
    past roll calls with a few absences, one evaluation each, two transversal actions."""
    from sqlalchemy import select

    from participants.ateliers.attendance import RollCallEntry, record_roll_call
    from participants.ateliers.common import days_between, monday_of
    from participants.ateliers.contracts import ContractData, SlotData, create_contract
    from participants.ateliers.evaluations import DEFAULT_CRITERIA, add_criterion, record_evaluation
    from participants.ateliers.exits import create_action
    from participants.models import ActionKind, AttendanceStatus

    if encadrant is None:
        return 0
    rng, now = context.rng, context.now
    today = shop_date(now)
    monday = monday_of(today)
    ateliers = {a.code: a for a in session.scalars(select(Atelier))}
    criteria = [add_criterion(session, name) for name in DEFAULT_CRITERIA]
    people = list(session.scalars(select(Participant).order_by(Participant.id)))
    plans = (
        ("quatre_saisons", "jardinage"),
        ("jardinage", "alimentation"),
        ("confection", "demarches"),
        ("ressourcerie", "expressions"),
        ("bien_etre", "genealogie"),
    )
    count = 0
    for index, person in enumerate(people[:12]):
        first, second = plans[index % len(plans)]
        days = ((0, 2), (1, 3), (2, 4))[index % 3]
        slots = [
            SlotData(ateliers[first].id, days[0], 9 * 60, 12 * 60),
            SlotData(ateliers[first].id, days[1], 9 * 60, 12 * 60),
            SlotData(ateliers[second].id, days[1], 13 * 60 + 30, 16 * 60 + 30),
        ]
        start = monday - timedelta(weeks=3, days=-(index % 3))
        contract = create_contract(
            session,
            encadrant.id,
            now,
            person,
            ContractData(
                person.referrer_name, start, start + timedelta(days=182), tuple(slots), None, start
            ),
        )
        count += 1
        for day in days_between(start, today - timedelta(days=1)):
            for slot in contract.slots:
                if slot.weekday != day.weekday():
                    continue
                roll = rng.random()
                status = (
                    AttendanceStatus.PRESENT
                    if roll < 0.85
                    else AttendanceStatus.JUSTIFIED
                    if roll < 0.93
                    else AttendanceStatus.UNJUSTIFIED
                )
                record_roll_call(
                    session,
                    encadrant.id,
                    now,
                    today,
                    slot.atelier,
                    day,
                    [RollCallEntry(person.id, status, slot.minutes)],
                )
        record_evaluation(
            session,
            encadrant.id,
            now,
            person,
            start + timedelta(days=7),
            {c.id: rng.randint(1, 3) for c in criteria},
        )
        record_evaluation(
            session,
            encadrant.id,
            now,
            person,
            today - timedelta(days=1),
            {c.id: rng.randint(2, 4) for c in criteria},
        )
    create_action(
        session,
        encadrant.id,
        now,
        ActionKind.HEALTH_CHECK,
        "Bilan de santé (CPAM)",
        today - timedelta(days=10),
        [p.id for p in people[:5]],
    )
    create_action(
        session,
        encadrant.id,
        now,
        ActionKind.COMPANY_VISIT,
        "Visite d'une plateforme logistique",
        today - timedelta(days=3),
        [p.id for p in people[5:9]],
    )
    return count


def _demo_right(session, context, household, number: int, created) -> int:
    """Most households have a current right; some wait for the committee, some expired."""
    today = shop_date(context.now)
    persons = len(household.members)
    allowance = default_allowance_cents(session, persons)
    start = today - timedelta(days=context.rng.randint(5, 60))
    status, starts_on = RightStatus.GRANTED, start
    if number % 8 == 0:
        status, starts_on = RightStatus.PENDING, today + timedelta(days=7)
    elif number % 11 == 0:
        starts_on = today - timedelta(days=200)  # long ended
    session.add(
        AccessRight(
            household_id=household.id,
            status=status,
            starts_on=starts_on,
            ends_on=right_end(starts_on, 3),
            participation_rate_bp=2000,
            monthly_allowance_cents=allowance,
            personal_project=context.rng.choice(PROJECTS),
            requested_at=created,
            decided_at=None if status == RightStatus.PENDING else created,
        )
    )
    return 1
