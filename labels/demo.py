"""Demo labels: the thermal label printer is the simulated one; three price changes wait for
their shelf labels."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.settings.services import set_setting
from inventory.models import Product


def load_demo(session, context) -> list[str]:
    now = context.now
    for key, value in (
        ("labels.printer_kind", "simulator"),
        ("labels.printer_target", ""),
        ("labels.printer_model", "pos-5890"),
    ):
        set_setting(session, key, value, now)
    changed = list(
        session.scalars(select(Product).where(Product.is_active).order_by(Product.id).limit(3))
    )
    for product in changed:
        product.price_changed_at = now - timedelta(days=1)
    return [
        f"Étiquettes : {len(changed)} étiquettes de rayon à réimprimer (prix changés), "
        "imprimante d'étiquettes : le simulateur (58 mm)."
    ]
