"""Ressourcerie tests' builders: the default categories, an intake."""

from datetime import date

import pytest
from sqlalchemy import select

from inventory.models import (
    ChoiceKind,
    ItemCategory,
    RessourcerieChoice,
)
from inventory.ressourcerie.items import (
    IntakeData,
    record_intake,
)

TODAY = date(2026, 11, 23)


@pytest.fixture
def categories(session):
    return {c.name: c for c in session.scalars(select(ItemCategory))}


def intake(
    session,
    staff,
    now,
    category,
    gross,
    tare=0,
    keep=False,
    description="",
    day=TODAY,
    serial="",
    site_id=1,
):
    return record_intake(
        session,
        staff.id,
        now,
        TODAY,
        IntakeData(
            category.id,
            collection_type(session, "Déchèterie"),
            day,
            gross,
            tare,
            description,
            keep,
            serial,
            site_id=site_id,
        ),
    )


def collection_type(session, name: str) -> int:
    """A default collection type's id (« Apport volontaire », « Déchèterie »…)."""
    return session.scalar(
        select(RessourcerieChoice.id).where(
            RessourcerieChoice.kind == ChoiceKind.COLLECTION_TYPE, RessourcerieChoice.name == name
        )
    )
