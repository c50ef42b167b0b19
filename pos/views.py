"""The till page: the operator logged in by badge lands here."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.audit.services import record_audit
from app.clock import utcnow
from app.extensions import db
from app.forms import EmptyForm, apply_change, submitted
from app.settings.core import SHOP_NAME
from app.sites.context import choose_site, current_site_id, user_site_ids
from app.users.auth import require_permission
from app.users.roles import Permission
from app.values import form_ids
from hardware.models import MODELS
from hardware.targets import KINDS, InvalidPrinterTarget, check_printer
from inventory.models import ChoiceKind, RessourcerieChoice
from pos.errors import TillError
from pos.forms import TillAddForm, TillDetailsForm, TillPrinterForm
from pos.models import PaymentMethod, Till
from pos.services.print_queue import printer_state
from pos.services.printing import queue_test_page
from pos.services.sessions import DENOMINATIONS
from pos.services.tills import add_till, change_till, set_printer
from pos.settings import SCANNER_MEAN_GAP_MS

blueprint = Blueprint(
    "pos",
    __name__,
    template_folder="templates",
    static_folder="static/pos",
    static_url_path="/static/pos",
)
TILL_COOKIE = "caisse_till"


@blueprint.before_app_request
def _journal_head_now_and_then():
    """Every few minutes, whatever the page: a database restored under a running server."""
    from pos.journal.head import check_now_and_then

    check_now_and_then(db.session, utcnow())


@blueprint.route("/sw.js")
def service_worker():
    """The till's service worker, served under /pos/ so that it may keep the till's pages."""
    script = Path(blueprint.static_folder, "sw.js").read_bytes()
    return Response(script, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@blueprint.route("/till")
@require_permission(Permission.TILL_SELL)
def till():
    """Each browser is one till: chosen once, remembered in a cookie."""
    tills = db.session.scalars(
        select(Till).where(Till.is_active, Till.site_id.in_(user_site_ids())).order_by(Till.code)
    ).all()
    codes = {t.code: t for t in tills}
    chosen = request.args.get("till") or request.cookies.get(TILL_COOKIE)
    if chosen not in codes:
        return render_template("pos/choose_till.html", tills=tills, operator=current_user)
    choose_site(codes[chosen].site_id)  # the catalogue's stock and the scans: this site's
    response = make_response(
        render_template(
            "pos/till.html",
            till=codes[chosen],
            operator=current_user,
            denominations=DENOMINATIONS,
            can_create_products=current_user.can(Permission.STOCK_MANAGE),
            can_supervise=current_user.can(Permission.TILL_SUPERVISE),
            scan_gap_ms=SCANNER_MEAN_GAP_MS.get(db.session),
            payment_methods=tuple(zip(PaymentMethod, ("F7", "F8", "F9"), strict=True)),
        )
    )
    response.set_cookie(TILL_COOKIE, chosen, max_age=3600 * 24 * 365, samesite="Lax", httponly=True)
    return response


def _real_till(till_id: int | None) -> Till:
    till = db.get_or_404(Till, till_id)
    if till.offline_of_id is not None:
        abort(404)
    return till


@blueprint.route("/admin/caisses", methods=["GET", "POST"])
@require_permission(Permission.PRINTERS_CONFIGURE)
def admin_tills():
    """Each till's receipt printer, with a test print."""
    # A till's offline series (« C1H ») is no till of its own: not listed, not changed here.
    tills = db.session.scalars(
        select(Till).where(Till.offline_of_id.is_(None)).order_by(Till.id)
    ).all()
    if request.method == "POST":
        action = request.form.get("action")
        if action in ("add", "details"):
            return _change_tills(action)
        form = TillPrinterForm()
        if submitted(form):
            till = _real_till(form.till_id.data)

            def change() -> str:
                kind, model = form.printer_kind.data, form.printer_model.data
                target = check_printer(
                    kind, form.printer_target.data or "", model, current_app.config
                )
                set_printer(db.session, current_user.id, utcnow(), till, kind, target, model)
                if action == "test":
                    queue_test_page(db.session, till, utcnow())
                    return _("Page de test envoyée à l'imprimante de %(t)s.", t=till.name)
                return _("Imprimante de %(t)s enregistrée.", t=till.name)

            apply_change(change, InvalidPrinterTarget)
        return redirect(url_for(".admin_tills"))
    return render_template(
        "pos/admin_tills.html",
        tills=tills,
        kinds=KINDS,
        models=MODELS.values(),
        states={t.id: printer_state(db.session, t) for t in tills},
        points=_points(),
        form=EmptyForm(),
    )


def _points():
    """The ressourcerie's points a till may stand at (Stock → Ressourcerie → Origines, types
    et points)."""
    return db.session.scalars(
        select(RessourcerieChoice)
        .where(RessourcerieChoice.kind == ChoiceKind.POINT, RessourcerieChoice.is_active)
        .order_by(RessourcerieChoice.name)
    ).all()


def _change_tills(action: str):
    """Add a till, or rename one and put it in or out of service."""
    now = utcnow()
    form = TillAddForm() if action == "add" else TillDetailsForm()
    if action != "add":
        form.point_id.offer((p.id, p.name) for p in _points())
    if not submitted(form):
        return redirect(url_for(".admin_tills"))

    def change() -> str:
        if action == "add":
            till = add_till(db.session, current_user.id, now, form.name.data, current_site_id())
            return _(
                "Caisse %(c)s « %(t)s » ajoutée : réglez son imprimante.", c=till.code, t=till.name
            )
        till = _real_till(form.till_id.data)
        change_till(
            db.session,
            current_user.id,
            now,
            till,
            form.name.data,
            in_service=form.in_service.data,
            point_id=form.point_id.data,
        )
        return _("%(t)s enregistrée.", t=till.name)

    apply_change(change, TillError)
    return redirect(url_for(".admin_tills"))


TECHNICAL_KINDS = ("software_version", "restore", "verification_failed", "archive")


@blueprint.route("/admin/journal", methods=["GET", "POST"])
@require_permission(Permission.AUDIT_VIEW)
def admin_journal():
    """Verify the inalterable journal, see its closures and events, download monthly archives."""
    import json

    from app.sites.models import FIRST_SITE_ID
    from pos.journal.archive import (
        ArchiveRefused,
        archive_filename,
        build_archive,
        closed_months,
    )
    from pos.journal.events import software_version, verify_and_record
    from pos.models import JournalEntry, JournalHead

    form = EmptyForm()
    result = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if request.form.get("action") == "archive":
            period = request.form.get("period", "")
            try:
                data = build_archive(
                    db.session,
                    period,
                    utcnow(),
                    software_version(),
                    SHOP_NAME.get(db.session),
                    site_id=FIRST_SITE_ID,
                )
            except ArchiveRefused as refused:
                flash(refused.message, "error")
                return redirect(url_for(".admin_journal"))
            db.session.commit()
            response = make_response(data)
            response.headers["Content-Type"] = "application/zip"
            response.headers["Content-Disposition"] = (
                f'attachment; filename="{archive_filename(period)}"'
            )
            return response
        result = verify_and_record(db.session, utcnow())
        record_audit(
            db.session,
            actor_id=current_user.id,
            now=utcnow(),
            action="journal.verified",
            target="journal",
            details={"ok": result.ok, "count": result.count},
        )
        db.session.commit()

    def latest(kinds, limit):
        entries = db.session.scalars(
            select(JournalEntry)
            .where(JournalEntry.site_id == FIRST_SITE_ID, JournalEntry.kind.in_(kinds))
            .order_by(JournalEntry.sequence.desc())
            .limit(limit)
        )
        return [(entry, json.loads(entry.payload)) for entry in entries]

    return render_template(
        "pos/admin_journal.html",
        form=form,
        result=result,
        head=db.session.scalar(select(JournalHead).where(JournalHead.site_id == FIRST_SITE_ID)),
        closures=latest(("closure_daily", "closure_monthly", "closure_yearly"), 40),
        events=latest(TECHNICAL_KINDS, 30),
        months=list(reversed(closed_months(db.session, FIRST_SITE_ID))),
    )


@blueprint.route("/tickets/<reference>")
@require_permission(Permission.STOCK_MANAGE, Permission.TILL_SUPERVISE)
def ticket_page(reference: str):
    """A ticket as printed (lines, total, payments, its refunds), for a recall or a question at
    the counter. Nothing of the household: a ticket only carries a pseudonymous card."""
    from inventory.models import Product
    from pos.errors import NotFound as TicketNotFound
    from pos.models import Sale
    from pos.services.documents import ticket_reference
    from pos.services.refunds import find_ticket

    try:
        sale = find_ticket(db.session, reference[:40])
    except TicketNotFound:
        abort(404)
    except Exception:  # noqa: BLE001 — an unreadable number is a page that does not exist
        abort(404)
    units = dict(
        db.session.execute(
            select(Product.id, Product.unit).where(
                Product.id.in_({line.product_id for line in sale.lines if line.product_id})
            )
        ).all()
    )
    refunds = db.session.scalars(
        select(Sale).where(Sale.refund_of_id == sale.id).order_by(Sale.number)
    ).all()
    till = db.session.get(Till, sale.till_id)
    return render_template(
        "pos/ticket.html",
        sale=sale,
        units=units,
        till=till,
        ticket=ticket_reference(till.code, sale.number),
        refunds=[ticket_reference(till.code, r.number) for r in refunds],
    )


FLAG_LABELS = {
    "allowance": "Montant du mois dépassé",
    "limits": "Limite par passage dépassée",
    "card": "Carte",
    "price": "Prix",
    "stock": "Stock",
    "item": "Objet de la ressourcerie",
    "total": "Total",
    "number": "Numéro de ticket",
    "session": "Session de caisse",
    "approval": "Validation hors ligne",
    "clock": "Horloge de la caisse",
}


@blueprint.route("/admin/hors-ligne", methods=["GET", "POST"])
@require_permission(Permission.TILL_SUPERVISE)
def offline_review():
    """The sales made offline that broke a rule the server could not check then: recorded
    (the customer had left), listed here until an encadrant·e has looked at each."""
    from pos.models import Sale, SaleFlag
    from pos.services.documents import ticket_reference

    form = EmptyForm()
    if request.method == "POST":
        if form.validate_on_submit():
            ids = form_ids("flag_id")
            flags = db.session.scalars(  # through their sale: this site's flags only
                select(SaleFlag)
                .join(Sale, Sale.id == SaleFlag.sale_id)
                .where(SaleFlag.id.in_(ids), SaleFlag.reviewed_at.is_(None))
            ).all()
            for flag in flags:
                flag.reviewed_at, flag.reviewed_by_id = utcnow(), current_user.id
            db.session.commit()
            flash(_("%(n)d signalement(s) marqué(s) comme vu(s).", n=len(flags)), "success")
        return redirect(url_for(".offline_review"))
    rows = db.session.execute(
        select(SaleFlag, Sale, Till.code)
        .join(Sale, Sale.id == SaleFlag.sale_id)
        .join(Till, Till.id == Sale.till_id)
        .where(SaleFlag.reviewed_at.is_(None))
        .order_by(Sale.made_at, SaleFlag.id)
        .limit(500)
    ).all()
    return render_template(
        "pos/admin_offline.html",
        form=form,
        rows=[
            (flag, sale, ticket_reference(code, sale.number), FLAG_LABELS[flag.kind.value])
            for flag, sale, code in rows
        ],
    )
