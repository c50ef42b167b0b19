"""The home page's figures, per role: each card only for who may act on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import shop_date
from app.money import format_cents
from app.users.roles import Permission
from inventory.models import MovementKind, Product, StockMovement
from inventory.services.expiry import expiry_report
from labels.services import reprint_queue
from participants.ateliers.attendance import roll_call_of
from participants.ateliers.contracts import expected_on
from participants.ateliers.hours import hours_alerts
from participants.models import Atelier
from pos.models import CashSession, Sale, SaleKind, SessionStatus, Till
from pos.services.print_queue import printer_state
from reports.periods import Period


@dataclass(frozen=True)
class Card:
    title: str
    value: str
    detail: str
    endpoint: str | None = None
    warn: bool = False


def dashboard_cards(session: Session, user, now: datetime) -> list[Card]:
    today = shop_date(now)
    cards: list[Card] = []
    if user.can(Permission.TILL_SELL) or user.can(Permission.REPORTS_VIEW):
        start, end = Period(today, today, "").bounds
        count, total, visits = session.execute(
            select(
                func.count(Sale.id),
                func.coalesce(func.sum(Sale.total_cents), 0),
                func.count(Sale.card_code),
            ).where(Sale.created_at >= start, Sale.created_at < end, Sale.kind == SaleKind.SALE)
        ).one()
        cards.append(
            Card(
                "Ventes du jour",
                format_cents(total),
                f"{count} ticket(s), dont {visits} passage(s) de foyers",
            )
        )
        open_tills = session.scalars(
            select(Till.name)
            .join(CashSession, CashSession.till_id == Till.id)
            .where(CashSession.status == SessionStatus.OPEN)
            .order_by(Till.name)
        ).all()
        cards.append(
            Card("Caisses ouvertes", str(len(open_tills)), ", ".join(open_tills) or "aucune")
        )
        problems = [
            f"{till.name} : {state.message}"
            for till in session.scalars(
                select(Till).where(Till.is_active, Till.printer_kind != "none")
            )
            if (state := printer_state(session, till)).state not in ("ok", "none")
        ]
        cards.append(
            Card(
                "Imprimantes",
                "à vérifier" if problems else "OK",
                " ; ".join(problems) or "toutes répondent",
                "pos.admin_tills" if user.can(Permission.TILL_SUPERVISE) else None,
                bool(problems),
            )
        )
    if user.can(Permission.STOCK_MANAGE):
        expiry = expiry_report(session, today)
        cards.append(
            Card(
                "Dates limites",
                str(len(expiry.use_by_soon)),
                f"lot(s) à DLC dans {expiry.warning_days} jours ; "
                f"{len(expiry.past_use_by)} dépassée(s) à retirer",
                "inventory.expiry",
                bool(expiry.past_use_by),
            )
        )
        sold_recently = (
            select(StockMovement.product_id)
            .where(
                StockMovement.kind == MovementKind.SALE,
                StockMovement.at >= now - timedelta(days=30),
            )
            .distinct()
        )
        stock = (
            select(StockMovement.product_id)
            .group_by(StockMovement.product_id)
            .having(func.sum(StockMovement.quantity) > 0)
        )
        empty = session.scalars(
            select(Product.name)
            .where(Product.is_active, Product.id.in_(sold_recently), Product.id.not_in(stock))
            .order_by(Product.name)
        ).all()
        cards.append(
            Card(
                "Ruptures",
                str(len(empty)),
                ", ".join(empty[:5]) + (" …" if len(empty) > 5 else "")
                or "aucun produit vendu ce mois-ci n'est à zéro",
                "inventory.products",
                bool(empty),
            )
        )
    if user.can(Permission.LABELS_PRINT):
        queue = len(reprint_queue(session))
        cards.append(
            Card(
                "Étiquettes à réimprimer",
                str(queue),
                "prix changés depuis la dernière étiquette",
                "labels.reprint",
                bool(queue),
            )
        )
    if user.can(Permission.ATELIERS_MANAGE):
        expected = called = 0
        for atelier in session.scalars(select(Atelier)):
            people = expected_on(session, atelier, today)
            expected += len(people)
            if people:
                called += len(roll_call_of(session, atelier, today))
        alerts = hours_alerts(session, today)
        cards.append(
            Card(
                "Ateliers aujourd'hui",
                f"{called} / {expected}",
                f"appels faits / personnes attendues ; {len(alerts)} alerte(s) d'heures",
                "participants.ateliers",
                bool(alerts),
            )
        )
    return cards
