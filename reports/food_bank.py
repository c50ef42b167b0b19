"""The yearly figures the Banque Alimentaire and ANDES ask of each association: persons and
households helped (by age band and sex), kilos received by origin and product family, kilos
distributed and lost by family. Built from the same data as the food-aid report (the tickets
with a card, the households' members, the stock ledger): nothing is typed twice.

A product counts in its category's family (*Stock → Catégories*); a category not classed yet
counts as « Non classé ». Kilos: grams of weighed products, pieces × net content (ml counted
as g); pieces without a known content are counted apart."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory.models import Category, Lot, MovementKind, Product, StockMovement
from inventory.services.categories import FOOD_FAMILY_LABELS
from reports.food_aid import LOSS_KINDS, ORIGIN_LABELS, grams_of, reached
from reports.periods import Period
from reports.tables import Kg, Report, Table

UNCLASSED = "Non classé"
RECEIVED = (MovementKind.RECEIVE,)
DISTRIBUTED = (MovementKind.SALE, MovementKind.REFUND)


def _weights(session: Session, period: Period, kinds) -> list[tuple]:
    """(origin, family, unit, net content, signed quantity) summed per lot, for these kinds."""
    start, end = period.bounds
    return session.execute(
        select(
            Lot.origin,
            Category.food_family,
            Product.unit,
            Product.net_content,
            func.sum(StockMovement.quantity),
        )
        .join(Lot, Lot.id == StockMovement.lot_id)
        .join(Product, Product.id == StockMovement.product_id)
        .join(Category, Category.id == Product.category_id)
        .where(StockMovement.at >= start, StockMovement.at < end, StockMovement.kind.in_(kinds))
        .group_by(
            StockMovement.lot_id,
            Lot.origin,
            Category.food_family,
            Product.unit,
            Product.net_content,
        )
    ).all()


def _family(value) -> str:
    return str(FOOD_FAMILY_LABELS[value]) if value else UNCLASSED


def _family_table(title: str, grams_by_family: dict[str, int]) -> Table:
    order = [str(label) for label in FOOD_FAMILY_LABELS.values()] + [UNCLASSED]
    table = Table(
        title,
        ["Famille", "Poids"],
        [[name, Kg(grams_by_family[name])] for name in order if grams_by_family.get(name)],
    )
    table.total = ["Total", Kg(sum(grams_by_family.values()))]
    return table


def food_bank_report(session: Session, period: Period) -> Report:
    who = reached(session, period)
    helped = Table(
        "Personnes et foyers aidés",
        ["", "Nombre"],
        [["Foyers", who.households], ["Personnes", who.people.total[4]]],
    )
    people = Table(
        "Personnes aidées par âge et sexe", who.people.headers, who.people.rows, who.people.total
    )
    unweighed = 0
    received: dict[tuple[str, str], int] = defaultdict(int)
    for origin, family, unit, content, quantity in _weights(session, period, RECEIVED):
        grams = grams_of(unit, content, quantity)
        unweighed += quantity if grams is None else 0
        received[(ORIGIN_LABELS[origin], _family(family))] += grams or 0
    received_table = Table(
        "Reçu par origine et famille",
        ["Origine", "Famille", "Poids"],
        [[origin, family, Kg(g)] for (origin, family), g in sorted(received.items()) if g],
    )
    received_table.total = ["Total", "", Kg(sum(received.values()))]
    distributed: dict[str, int] = defaultdict(int)
    for _origin, family, unit, content, quantity in _weights(session, period, DISTRIBUTED):
        distributed[_family(family)] += grams_of(unit, content, -quantity) or 0
    lost: dict[str, int] = defaultdict(int)
    for _origin, family, unit, content, quantity in _weights(session, period, tuple(LOSS_KINDS)):
        lost[_family(family)] += grams_of(unit, content, -quantity) or 0
    notes = [
        "Reçu : les lots entrés en stock (réceptions, jardin) ; distribué : ce qui est sorti "
        "par la caisse (ventes moins retours) ; pertes : casse, vol, produits abîmés ou "
        "périmés détruits.",
        "Chaque produit compte dans la famille de sa catégorie (Stock → Catégories).",
    ]
    if unweighed:
        notes.append(f"{unweighed} pièce(s) reçue(s) sans contenu net connu ne sont pas pesées.")
    return Report(
        "banque-alimentaire",
        "Banque Alimentaire / ANDES : bilan",
        period.label,
        [
            helped,
            people,
            received_table,
            _family_table("Distribué par famille", distributed),
            _family_table("Pertes par famille", lost),
        ],
        [],
        notes,
    )
