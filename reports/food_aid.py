"""The épicerie's food aid report: households and persons reached, visits, what left the shelf
(kg and reference value) by origin and category, what households paid, losses by origin.

"Distributed" is what left through the till (sale movements minus returns), valued at each
lot's reference value (the Banque Alimentaire's valuation, a purchase price, or the product's
price); kg are the grams of weighed products plus pieces × net content (ml counted as g),
pieces without a known content weigh nothing and are counted apart.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.charts import bar_chart
from app.money import round_half_away
from app.text import fold_for_search
from inventory.models import (
    Category,
    Lot,
    LotOrigin,
    MovementKind,
    Product,
    StockMovement,
    StockUnit,
)
from participants.models import HouseholdCard, Person, Sex
from pos.models import Sale, SaleKind
from reports.periods import Period
from reports.tables import Kg, Money, Report, Table

ORIGIN_LABELS = {
    LotOrigin.BANQUE_ALIMENTAIRE: "Banque Alimentaire",
    LotOrigin.PURCHASE: "Achats",
    LotOrigin.DONATION: "Dons",
    LotOrigin.JARDIN: "Jardin",
    LotOrigin.RAMASSE: "Ramasse",
    LotOrigin.OTHER: "Autre",
    LotOrigin.TRANSFER: "Transferts entre sites",
}
AGE_BANDS = (
    (0, 3, "0-3 ans"),
    (4, 14, "4-14 ans"),
    (15, 25, "15-25 ans"),
    (26, 64, "26-64 ans"),
    (65, 200, "65 ans et plus"),
)
LOSS_KINDS = {MovementKind.EXPIRED_DESTROYED: "Périmés", MovementKind.LOSS: "Casse et pertes"}


def grams_of(unit: StockUnit, net_content: int | None, quantity: int) -> int | None:
    if unit == StockUnit.KILOGRAM:
        return quantity
    return quantity * net_content if net_content else None


def _out_by_lot(session: Session, period: Period, kinds) -> list:
    """(lot, product, category, quantity out) per lot for these movement kinds."""
    start, end = period.bounds
    return session.execute(
        select(
            Lot.origin,
            Lot.quantity,
            Lot.reference_value_cents,
            Product.unit,
            Product.net_content,
            Category.name,
            StockMovement.kind,
            (-func.sum(StockMovement.quantity)).label("out"),
        )
        .join(Lot, Lot.id == StockMovement.lot_id)
        .join(Product, Product.id == StockMovement.product_id)
        .join(Category, Category.id == Product.category_id)
        .where(StockMovement.at >= start, StockMovement.at < end, StockMovement.kind.in_(kinds))
        .group_by(
            StockMovement.lot_id,
            Lot.origin,
            Lot.quantity,
            Lot.reference_value_cents,
            Product.unit,
            Product.net_content,
            Category.name,
            StockMovement.kind,
        )
    ).all()


@dataclass(frozen=True)
class Reached:
    """Who the épicerie reached in a period: households (by their cards, replaced ones too),
    their persons by age band and sex, visits, what they paid and the value they took."""

    households: int
    people: Table
    visits: int
    paid_cents: int
    value_cents: int


def reached(session: Session, period: Period) -> Reached:
    start, end = period.bounds
    # Households and visits: tickets of a beneficiary card (replaced cards still count).
    card_rows = session.execute(
        select(
            Sale.card_code,
            Sale.kind,
            func.count(Sale.id),
            func.sum(Sale.total_cents),
            func.sum(Sale.reference_total_cents),
        )
        .where(Sale.created_at >= start, Sale.created_at < end, Sale.card_code.is_not(None))
        .group_by(Sale.card_code, Sale.kind)
    ).all()
    codes = {code for code, *_ in card_rows}
    households = dict(
        session.execute(
            select(HouseholdCard.code, HouseholdCard.household_id).where(
                HouseholdCard.code.in_(codes)
            )
        ).all()
    )
    visits = sum(count for _, kind, count, _, _ in card_rows if kind == SaleKind.SALE)
    paid = sum(total or 0 for *_, total, _ in card_rows)
    value = sum(reference or 0 for *_, reference in card_rows)
    household_ids = set(households.values())
    persons: dict[str, dict[Sex, int]] = {label: defaultdict(int) for *_, label in AGE_BANDS}
    for birth_year, sex in session.execute(
        select(Person.birth_year, Person.sex).where(Person.household_id.in_(household_ids))
    ):
        age = period.last.year - birth_year
        for low, high, label in AGE_BANDS:
            if low <= age <= high:
                persons[label][sex] += 1
    people = Table(
        "Personnes des foyers venus, par âge et sexe",
        ["Âge", "Femmes", "Hommes", "Non renseigné", "Total"],
    )
    for label, by_sex in persons.items():
        people.rows.append(
            [
                label,
                by_sex[Sex.FEMALE],
                by_sex[Sex.MALE],
                by_sex[Sex.UNSPECIFIED],
                sum(by_sex.values()),
            ]
        )
    people.total = ["Total", *(sum(row[i] for row in people.rows) for i in range(1, 5))]
    return Reached(len(household_ids) + len(codes - set(households)), people, visits, paid, value)


def food_aid_report(session: Session, period: Period) -> Report:
    start, end = period.bounds
    who = reached(session, period)
    people, visits, paid, value = who.people, who.visits, who.paid_cents, who.value_cents
    summary = Table(
        "Foyers et passages",
        ["", "Nombre"],
        [
            ["Foyers différents", who.households],
            ["Personnes dans ces foyers", people.total[4]],
            ["Passages en caisse", visits],
        ],
    )
    money = Table(
        "Montants",
        ["", "Montant"],
        [
            ["Valeur des produits (prix de référence)", Money(value)],
            ["Payé par les foyers", Money(paid)],
            ["Aide apportée (valeur − payé)", Money(value - paid)],
        ],
    )
    by_origin: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    losses: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    unweighed = 0
    for origin, lot_qty, lot_value, unit, content, category, kind, out in _out_by_lot(
        session,
        period,
        (MovementKind.SALE, MovementKind.REFUND, MovementKind.EXPIRED_DESTROYED, MovementKind.LOSS),
    ):
        grams = grams_of(unit, content, out)
        worth = round_half_away(lot_value * out, lot_qty) if lot_qty else 0
        if kind in LOSS_KINDS:
            figures = losses[(ORIGIN_LABELS[origin], LOSS_KINDS[kind])]
        else:
            figures = by_origin[ORIGIN_LABELS[origin]]
            by_category[category][0] += grams or 0
            by_category[category][1] += worth
            if grams is None:
                unweighed += out
        figures[0] += grams or 0
        figures[1] += worth

    def weights_table(title: str, first: str, data: dict) -> Table:
        table = Table(
            title,
            [first, "Poids", "Valeur de référence"],
            [
                [name, Kg(g), Money(v)]
                for name, (g, v) in sorted(data.items(), key=lambda kv: fold_for_search(kv[0]))
            ],
        )
        table.total = [
            "Total",
            Kg(sum(g for g, _ in data.values())),
            Money(sum(v for _, v in data.values())),
        ]
        return table

    origin_table = weights_table("Distribué par origine", "Origine", by_origin)
    category_table = weights_table("Distribué par catégorie", "Catégorie", by_category)
    loss_table = Table(
        "Pertes par origine",
        ["Origine", "Motif", "Poids", "Valeur"],
        [[origin, reason, Kg(g), Money(v)] for (origin, reason), (g, v) in sorted(losses.items())],
    )
    loss_table.total = [
        "Total",
        "",
        Kg(sum(g for g, _ in losses.values())),
        Money(sum(v for _, v in losses.values())),
    ]
    notes = [
        "Distribué : ce qui est sorti par la caisse (ventes moins retours), valorisé à la "
        "valeur de référence de chaque lot."
    ]
    if unweighed:
        notes.append(
            f"{unweighed} article(s) sans contenu net connu ne sont pas comptés dans les poids."
        )
    chart = bar_chart(
        [(name, g // 1000) for name, (g, _v) in sorted(by_origin.items())],
        "Kilos distribués par origine",
        " kg",
    )
    return Report(
        "aide-alimentaire",
        "Aide alimentaire (épicerie)",
        period.label,
        [summary, people, money, origin_table, category_table, loss_table],
        [chart],
        notes,
    )
