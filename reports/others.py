"""The ressourcerie's tonnage and the ateliers' yearly "bilan", as report tables."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.charts import bar_chart
from inventory.models import RessourcerieChoice, RessourcerieItem
from inventory.ressourcerie.choices import collected_tables
from inventory.ressourcerie.tonnage import outcomes, tonnage
from participants.ateliers.exits import ACTION_LABELS, EXIT_LABELS
from participants.ateliers.hours import done_minutes, planned_minutes
from participants.ateliers.models import action_participants
from participants.ateliers.people import STATUS_LABELS
from participants.models import (
    POSITIVE_EXITS,
    Contract,
    ExitType,
    Participant,
    TransversalAction,
)
from pos.models import Sale, SaleLine, Till
from reports.periods import Period
from reports.tables import Hours, Kg, Percent, Report, Table, percent_of


def sold_by_point(session: Session, period: Period) -> list[tuple[str, int, int]]:
    """Kilos of ressourcerie objects sold at the tills by the tills' sales point, tagged items
    and untagged objects sold by category apart (refunds deducted); « Non renseigné » for a
    till without a point. Rows (point, tagged grams, untagged grams)."""
    start, end = period.bounds

    def by_point(weight, query):
        rows = session.execute(
            query.add_columns(RessourcerieChoice.name, func.sum(weight))
            .join(Sale, Sale.id == SaleLine.sale_id)
            .join(Till, Till.id == Sale.till_id)
            .outerjoin(RessourcerieChoice, RessourcerieChoice.id == Till.point_id)
            .where(Sale.created_at >= start, Sale.created_at < end)
            .group_by(RessourcerieChoice.name)
        )
        return {name or "Non renseigné": int(grams or 0) for name, grams in rows}

    tagged = by_point(
        RessourcerieItem.weight_grams * SaleLine.quantity,
        select()
        .select_from(SaleLine)
        .join(RessourcerieItem, RessourcerieItem.id == SaleLine.item_id),
    )
    untagged = by_point(
        SaleLine.weight_grams,
        select().select_from(SaleLine).where(SaleLine.item_category_id.is_not(None)),
    )
    points = sorted(set(tagged) | set(untagged))
    return [(name, tagged.get(name, 0), untagged.get(name, 0)) for name in points]


def ressourcerie_report(session: Session, period: Period) -> Report:
    rows = tonnage(session, period.first, period.last)
    table = Table(
        "Tonnages par catégorie",
        ["Catégorie", "Collecté", "Réemployé", "Recyclé", "Jeté", "Taux de réemploi"],
    )
    for row in rows[:-1]:
        table.rows.append(
            [
                row.category,
                Kg(row.collected),
                Kg(row.reused),
                Kg(row.recycled),
                Kg(row.discarded),
                Percent(row.reuse_rate_tenths),
            ]
        )
    total = rows[-1]
    table.total = [
        "Total",
        Kg(total.collected),
        Kg(total.reused),
        Kg(total.recycled),
        Kg(total.discarded),
        Percent(total.reuse_rate_tenths),
    ]
    became = outcomes(session, period.first, period.last)
    extra = [
        Table(
            "Devenir des objets",
            ["Devenir", "Détail", "Poids"],
            [[outcome, detail, Kg(grams)] for outcome, detail, grams in became],
            ["Total", "", Kg(sum(grams for _o, _d, grams in became))],
        )
    ]
    sold = sold_by_point(session, period)
    by_point = Table(
        "Objets vendus par point de vente",
        ["Point", "Objets étiquetés", "Sans étiquette (au poids)", "Total"],
        [[n, Kg(t), Kg(u), Kg(t + u)] for n, t, u in sold],
    )
    by_point.total = [
        "Total",
        Kg(sum(t for _n, t, _u in sold)),
        Kg(sum(u for _n, _t, u in sold)),
        Kg(sum(t + u for _n, t, u in sold)),
    ]
    for title, rows_by in collected_tables(session, period.first, period.last):
        by_table = Table(title, ["", "Collecté"], [[name, Kg(grams)] for name, grams in rows_by])
        by_table.total = ["Total", Kg(sum(grams for _name, grams in rows_by))]
        extra.append(by_table)
    chart = bar_chart(
        [
            ("Collecté", total.collected // 1000),
            ("Réemployé", total.reused // 1000),
            ("Recyclé", total.recycled // 1000),
            ("Jeté", total.discarded // 1000),
        ],
        "Tonnage de la période (kg)",
        " kg",
    )
    return Report(
        "ressourcerie",
        "Ressourcerie : tonnages",
        period.label,
        [table, *extra, by_point],
        [chart],
        [
            "Réemployé : objets vendus (étiquetés, ou sans étiquette par catégorie et au "
            "poids), donnés ou confiés à une association partenaire."
        ],
    )


def ateliers_report(session: Session, period: Period) -> Report:
    people = list(
        session.scalars(
            select(Participant).where(
                Participant.entry_date <= period.last,
                (Participant.exit_date.is_(None)) | (Participant.exit_date >= period.first),
            )
        )
    )
    statuses = Counter(person.status for person in people)
    by_status = Table(
        "Participant·es par statut",
        ["Statut", "Nombre"],
        [[label, statuses.get(status, 0)] for status, label in STATUS_LABELS.items()],
        ["Total", len(people)],
    )
    planned = done = 0
    for person in people:
        planned += planned_minutes(person.contracts, period.first, period.last)
        done += sum(done_minutes(session, person, period.first, period.last).values())
    hours = Table(
        "Heures",
        ["", "Heures"],
        [["Prévues par les contrats", Hours(planned)], ["Faites", Hours(done)]],
        ["Réalisation", percent_of(done, planned)],
    )
    contracts = session.scalars(select(Contract)).all()
    new = [c for c in contracts if period.first <= c.start_date <= period.last]
    contract_table = Table(
        "Contrats d'intégration",
        ["", "Nombre"],
        [
            [
                "En cours sur la période",
                sum(
                    1
                    for c in contracts
                    if c.start_date <= period.last and c.last_day >= period.first
                ),
            ],
            ["Signés sur la période (nouveaux)", sum(1 for c in new if not c.renewal_of_id)],
            ["Renouvellements", sum(1 for c in new if c.renewal_of_id)],
            [
                "Terminés sur la période",
                sum(1 for c in contracts if period.first <= c.last_day <= period.last),
            ],
        ],
    )
    actions = Table("Actions transversales", ["Type", "Actions", "Participations"])
    for kind, count, seats in session.execute(
        select(
            TransversalAction.kind,
            func.count(func.distinct(TransversalAction.id)),
            func.count(action_participants.c.participant_id),
        )
        .outerjoin(action_participants, action_participants.c.action_id == TransversalAction.id)
        .where(TransversalAction.day >= period.first, TransversalAction.day <= period.last)
        .group_by(TransversalAction.kind)
    ):
        actions.rows.append([ACTION_LABELS[kind], count, seats])
    exits = Counter(
        session.scalars(
            select(Participant.exit_type).where(
                Participant.exit_date >= period.first, Participant.exit_date <= period.last
            )
        )
    )
    exit_table = Table("Sorties", ["Type", "Nombre"])
    for kind in ExitType:
        exit_table.rows.append(
            [
                ("Positive : " if kind in POSITIVE_EXITS else "Sans solution : ")
                + EXIT_LABELS[kind],
                exits.get(kind, 0),
            ]
        )
    positive = sum(n for k, n in exits.items() if k in POSITIVE_EXITS)
    exit_table.total = ["Sorties positives / total", f"{positive} / {sum(exits.values())}"]
    chart = bar_chart([(EXIT_LABELS[k], exits.get(k, 0)) for k in ExitType], "Sorties par type")
    return Report(
        "ateliers",
        "Ateliers d'insertion : bilan",
        period.label,
        [by_status, hours, contract_table, actions, exit_table],
        [chart],
    )
