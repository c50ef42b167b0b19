"""Report pages: month / quarter / year (or any range), CSV, XLSX and a print version."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from app.clock import shop_date, utcnow
from app.extensions import db
from app.sites.context import current_site_id, user_site_ids
from app.sites.models import Site
from app.sites.scope import across_my_sites
from app.users.auth import require_permission
from app.users.roles import Permission
from app.values import arg_date
from reports.food_aid import food_aid_report
from reports.food_bank import food_bank_report
from reports.others import ateliers_report, ressourcerie_report
from reports.periods import custom, period_of
from reports.sales import sales_report
from reports.tables import is_number, text, to_csv, to_xlsx

blueprint = Blueprint("reports", __name__, template_folder="templates")
REPORTS = {
    "aide-alimentaire": ("Aide alimentaire (épicerie)", food_aid_report),
    "banque-alimentaire": ("Banque Alimentaire / ANDES : bilan", food_bank_report),
    "ventes": ("Ventes", sales_report),
    "ressourcerie": ("Ressourcerie : tonnages", ressourcerie_report),
    "ateliers": ("Ateliers d'insertion : bilan", ateliers_report),
}
KINDS = (("mois", "Mois"), ("trimestre", "Trimestre"), ("annee", "Année"))


def _period():
    today = shop_date(utcnow())
    # Reports cover the shop's life: 2000 to 2100 (a 0001-01-01 or a 99999 is refused, 422).
    bounds = {"earliest": date(2000, 1, 1), "latest": date(2100, 12, 31)}
    first = arg_date("du", _("Du"), None, **bounds)
    last = arg_date("au", _("Au"), None, **bounds)
    if first and last and first <= last:
        return custom(first, last), "libre", today
    day = arg_date("date", _("Date"), today, **bounds)
    kind = request.args.get("periode", "mois")
    return period_of(kind if kind in dict(KINDS) else "mois", day), kind, day


@blueprint.route("/")
@require_permission(Permission.REPORTS_VIEW)
def index():
    return render_template("reports/index.html", reports=REPORTS)


@blueprint.route("/<key>")
@require_permission(Permission.REPORTS_VIEW)
def report(key: str):
    if key not in REPORTS:
        abort(404)
    period, kind, day = _period()
    # This site's figures, or every site of the person's added up (« Tous mes sites »).
    consolidated = request.args.get("sites") == "tous" and len(user_site_ids()) > 1
    with across_my_sites(db.session()) if consolidated else nullcontext():
        built = REPORTS[key][1](db.session, period)
    mine = dict(
        db.session.execute(select(Site.id, Site.name).where(Site.id.in_(user_site_ids()))).all()
    )
    scope = (
        _("Tous vos sites (%(n)d)", n=len(mine)) if consolidated else mine.get(current_site_id())
    )
    output = request.args.get("format", "")
    name = f"{key}-{period.first.isoformat()}-{period.last.isoformat()}"
    if output == "csv":
        return Response(
            to_csv(built),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if output == "xlsx":
        return Response(
            to_xlsx(built),
            mimetype=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    template = "reports/print.html" if output == "imprimer" else "reports/report.html"
    return render_template(
        template,
        report=built,
        text=text,
        is_number=is_number,
        kinds=KINDS,
        kind=kind,
        day=day,
        period=period,
        key=key,
        query=request.query_string.decode(),
        scope=scope,
        several_sites=len(mine) > 1,
        consolidated=consolidated,
    )
