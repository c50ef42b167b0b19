"""The sales report: by payment method, VAT rate, category, till and operator; refunds; cash
differences at closing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.charts import bar_chart
from app.clock import SHOP_TIMEZONE
from app.text import fold_for_search
from app.users.models import User
from inventory.models import Category, Product
from pos.models import CashSession, PaymentMethod, Sale, SaleKind, SaleLine, SalePayment, Till
from reports.periods import SHORT_MONTHS, Period
from reports.tables import Money, Report, Table


def _rate(bp: int) -> str:
    whole, rest = divmod(bp, 100)
    return f"{whole} %" if not rest else f"{whole},{rest:02d}".rstrip("0") + " %"


def sales_report(session: Session, period: Period) -> Report:
    start, end = period.bounds
    in_period = (Sale.created_at >= start, Sale.created_at < end)
    kinds = dict(
        (
            (kind, (count, total))
            for kind, count, total in session.execute(
                select(Sale.kind, func.count(Sale.id), func.sum(Sale.total_cents))
                .where(*in_period)
                .group_by(Sale.kind)
            )
        )
    )
    sales_count, sales_total = kinds.get(SaleKind.SALE, (0, 0))
    refunds_count, refunds_total = kinds.get(SaleKind.REFUND, (0, 0))
    summary = Table(
        "Ventes et remboursements",
        ["", "Nombre", "Montant"],
        [
            ["Ventes", sales_count, Money(sales_total or 0)],
            ["Remboursements", refunds_count, Money(refunds_total or 0)],
        ],
        [
            "Total encaissé",
            sales_count + refunds_count,
            Money((sales_total or 0) + (refunds_total or 0)),
        ],
    )

    methods = Table("Par moyen de paiement", ["Moyen", "Montant"])
    for method, amount in session.execute(
        select(SalePayment.method, func.sum(SalePayment.amount_cents))
        .join(Sale, Sale.id == SalePayment.sale_id)
        .where(*in_period)
        .group_by(SalePayment.method)
        .order_by(SalePayment.method)
    ):
        methods.rows.append([PaymentMethod(method).label, Money(amount)])
    methods.total = ["Total", Money(sum(row[1].cents for row in methods.rows))]

    rates = Table("Par taux de TVA", ["Taux", "Montant TTC"])
    for rate, amount in session.execute(
        select(SaleLine.vat_rate_bp, func.sum(SaleLine.amount_cents))
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(*in_period)
        .group_by(SaleLine.vat_rate_bp)
        .order_by(SaleLine.vat_rate_bp)
    ):
        rates.rows.append([_rate(rate), Money(amount)])
    rates.total = ["Total", Money(sum(row[1].cents for row in rates.rows))]

    categories = Table("Par catégorie", ["Catégorie", "Valeur de référence", "Payé"])
    for name, reference, amount in session.execute(
        select(
            func.coalesce(Category.name, "Ressourcerie (objets)"),
            func.sum(SaleLine.reference_amount_cents),
            func.sum(SaleLine.amount_cents),
        )
        .join(Sale, Sale.id == SaleLine.sale_id)
        .outerjoin(Product, Product.id == SaleLine.product_id)
        .outerjoin(Category, Category.id == Product.category_id)
        .where(*in_period)
        .group_by(Category.name)
    ):
        categories.rows.append([name, Money(reference), Money(amount)])
    categories.rows.sort(key=lambda row: fold_for_search(row[0]))  # same order on any database
    categories.total = [
        "Total",
        Money(sum(r[1].cents for r in categories.rows)),
        Money(sum(r[2].cents for r in categories.rows)),
    ]

    def by(column, title: str, first: str) -> Table:
        table = Table(title, [first, "Tickets", "Montant"])
        for name, count, amount in session.execute(
            select(column, func.count(Sale.id), func.sum(Sale.total_cents))
            .select_from(Sale)
            .join(Till, Till.id == Sale.till_id)
            .join(User, User.id == Sale.operator_id)
            .where(*in_period)
            .group_by(column)
        ):
            table.rows.append([name, count, Money(amount)])
        table.rows.sort(key=lambda row: fold_for_search(row[0]))
        table.total = [
            "Total",
            sum(r[1] for r in table.rows),
            Money(sum(r[2].cents for r in table.rows)),
        ]
        return table

    tills = by(Till.name, "Par caisse", "Caisse")
    operators = by(User.display_name, "Par opérateur·rice", "Opérateur·rice")

    differences = Table("Écarts de caisse à la clôture", ["Jour", "Caisse", "Écart", "Raison"])
    for day, till, difference, reason in session.execute(
        select(
            CashSession.business_date,
            Till.name,
            CashSession.difference_cents,
            CashSession.difference_reason,
        )
        .join(Till, Till.id == CashSession.till_id)
        .where(
            CashSession.business_date >= period.first,
            CashSession.business_date <= period.last,
            CashSession.difference_cents.is_not(None),
            CashSession.difference_cents != 0,
        )
        .order_by(CashSession.business_date, Till.name)
    ):
        differences.rows.append([day.strftime("%d/%m/%Y"), till, Money(difference), reason or ""])
    differences.total = ["Total", "", Money(sum(r[2].cents for r in differences.rows)), ""]

    monthly: dict[str, int] = {}  # by cash session (a few a day), then by month
    month_rows = session.execute(
        select(func.min(Sale.created_at), func.sum(Sale.total_cents))
        .where(*in_period)
        .group_by(Sale.session_id)
    ).all()
    for moment, total in month_rows:
        moment = moment.astimezone(SHOP_TIMEZONE)
        label = f"{SHORT_MONTHS[moment.month - 1]} {moment.year}"
        monthly[label] = monthly.get(label, 0) + (total or 0)
    chart = bar_chart(
        [(label, cents // 100) for label, cents in monthly.items()], "Encaissé par mois (€)", " €"
    )
    return Report(
        "ventes",
        "Ventes",
        period.label,
        [summary, methods, rates, categories, tills, operators, differences],
        [chart],
    )
