"""Cash sessions: opening with a counted float, cash in and out, X report, closing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.clock import shop_date
from app.money import format_cents
from app.orm import lock_key
from app.users.models import User
from pos.errors import InvalidRequest, NotFound, SessionProblem, UuidConflict
from pos.journal.chain import append_entry
from pos.journal.closures import close_pending_periods
from pos.models import (
    CashMovement,
    CashSession,
    PaymentMethod,
    Sale,
    SaleKind,
    SalePayment,
    SessionStatus,
    Till,
)
from pos.services.approvals import require_approval
from pos.settings import CASH_MOVEMENT_BADGE_THRESHOLD_CENTS, DIFFERENCE_BADGE_THRESHOLD_CENTS

# Euro notes and coins, in cents, for counting the float and the drawer.
DENOMINATIONS = (50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1)
MAX_COUNT = 100_000


def count_total(detail: dict[str, int]) -> int:
    """``{"2000": 3, "50": 4}`` → 6 200 cents; unknown denominations are refused."""
    total = 0
    for denomination, count in detail.items():
        if (
            not re.fullmatch(r"[0-9]{1,6}", str(denomination))
            or int(denomination) not in DENOMINATIONS
        ):
            raise InvalidRequest(
                _("Valeur de billet ou de pièce inconnue : %(d)s.", d=str(denomination)[:12])
            )
        if not 0 <= int(count) <= MAX_COUNT:
            raise InvalidRequest(_("Nombre de billets ou de pièces invraisemblable."))
        total += int(denomination) * int(count)
    return total


# Built once: both are on every ticket's path.
_TILL_BY_CODE = select(Till).where(Till.code == bindparam("code"), Till.is_active)
_OPEN_SESSION = select(CashSession).where(
    CashSession.till_id == bindparam("till_id"), CashSession.status == SessionStatus.OPEN
)


def till_by_code(session: Session, code: str) -> Till:
    till = session.scalar(_TILL_BY_CODE, {"code": code})
    if till is None:
        raise NotFound(_("Caisse « %(c)s » inconnue.", c=code))
    return till


def open_session_of(session: Session, till: Till) -> CashSession | None:
    return session.scalar(_OPEN_SESSION, {"till_id": till.id})


def usable_session(session: Session, till: Till, today: date) -> CashSession:
    """The open session, if it belongs to today; a session left open overnight must close."""
    current = open_session_of(session, till)
    if current is None:
        raise SessionProblem(_("La caisse n'est pas ouverte : ouvrez-la avec le fond de caisse."))
    if current.business_date != today:
        raise SessionProblem(
            _(
                "La session du %(d)s n'a pas été clôturée : clôturez-la avant de vendre.",
                d=current.business_date.strftime("%d/%m/%Y"),
            ),
            stale=True,
        )
    return current


def open_session(
    session: Session, till: Till, operator: User, now: datetime, float_detail: dict[str, int]
) -> CashSession:
    existing = open_session_of(session, till)
    if existing is not None:
        raise SessionProblem(
            _(
                "Cette caisse est déjà ouverte (depuis le %(d)s).",
                d=existing.business_date.strftime("%d/%m/%Y"),
            )
        )
    cash_session = CashSession(
        till_id=till.id,
        site_id=till.site_id,
        status=SessionStatus.OPEN,
        business_date=shop_date(now),
        opened_at=now,
        opened_by_id=operator.id,
        float_cents=count_total(float_detail),
        float_detail={str(k): int(v) for k, v in float_detail.items() if int(v)},
    )
    session.add(cash_session)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise SessionProblem(_("Cette caisse vient d'être ouverte sur un autre poste.")) from None
    # Opening on a new day closes the days before, so a day's journal starts with its opening.
    close_pending_periods(session, cash_session.business_date, now, till.site_id)
    append_entry(
        session,
        "session_opened",
        now,
        {
            "till": till.code,
            "operator": operator.display_name,
            "business_date": cash_session.business_date.isoformat(),
            "float_cents": cash_session.float_cents,
        },
        till.code,
        site_id=till.site_id,
    )
    record_audit(
        session,
        actor_id=operator.id,
        now=now,
        action="till.opened",
        target=f"till:{till.code}",
        site_id=till.site_id,
        details={"float_cents": cash_session.float_cents},
    )
    return cash_session


MAX_CASH_MOVEMENT_CENTS = 1_000_000  # 10 000 €: beyond, a typing error


def record_cash_movement(
    session: Session,
    cash_session: CashSession,
    actor: User,
    now: datetime,
    amount_cents: int,
    reason: str,
    approval_token: str | None = None,
    uuid: str | None = None,
) -> CashMovement:
    """Cash put in (+) or taken out (−) with its reason; above the setting
    ``till.cash_movement_badge_threshold_cents`` an encadrant·e approves, and no more cash
    leaves than the drawer should hold."""
    if amount_cents == 0 or abs(amount_cents) > MAX_CASH_MOVEMENT_CENTS:
        raise InvalidRequest(
            _(
                "Montant d'entrée ou de sortie d'espèces invalide (%(m)s au plus).",
                m=format_cents(MAX_CASH_MOVEMENT_CENTS),
            )
        )
    if len(reason.strip()) < 3:
        raise InvalidRequest(_("Donnez le motif (ex. : « dépôt en banque », « monnaie »)."))
    lock_key(session, f"cash_session:{cash_session.id}")
    if uuid is not None:
        existing = session.scalar(select(CashMovement).where(CashMovement.uuid == uuid))
        if existing is not None:
            if existing.session_id != cash_session.id or existing.amount_cents != amount_cents:
                raise UuidConflict(
                    _(
                        "Cet identifiant a déjà servi pour un autre mouvement : "
                        "rien n'a été enregistré."
                    )
                )
            return existing
    in_drawer = x_report(session, cash_session).expected["cash"]
    if amount_cents < 0 and -amount_cents > in_drawer:
        raise InvalidRequest(
            _(
                "Sortie impossible : la caisse ne devrait contenir que %(c)s en espèces.",
                c=format_cents(in_drawer),
            )
        )
    threshold = CASH_MOVEMENT_BADGE_THRESHOLD_CENTS.get(session)
    approver = None
    if abs(amount_cents) > threshold:
        approver = require_approval(
            session,
            approval_token,
            action="cash",
            till_code=cash_session.till.code,
            subject={"amount_cents": amount_cents},
            used_for=f"cash:{uuid or now.isoformat()}",
            now=now,
            message=_(
                "Au-delà de %(t)s, une entrée ou une sortie d'espèces est "
                "validée par un·e encadrant·e (badge et code PIN).",
                t=format_cents(threshold),
            ),
        )
    movement = CashMovement(
        uuid=uuid,
        session_id=cash_session.id,
        amount_cents=amount_cents,
        reason=reason.strip()[:200],
        at=now,
        actor_id=actor.id,
    )
    session.add(movement)
    session.flush()
    append_entry(
        session,
        "cash_movement",
        now,
        {
            "till": cash_session.till.code,
            "operator": actor.display_name,
            "amount_cents": amount_cents,
            "reason": movement.reason,
            "approved_by": approver.display_name if approver else None,
        },
        cash_session.till.code,
        site_id=cash_session.till.site_id,
    )
    record_audit(
        session,
        actor_id=actor.id,
        now=now,
        action="till.cash_movement",
        target=f"session:{cash_session.id}",
        site_id=cash_session.till.site_id,
        details={"amount_cents": amount_cents, "approved_by": approver.id if approver else None},
    )
    return movement


@dataclass(frozen=True)
class XReport:
    sales_count: int
    refunds_count: int
    total_cents: int
    by_method: dict[str, int]  # net amounts taken by payment method
    float_cents: int
    cash_movements_cents: int
    expected: dict[str, int]  # what the drawer and the terminals should hold


def x_report(session: Session, cash_session: CashSession) -> XReport:
    rows = session.execute(
        select(SalePayment.method, func.sum(SalePayment.amount_cents))
        .join(Sale, Sale.id == SalePayment.sale_id)
        .where(Sale.session_id == cash_session.id)
        .group_by(SalePayment.method)
    )
    by_method = {method.value: 0 for method in PaymentMethod}
    by_method.update({method.value: int(total) for method, total in rows})
    counts = dict(
        session.execute(
            select(Sale.kind, func.count(Sale.id))
            .where(Sale.session_id == cash_session.id)
            .group_by(Sale.kind)
        ).all()
    )
    total = session.scalar(
        select(func.coalesce(func.sum(Sale.total_cents), 0)).where(
            Sale.session_id == cash_session.id
        )
    )
    movements = int(
        session.scalar(
            select(func.coalesce(func.sum(CashMovement.amount_cents), 0)).where(
                CashMovement.session_id == cash_session.id
            )
        )
    )
    expected = dict(by_method)
    expected["cash"] = cash_session.float_cents + by_method["cash"] + movements
    return XReport(
        sales_count=int(counts.get(SaleKind.SALE, 0)),
        refunds_count=int(counts.get(SaleKind.REFUND, 0)),
        total_cents=int(total),
        by_method=by_method,
        float_cents=cash_session.float_cents,
        cash_movements_cents=movements,
        expected=expected,
    )


def close_session(
    session: Session,
    cash_session: CashSession,
    actor: User,
    now: datetime,
    counted: dict[str, int],
    reason: str | None,
    approval_token: str | None = None,
) -> CashSession:
    """Count each payment method; any difference needs a reason, a large one a staff badge."""
    if cash_session.status != SessionStatus.OPEN:
        raise SessionProblem(_("Cette session est déjà clôturée."))
    report = x_report(session, cash_session)
    methods = [m.value for m in PaymentMethod]
    if set(counted) != set(methods) or any(int(v) < 0 for v in counted.values()):
        raise InvalidRequest(_("Comptez chaque moyen de paiement (espèces, carte, chèques)."))
    difference = sum(int(counted[m]) - report.expected[m] for m in methods)
    gaps = {m: int(counted[m]) - report.expected[m] for m in methods}
    if any(gaps.values()) and not (reason or "").strip():
        raise InvalidRequest(
            _("Écart de %(d)s : indiquez-en la raison.", d=format_cents(difference))
        )
    threshold = DIFFERENCE_BADGE_THRESHOLD_CENTS.get(session)
    approver = None
    if any(abs(gap) > threshold for gap in gaps.values()):
        approver = require_approval(
            session,
            approval_token,
            action="close",
            till_code=cash_session.till.code,
            subject={"counted": {m: int(counted[m]) for m in methods}},
            used_for=f"close:{cash_session.id}",
            now=now,
            message=_(
                "Écart supérieur à %(t)s : un·e encadrant·e doit valider avec son badge "
                "et son code PIN.",
                t=format_cents(threshold),
            ),
        )
    cash_session.status = SessionStatus.CLOSED
    cash_session.closed_at = now
    cash_session.closed_by_id = actor.id
    cash_session.counted = {m: int(counted[m]) for m in methods}
    cash_session.expected = report.expected
    cash_session.difference_cents = difference
    cash_session.difference_reason = (reason or "").strip()[:300] or None
    cash_session.approved_by_id = approver.id if approver else None
    session.flush()
    append_entry(
        session,
        "session_closed",
        now,
        {
            "till": cash_session.till.code,
            "operator": actor.display_name,
            "business_date": cash_session.business_date.isoformat(),
            "expected_cents": report.expected,
            "counted_cents": cash_session.counted,
            "difference_cents": difference,
            "reason": cash_session.difference_reason,
        },
        cash_session.till.code,
        site_id=cash_session.till.site_id,
    )
    record_audit(
        session,
        actor_id=actor.id,
        now=now,
        action="till.closed",
        target=f"session:{cash_session.id}",
        site_id=cash_session.till.site_id,
        details={"difference_cents": difference, "gaps": gaps},
    )
    return cash_session


def session_by_id(session: Session, session_id: int) -> CashSession:
    found = session.get(CashSession, session_id)
    if found is None:
        raise NotFound(_("Session de caisse inconnue."))
    return found


def till_minutes_by_day(session: Session, user_id: int, first: date, last: date) -> dict[date, int]:
    """Minutes of the closed cash sessions this user opened, by business day (the atelier
    « quatre saisons » counts them as hours done)."""
    by_day: dict[date, int] = {}
    for cash_session in session.scalars(
        select(CashSession).where(
            CashSession.opened_by_id == user_id,
            CashSession.closed_at.is_not(None),
            CashSession.business_date >= first,
            CashSession.business_date <= last,
        )
    ):
        length = int(
            max((cash_session.closed_at - cash_session.opened_at).total_seconds() // 60, 0)
        )
        by_day[cash_session.business_date] = by_day.get(cash_session.business_date, 0) + length
    return by_day
