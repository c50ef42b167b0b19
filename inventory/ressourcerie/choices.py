"""The ressourcerie's editable lists: origin areas (communes, quartiers), collection types
(apport volontaire, collecte à domicile, déchèterie, vide-maison, partenaire…) and collection
points (the shop, the déchèterie's chalet…). An entry is renamed or archived, never deleted:
the intakes that name it keep their figures."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import String, bindparam, func, literal, select, type_coerce, union_all
from sqlalchemy.orm import Session

from app.values import InvalidValue, parse_text
from inventory.errors import InvalidData
from inventory.models import ChoiceKind, Intake, ItemCategory, RessourcerieChoice, WeightCorrection
from inventory.ressourcerie.corrections import latest_corrections

KIND_LABELS = {
    ChoiceKind.AREA: "Origines (communes, quartiers)",
    ChoiceKind.COLLECTION_TYPE: "Types de collecte",
    ChoiceKind.POINT: "Points de collecte",
}


def choices(session: Session, kind: ChoiceKind, active_only: bool = True):
    query = select(RessourcerieChoice).where(RessourcerieChoice.kind == kind)
    if active_only:
        query = query.where(RessourcerieChoice.is_active)
    return list(session.scalars(query.order_by(RessourcerieChoice.name)))


def all_choices(session: Session) -> dict[ChoiceKind, list[RessourcerieChoice]]:
    """Every list's active entries, in one query (the intake form offers the three lists)."""
    lists: dict[ChoiceKind, list[RessourcerieChoice]] = {kind: [] for kind in ChoiceKind}
    for choice in session.scalars(
        select(RessourcerieChoice)
        .where(RessourcerieChoice.is_active)
        .order_by(RessourcerieChoice.name)
    ):
        lists[choice.kind].append(choice)
    return lists


def save_choice(
    session: Session, kind: ChoiceKind, choice_id: int | None, name: str, active: bool = True
) -> RessourcerieChoice:
    if not isinstance(kind, ChoiceKind):
        raise InvalidData(_("Liste inconnue."))
    try:
        label = parse_text(name, _("Nom"), max_length=80, required=True)
    except InvalidValue as error:
        raise InvalidData(error.message) from None
    choice = session.get(RessourcerieChoice, choice_id) if choice_id else RessourcerieChoice()
    if choice is None or (choice_id and choice.kind != kind):
        raise InvalidData(_("Cette entrée n'existe plus : rechargez la page."))
    clash = session.scalar(
        select(RessourcerieChoice.id).where(
            RessourcerieChoice.kind == kind,
            func.lower(RessourcerieChoice.name) == label.lower(),
        )
    )
    if clash is not None and clash != choice.id:
        raise InvalidData(_("« %(n)s » est déjà dans la liste.", n=label))
    choice.kind, choice.name, choice.is_active = kind, label, active
    session.add(choice)
    session.flush()
    return choice


# The category and the list entries an intake or an outflow names, checked in one query (the
# ressourcerie's most frequent write checks them every time).
_REFERENCES = union_all(
    select(literal("category", String).label("kind"), ItemCategory.id, ItemCategory.name).where(
        ItemCategory.id == bindparam("category_id"), ItemCategory.is_active
    ),
    select(
        type_coerce(RessourcerieChoice.kind, String).label("kind"),
        RessourcerieChoice.id,
        RessourcerieChoice.name,
    ).where(
        RessourcerieChoice.id.in_(bindparam("choice_ids", expanding=True)),
        RessourcerieChoice.is_active,
    ),
)


def checked_references(
    session: Session, category_id: int | None, entries: dict[ChoiceKind, tuple[int | None, bool]]
) -> str:
    """The name of the active category ``category_id``; each entry (list → (id, required)) is
    an active entry of that list, or None when not required and not given. Otherwise the
    French refusal."""
    given = [choice_id for choice_id, _required in entries.values() if choice_id is not None]
    found = {
        (kind, row_id): name
        for kind, row_id, name in session.execute(
            _REFERENCES, {"category_id": category_id, "choice_ids": given}
        )
    }
    name = found.get(("category", category_id))
    if name is None:
        raise InvalidData(_("Choisissez une catégorie."))
    for kind, (choice_id, required) in entries.items():
        if choice_id is None and required:
            raise InvalidData(_("Choisissez le type de collecte."))
        if choice_id is not None and (kind.value, choice_id) not in found:
            raise InvalidData(_("Choix invalide : rechargez la page."))
    return name


def collected_by(session: Session, column, first, last) -> list[tuple[str, int]]:
    """Net kilos collected in [first, last] by an intake column (area, type or point), the
    corrections taken into account; « Non renseigné » for the intakes without one."""
    fix = latest_corrections(WeightCorrection.intake_id)
    rows = session.execute(
        select(RessourcerieChoice.name, func.sum(func.coalesce(fix.c.net, Intake.net_grams)))
        .select_from(Intake)
        .outerjoin(fix, fix.c.rid == Intake.id)
        .outerjoin(RessourcerieChoice, RessourcerieChoice.id == column)
        .where(Intake.collected_on >= first, Intake.collected_on <= last)
        .group_by(RessourcerieChoice.name)
    ).all()
    return sorted(((name or "Non renseigné", grams or 0) for name, grams in rows))


COLLECTED_TITLES = (
    ("Collecté par origine", Intake.area_id),
    ("Collecté par type de collecte", Intake.collection_type_id),
    ("Collecté par point de collecte", Intake.point_id),
)


def collected_tables(session: Session, first, last) -> list[tuple[str, list[tuple[str, int]]]]:
    """(title, [(name, grams)…]) for origins, collection types and points."""
    return [
        (title, collected_by(session, column, first, last)) for title, column in COLLECTED_TITLES
    ]
