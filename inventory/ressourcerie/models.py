"""The ressourcerie's records: categories, intakes (weighed, from a source), numbered items and
their repair log, outflows (recycling channels). Re-exported by ``inventory.models``."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.orm import Base, UTCDateTime, string_enum
from app.sites.models import site_column


class ItemState(enum.StrEnum):
    COLLECTED = "collected"
    IN_REPAIR = "in_repair"
    READY = "ready"
    SOLD = "sold"
    GIVEN = "given"
    RECYCLED = "recycled"
    DISCARDED = "discarded"


class ItemCategory(Base):
    """A ressourcerie category (editable): its suggested price and what refurbishing needs."""

    __tablename__ = "item_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    suggested_price_cents: Mapped[int | None] = mapped_column(Integer)  # the price grid
    # Untagged objects sold at the till by category: the prices offered (a list of
    # {"label", "price_cents"}), and the weight counted when the object is not weighed.
    price_grid: Mapped[list | None] = mapped_column(JSON)
    standard_weight_grams: Mapped[int | None] = mapped_column(Integer)
    # Electrical goods: every function tested and data erased (or not applicable) before
    # "reconditionné" / ready for sale; they carry the legal guarantee mention.
    electrical: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class IntakeSource(enum.StrEnum):
    DECHETERIE = "decheterie"
    DONATION = "donation"  # brought to the door
    CLEARANCE = "clearance"  # débarras


class ChoiceKind(enum.StrEnum):
    AREA = "area"  # where objects come from: a commune, a quartier
    COLLECTION_TYPE = "type"  # apport volontaire, collecte à domicile, déchèterie…
    POINT = "point"  # a collection or sales point: the shop, the déchèterie's chalet…


class RessourcerieChoice(Base):
    """An entry of one of the ressourcerie's editable lists (areas, collection types, points);
    archived, it is no longer offered, its figures stay."""

    __tablename__ = "ressourcerie_choices"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ChoiceKind] = mapped_column(string_enum(ChoiceKind, "choice_kind"))
    name: Mapped[str] = mapped_column(String(80))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())


class Intake(Base):
    """An object or a batch collected, weighed by category (net = gross − container tare)."""

    __tablename__ = "ressourcerie_intakes"
    __table_args__ = (CheckConstraint("net_grams > 0", name="net_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("item_categories.id"), index=True)
    # Before the editable collection types (kept for the intakes recorded then).
    source: Mapped[IntakeSource | None] = mapped_column(string_enum(IntakeSource, "intake_source"))
    collection_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("ressourcerie_choices.id"), index=True
    )
    area_id: Mapped[int | None] = mapped_column(ForeignKey("ressourcerie_choices.id"), index=True)
    point_id: Mapped[int | None] = mapped_column(ForeignKey("ressourcerie_choices.id"), index=True)
    collected_on: Mapped[date] = mapped_column(Date, index=True)
    gross_grams: Mapped[int] = mapped_column(Integer)
    tare_grams: Mapped[int] = mapped_column(Integer, default=0)
    net_grams: Mapped[int] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    site_id: Mapped[int] = site_column()  # where it was collected and weighed

    category: Mapped[ItemCategory] = relationship()


class RessourcerieItem(Base):
    __tablename__ = "ressourcerie_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    category: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(200))
    serial_number: Mapped[str | None] = mapped_column(String(80))
    weight_grams: Mapped[int] = mapped_column(Integer)
    state: Mapped[ItemState] = mapped_column(string_enum(ItemState, "item_state"))
    price_cents: Mapped[int | None] = mapped_column(Integer)
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    category_id: Mapped[int | None] = mapped_column(ForeignKey("item_categories.id"), index=True)
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("ressourcerie_intakes.id"))
    state_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set by the till when sold: the ticket, and the end of the legal guarantee.
    sold_ticket: Mapped[str | None] = mapped_column(String(30))
    warranty_until: Mapped[date | None] = mapped_column(Date)
    # Its intake's site: where it is repaired and sold (a till of another site does not find it).
    site_id: Mapped[int] = site_column()

    item_category: Mapped[ItemCategory | None] = relationship()
    repairs: Mapped[list[RepairLog]] = relationship(order_by="RepairLog.id", back_populates="item")


class DataErasure(enum.StrEnum):
    DONE = "done"
    NOT_APPLICABLE = "not_applicable"


class RepairLog(Base):
    """One work session on an item: who (atelier participants), how long, parts, tests."""

    __tablename__ = "repair_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("ressourcerie_items.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    participant_ids: Mapped[list] = mapped_column(JSON, default=list)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    parts: Mapped[str | None] = mapped_column(String(300))
    parts_cost_cents: Mapped[int] = mapped_column(Integer, default=0)
    tests: Mapped[str | None] = mapped_column(String(500))
    all_functions_tested: Mapped[bool] = mapped_column(Boolean, default=False)
    data_erasure: Mapped[DataErasure | None] = mapped_column(
        string_enum(DataErasure, "data_erasure")
    )
    notes: Mapped[str | None] = mapped_column(String(500))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    item: Mapped[RessourcerieItem] = relationship(back_populates="repairs")


class OutflowChannel(enum.StrEnum):
    RECYCLING_DEEE = "recycling_deee"
    RECYCLING_TEXTILE = "recycling_textile"
    RECYCLING_OTHER = "recycling_other"
    DECHETERIE = "decheterie"
    PARTNER = "partner"  # a partner association, for reuse


class Outflow(Base):
    """What leaves the ressourcerie other than by sale: weighed, by channel."""

    __tablename__ = "ressourcerie_outflows"
    __table_args__ = (CheckConstraint("net_grams > 0", name="net_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("item_categories.id"), index=True)
    channel: Mapped[OutflowChannel] = mapped_column(string_enum(OutflowChannel, "outflow_channel"))
    day: Mapped[date] = mapped_column(Date, index=True)
    gross_grams: Mapped[int] = mapped_column(Integer)
    tare_grams: Mapped[int] = mapped_column(Integer, default=0)
    net_grams: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("ressourcerie_items.id"))
    partner: Mapped[str | None] = mapped_column(String(120))
    point_id: Mapped[int | None] = mapped_column(ForeignKey("ressourcerie_choices.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    site_id: Mapped[int] = site_column()

    category: Mapped[ItemCategory] = relationship()


class WeightCorrection(Base):
    """A wrong intake or outflow weight corrected: who, when, why, the net weight before and
    after. The original record is never edited; the figures use the latest correction."""

    __tablename__ = "ressourcerie_corrections"
    __table_args__ = (
        CheckConstraint("(intake_id IS NULL) <> (outflow_id IS NULL)", name="one_record_corrected"),
        CheckConstraint("new_net_grams > 0", name="new_net_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("ressourcerie_intakes.id"), index=True)
    outflow_id: Mapped[int | None] = mapped_column(
        ForeignKey("ressourcerie_outflows.id"), index=True
    )
    old_net_grams: Mapped[int] = mapped_column(Integer)
    new_net_grams: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    corrected_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime())
