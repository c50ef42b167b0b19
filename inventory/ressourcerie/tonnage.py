"""The tonnage report: collected, reused, recycled and discarded kilograms by category, the reuse
rate, and its CSV."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import SHOP_TIMEZONE
from app.exports import csv_writer
from inventory.models import (
    Intake,
    ItemCategory,
    ItemState,
    Outflow,
    OutflowChannel,
    RessourcerieItem,
    WeightCorrection,
)
from inventory.ports import UNTAGGED_REUSED
from inventory.ressourcerie.corrections import latest_corrections

# ---- the tonnage report ----------------------------------------------------------------------


@dataclass(frozen=True)
class TonnageRow:
    category: str
    collected: int  # grams
    reused: int  # sold (tagged or by category), given, or handed to a partner association
    recycled: int
    discarded: int

    @property
    def reuse_rate_tenths(self) -> int | None:
        """Reused / collected, in tenths of a percent (None when nothing was collected)."""
        if not self.collected:
            return None
        return (self.reused * 1000 * 2 + self.collected) // (self.collected * 2)


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first, time.min, tzinfo=SHOP_TIMEZONE),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=SHOP_TIMEZONE),
    )


def _items_reused(session: Session, start: datetime, end: datetime, by) -> list:
    """Grams of tagged items sold or given in [start, end), grouped ``by`` a column."""
    return session.execute(
        select(by, func.sum(RessourcerieItem.weight_grams))
        .where(
            RessourcerieItem.state.in_((ItemState.SOLD, ItemState.GIVEN)),
            RessourcerieItem.state_changed_at >= start,
            RessourcerieItem.state_changed_at < end,
        )
        .group_by(by)
    ).all()


def _outflows(session: Session, first: date, last: date, *by) -> list:
    """Net grams of the outflows of [first, last] (corrected), grouped ``by`` columns."""
    fix = latest_corrections(WeightCorrection.outflow_id)
    return session.execute(
        select(*by, func.sum(func.coalesce(fix.c.net, Outflow.net_grams)))
        .outerjoin(fix, fix.c.rid == Outflow.id)
        .where(Outflow.day >= first, Outflow.day <= last)
        .group_by(*by)
    ).all()


def tonnage(session: Session, first: date, last: date) -> list[TonnageRow]:
    """Per category, then a "Total" row: kg collected, reused, recycled, discarded."""
    start, end = _bounds(first, last)
    names = dict(session.execute(select(ItemCategory.id, ItemCategory.name)).all())
    figures: dict[int, dict[str, int]] = {}

    def add(category_id, key, grams):
        row = figures.setdefault(
            category_id, {"collected": 0, "reused": 0, "recycled": 0, "discarded": 0}
        )
        row[key] += grams or 0

    intake_fix = latest_corrections(WeightCorrection.intake_id)
    for category_id, grams in session.execute(
        select(Intake.category_id, func.sum(func.coalesce(intake_fix.c.net, Intake.net_grams)))
        .outerjoin(intake_fix, intake_fix.c.rid == Intake.id)
        .where(Intake.collected_on >= first, Intake.collected_on <= last)
        .group_by(Intake.category_id)
    ):
        add(category_id, "collected", grams)
    for category_id, grams in _items_reused(session, start, end, RessourcerieItem.category_id):
        add(category_id, "reused", grams)
    for category_id, grams in UNTAGGED_REUSED(session, start, end).items():
        add(category_id, "reused", grams)  # sold at the till by category, untagged
    for category_id, channel, grams in _outflows(
        session, first, last, Outflow.category_id, Outflow.channel
    ):
        key = (
            "reused"
            if channel == OutflowChannel.PARTNER
            else "discarded"
            if channel == OutflowChannel.DECHETERIE
            else "recycled"
        )
        add(category_id, key, grams)
    rows = [
        TonnageRow(names.get(cid, "—"), **values)
        for cid, values in sorted(figures.items(), key=lambda kv: names.get(kv[0], ""))
    ]
    rows.append(
        TonnageRow(
            "Total",
            *(
                sum(getattr(r, f) for r in rows)
                for f in ("collected", "reused", "recycled", "discarded")
            ),
        )
    )
    return rows


REUSED, RECYCLED, DISCARDED = "Réemployé", "Recyclé", "Jeté"
_CHANNELS = (
    (OutflowChannel.PARTNER, REUSED, "Confié à une association partenaire"),
    (OutflowChannel.RECYCLING_DEEE, RECYCLED, "Filière DEEE"),
    (OutflowChannel.RECYCLING_TEXTILE, RECYCLED, "Filière textile"),
    (OutflowChannel.RECYCLING_OTHER, RECYCLED, "Autre filière de recyclage"),
    (OutflowChannel.DECHETERIE, DISCARDED, "Déchèterie"),
)


def outcomes(session: Session, first: date, last: date) -> list[tuple[str, str, int]]:
    """What became of the objects in the period, (outcome, detail, grams), every row even at
    0: reused (tagged items sold, given; untagged objects sold by category; lots handed to a
    partner), recycled by channel, discarded — the corrections taken into account."""
    start, end = _bounds(first, last)
    items = dict(_items_reused(session, start, end, RessourcerieItem.state))
    channels = dict(_outflows(session, first, last, Outflow.channel))
    untagged = sum(UNTAGGED_REUSED(session, start, end).values())
    rows = [
        (REUSED, "Objets étiquetés vendus", int(items.get(ItemState.SOLD) or 0)),
        (REUSED, "Objets sans étiquette vendus (au poids)", untagged),
        (REUSED, "Objets étiquetés donnés", int(items.get(ItemState.GIVEN) or 0)),
    ]
    rows += [(kind, label, int(channels.get(channel) or 0)) for channel, kind, label in _CHANNELS]
    return rows


def kilograms(grams: int) -> str:
    kilos, rest = divmod(grams, 1000)
    return f"{kilos},{rest:03d}"


def percent(tenths: int | None) -> str:
    return "—" if tenths is None else f"{tenths // 10},{tenths % 10} %"


def tonnage_csv(rows: list[TonnageRow]) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(
        [
            "Catégorie",
            "Collecté (kg)",
            "Réemployé (kg)",
            "Recyclé (kg)",
            "Jeté (kg)",
            "Taux de réemploi",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.category,
                kilograms(row.collected),
                kilograms(row.reused),
                kilograms(row.recycled),
                kilograms(row.discarded),
                percent(row.reuse_rate_tenths),
            ]
        )
    return "\ufeff" + out.getvalue()
