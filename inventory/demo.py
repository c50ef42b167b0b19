"""Demo catalogue: ~300 products with valid EAN-13s, lots with DLC/DDM, ressourcerie items."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.barcodes import complete_ean13
from app.clock import shop_date
from inventory.models import (
    Category,
    GardenParcel,
    Harvest,
    ItemState,
    Lot,
    LotOrigin,
    Product,
    ProductBarcode,
    Reception,
    RessourcerieItem,
    StockUnit,
)
from inventory.services.ledger import MovementContext, receive_into_lot

# (category, name, unit, price in cents, VAT in basis points, net content g/ml, keeps: DLC or DDM)
BASE_PRODUCTS = (
    ("Épicerie salée", "Pâtes spaghetti 500 g", StockUnit.PIECE, 109, 550, 500, "ddm"),
    ("Épicerie salée", "Pâtes coquillettes 500 g", StockUnit.PIECE, 99, 550, 500, "ddm"),
    ("Épicerie salée", "Riz long grain 1 kg", StockUnit.PIECE, 189, 550, 1000, "ddm"),
    ("Épicerie salée", "Lentilles vertes 500 g", StockUnit.PIECE, 215, 550, 500, "ddm"),
    ("Épicerie salée", "Semoule fine 500 g", StockUnit.PIECE, 125, 550, 500, "ddm"),
    ("Épicerie salée", "Farine de blé T55 1 kg", StockUnit.PIECE, 95, 550, 1000, "ddm"),
    ("Épicerie salée", "Huile de tournesol 1 l", StockUnit.LITRE, 249, 550, 1000, "ddm"),
    ("Épicerie salée", "Sauce tomate 500 g", StockUnit.PIECE, 139, 550, 500, "ddm"),
    ("Épicerie salée", "Thon au naturel 140 g", StockUnit.PIECE, 219, 550, 140, "ddm"),
    ("Épicerie salée", "Sardines à l'huile 135 g", StockUnit.PIECE, 165, 550, 135, "ddm"),
    ("Épicerie salée", "Haricots verts en conserve 800 g", StockUnit.PIECE, 155, 550, 800, "ddm"),
    ("Épicerie salée", "Petits pois carottes 800 g", StockUnit.PIECE, 169, 550, 800, "ddm"),
    ("Épicerie salée", "Cassoulet 840 g", StockUnit.PIECE, 359, 550, 840, "ddm"),
    ("Épicerie salée", "Sel fin 1 kg", StockUnit.PIECE, 79, 550, 1000, "ddm"),
    ("Épicerie sucrée", "Sucre en poudre 1 kg", StockUnit.PIECE, 129, 550, 1000, "ddm"),
    ("Épicerie sucrée", "Café moulu 250 g", StockUnit.PIECE, 329, 550, 250, "ddm"),
    ("Épicerie sucrée", "Thé noir 25 sachets", StockUnit.PIECE, 189, 550, 50, "ddm"),
    ("Épicerie sucrée", "Chocolat en poudre 800 g", StockUnit.PIECE, 399, 550, 800, "ddm"),
    ("Épicerie sucrée", "Confiture de fraises 370 g", StockUnit.PIECE, 229, 550, 370, "ddm"),
    ("Épicerie sucrée", "Biscuits petit-beurre 200 g", StockUnit.PIECE, 145, 550, 200, "ddm"),
    ("Épicerie sucrée", "Céréales corn flakes 500 g", StockUnit.PIECE, 259, 550, 500, "ddm"),
    ("Épicerie sucrée", "Compote de pommes 4×100 g", StockUnit.PIECE, 179, 550, 400, "ddm"),
    ("Épicerie sucrée", "Tablette de chocolat noir 200 g", StockUnit.PIECE, 199, 550, 200, "ddm"),
    ("Boissons", "Lait demi-écrémé UHT 1 l", StockUnit.LITRE, 105, 550, 1000, "ddm"),
    ("Boissons", "Jus d'orange 1 l", StockUnit.LITRE, 199, 550, 1000, "ddm"),
    ("Boissons", "Eau minérale 1,5 l", StockUnit.LITRE, 49, 550, 1500, "ddm"),
    ("Boissons", "Sirop de grenadine 75 cl", StockUnit.LITRE, 239, 550, 750, "ddm"),
    ("Produits laitiers", "Yaourts nature 4×125 g", StockUnit.PIECE, 129, 550, 500, "dlc"),
    ("Produits laitiers", "Fromage blanc 500 g", StockUnit.PIECE, 189, 550, 500, "dlc"),
    ("Produits laitiers", "Emmental râpé 200 g", StockUnit.PIECE, 219, 550, 200, "dlc"),
    ("Produits laitiers", "Beurre doux 250 g", StockUnit.PIECE, 269, 550, 250, "dlc"),
    ("Produits laitiers", "Camembert 250 g", StockUnit.PIECE, 199, 550, 250, "dlc"),
    ("Frais", "Jambon blanc 4 tranches", StockUnit.PIECE, 299, 550, 160, "dlc"),
    ("Frais", "Œufs frais ×6", StockUnit.PIECE, 229, 550, None, "ddm"),
    ("Frais", "Filets de poulet 400 g", StockUnit.PIECE, 549, 550, 400, "dlc"),
    ("Frais", "Steaks hachés 5 % ×2", StockUnit.PIECE, 389, 550, 200, "dlc"),
    ("Surgelés", "Légumes pour potage 1 kg", StockUnit.PIECE, 219, 550, 1000, "ddm"),
    ("Surgelés", "Poisson pané ×10", StockUnit.PIECE, 349, 550, 500, "ddm"),
    ("Surgelés", "Frites au four 1 kg", StockUnit.PIECE, 239, 550, 1000, "ddm"),
    ("Bébé", "Lait infantile 2e âge 800 g", StockUnit.PIECE, 1490, 550, 800, "ddm"),
    ("Bébé", "Petits pots légumes 2×200 g", StockUnit.PIECE, 249, 550, 400, "ddm"),
    ("Bébé", "Couches taille 4 ×40", StockUnit.PIECE, 1190, 2000, None, None),
    ("Hygiène", "Savon de Marseille 300 g", StockUnit.PIECE, 199, 2000, 300, None),
    ("Hygiène", "Shampooing 250 ml", StockUnit.PIECE, 249, 2000, 250, None),
    ("Hygiène", "Dentifrice 75 ml", StockUnit.PIECE, 179, 2000, 75, None),
    ("Hygiène", "Papier toilette ×12", StockUnit.PIECE, 449, 2000, None, None),
    ("Hygiène", "Protections périodiques ×16", StockUnit.PIECE, 289, 550, None, None),
    ("Entretien", "Liquide vaisselle 750 ml", StockUnit.PIECE, 169, 2000, 750, None),
    ("Entretien", "Lessive liquide 1,5 l", StockUnit.PIECE, 599, 2000, 1500, None),
    ("Entretien", "Éponges ×4", StockUnit.PIECE, 129, 2000, None, None),
)
BRANDS = (
    "Marque repère",
    "Premier prix",
    "Bio",
    "Marque nationale",
    "Producteur local",
    "Solidaire",
)

# Jardin produce, sold by weight with in-store codes 21AAAAA00000C (price per kg).
JARDIN_PRODUCTS = (
    ("Tomates du jardin", 320),
    ("Courgettes du jardin", 250),
    ("Pommes de terre du jardin", 150),
    ("Carottes du jardin", 180),
    ("Salade du jardin (la pièce au kg)", 400),
    ("Haricots verts du jardin", 650),
    ("Poireaux du jardin", 290),
    ("Potiron du jardin", 220),
)

RESSOURCERIE_ITEMS = (
    ("Vélos", "Vélo adulte VTC 28 pouces", 15000, 3500, "VTC-2291"),
    ("Vélos", "Vélo enfant 16 pouces", 8000, 1500, None),
    ("Gros électroménager", "Lave-linge 7 kg reconditionné", 62000, 12000, "WM7-88213"),
    ("Gros électroménager", "Réfrigérateur table top", 32000, 6000, "RF-55102"),
    ("Petit électroménager", "Micro-ondes 20 l", 11500, 2500, "MO-44910"),
    ("Petit électroménager", "Bouilloire électrique", 1200, 500, "BK-1190"),
    ("Mobilier", "Table de cuisine en chêne", 25000, 4000, None),
    ("Mobilier", "Chaise paillée", 4000, 800, None),
    ("Livres", "Lot de 5 romans", 1500, 300, None),
    ("Jouets", "Garage en bois", 3000, 700, None),
    ("Textiles", "Manteau d'hiver enfant", 600, 500, None),
)
DEMO_SUPPLIERS = {
    LotOrigin.BANQUE_ALIMENTAIRE: "Banque Alimentaire — entrepôt départemental",
    LotOrigin.PURCHASE: "Grossiste Solidaire",
    LotOrigin.DONATION: "Don de particuliers",
    LotOrigin.RAMASSE: "Ramasse — supermarché du centre",
    LotOrigin.JARDIN: "Jardin du CCAS",
}
ITEM_STATES = (ItemState.READY, ItemState.IN_REPAIR, ItemState.COLLECTED)


def _unique_ean13(rng, used: set[str]) -> str:
    while True:
        # French GS1 prefixes 300-379; the rest is random but check-digit valid.
        payload = f"3{rng.randint(0, 79):02d}" + "".join(str(rng.randint(0, 9)) for _ in range(9))
        code = complete_ean13(payload)
        if code not in used:
            used.add(code)
            return code


def load_demo(session, context) -> list[str]:
    rng, now = context.rng, context.now
    today = shop_date(now)
    session.add_all(
        GardenParcel(number=number, name=f"Parcelle {number}", area_m2=area)
        for number, area in enumerate((450, 500, 550, 600, 500, 550), start=1)
    )
    categories = {}
    for name in sorted({row[0] for row in BASE_PRODUCTS} | {"Fruits et légumes"}):
        categories[name] = Category(name=name)
        session.add(categories[name])
    session.flush()

    used_codes: set[str] = set()
    products: list[tuple[Product, str | None]] = []
    for brand in BRANDS:
        for category, name, unit, price, vat, content, keeps in BASE_PRODUCTS:
            factor = {"Premier prix": 80, "Bio": 135, "Marque nationale": 120}.get(brand, 100)
            product = Product(
                name=f"{name} — {brand}",
                category_id=categories[category].id,
                unit=unit,
                reference_price_cents=price * factor // 100,
                vat_rate_bp=vat,
                net_content=content,
                per_visit_limit=2 if name.startswith("Café") else None,
                is_active=True,
                created_at=now,
            )
            product.barcodes.append(ProductBarcode(code=_unique_ean13(rng, used_codes)))
            session.add(product)
            products.append((product, keeps))
    for index, (name, price_per_kg) in enumerate(JARDIN_PRODUCTS, start=1):
        product = Product(
            name=name,
            category_id=categories["Fruits et légumes"].id,
            unit=StockUnit.KILOGRAM,
            reference_price_cents=price_per_kg,
            vat_rate_bp=550,
            is_active=True,
            created_at=now,
            quick_key=True,  # loose vegetables: a big button at the till, then the scale
        )
        product.barcodes.append(ProductBarcode(code=complete_ean13(f"21{index:05d}00000")))
        session.add(product)
        products.append((product, "jardin"))
    session.flush()

    origins = (
        LotOrigin.BANQUE_ALIMENTAIRE,
        LotOrigin.PURCHASE,
        LotOrigin.DONATION,
        LotOrigin.RAMASSE,
    )
    staff = context.shared.get("users", {})
    actor = next(iter(staff.values())).id if staff else None
    receptions: dict[tuple[LotOrigin, int], Reception] = {}

    def reception_for(origin: LotOrigin, days_ago: int) -> Reception:
        if (origin, days_ago) not in receptions:
            reception = Reception(
                origin=origin,
                received_at=now - timedelta(days=days_ago),
                received_by_id=actor,
                supplier=DEMO_SUPPLIERS[origin],
                declared_weight_grams=rng.randint(80, 400) * 1000
                if origin == LotOrigin.BANQUE_ALIMENTAIRE
                else None,
            )
            session.add(reception)
            session.flush()
            receptions[(origin, days_ago)] = reception
        return receptions[(origin, days_ago)]

    lots = expired = soon = 0
    for product, keeps in products:
        for _ in range(rng.randint(1, 2)):
            if keeps == "jardin":
                quantity, origin = rng.randint(2, 15) * 1000, LotOrigin.JARDIN
                value = product.reference_price_cents * quantity // 1000
            else:
                quantity, origin = rng.randint(3, 40), rng.choice(origins)
                value = product.reference_price_cents * quantity
            offset = rng.choice((-3, -1, 1, 2, 5, 12, 30, 90, 240))
            reception = reception_for(origin, rng.choice((1, 3, 6, 10, 15, 20)))
            lot = Lot(
                product_id=product.id,
                quantity=quantity,
                origin=origin,
                reference_value_cents=value,
                received_at=reception.received_at,
                reception_id=reception.id,
            )
            if keeps in ("dlc", "jardin"):
                lot.use_by = today + timedelta(days=offset if keeps == "dlc" else abs(offset))
            elif keeps == "ddm":
                lot.best_before = today + timedelta(days=offset * 4)
            expired += bool(lot.use_by and lot.use_by < today)
            soon += bool(lot.use_by and today <= lot.use_by <= today + timedelta(days=2))
            # Straight into the ledger: demo lots may be already past their date.
            receive_into_lot(
                session,
                lot,
                MovementContext(actor, reception.received_at, f"reception:{reception.id}"),
            )
            if keeps == "jardin":
                session.add(
                    Harvest(
                        parcel_number=rng.randint(1, 6),
                        product_id=product.id,
                        weight_grams=quantity,
                        harvested_on=shop_date(reception.received_at),
                        lot_id=lot.id,
                        recorded_by_id=actor,
                        participant_ids=[],
                    )
                )
            lots += 1

    item_lines = _demo_ressourcerie(session, rng, now, actor)
    return [
        f"Catalogue : {len(products)} produits, {len(categories)} catégories.",
        f"Stock : {lots} lots ({expired} dépassant leur DLC, {soon} à DLC sous 2 jours).",
        *item_lines,
    ]


def _demo_ressourcerie(session, rng, now, actor) -> list[str]:
    """Items (ready ones reconditioned through the repair log), a month of intakes and
    outflows, so the tonnage report has figures."""
    from inventory.models import (
        ChoiceKind,
        DataErasure,
        Intake,
        ItemCategory,
        Outflow,
        OutflowChannel,
        RepairLog,
        RessourcerieChoice,
    )

    categories = {c.name: c for c in session.scalars(select(ItemCategory))}
    types = {
        c.name: c.id
        for c in session.scalars(
            select(RessourcerieChoice).where(RessourcerieChoice.kind == ChoiceKind.COLLECTION_TYPE)
        )
    }
    areas = [
        RessourcerieChoice(kind=ChoiceKind.AREA, name=name)
        for name in ("Centre-ville", "Les Quatre Chemins", "Commune voisine")
    ]
    session.add_all(areas)
    session.flush()
    today = shop_date(now)
    for number, (category, description, grams, price, serial) in enumerate(
        RESSOURCERIE_ITEMS, start=1
    ):
        state = ITEM_STATES[number % 3]
        collected = now - timedelta(days=number * 3)
        intake = Intake(
            category_id=categories[category].id,
            collection_type_id=types["Déchèterie"],
            area_id=areas[number % len(areas)].id,
            collected_on=shop_date(collected),
            gross_grams=grams,
            tare_grams=0,
            net_grams=grams,
            description=description,
            recorded_by_id=actor,
            recorded_at=collected,
        )
        session.add(intake)
        session.flush()
        item = RessourcerieItem(
            number=f"R{number:05d}",
            category=category,
            category_id=categories[category].id,
            description=description,
            serial_number=serial,
            weight_grams=grams,
            state=state,
            price_cents=price,
            collected_at=collected,
            intake_id=intake.id,
            state_changed_at=collected,
        )
        if state != ItemState.COLLECTED:
            item.repairs.append(
                RepairLog(
                    day=shop_date(collected) + timedelta(days=1),
                    participant_ids=[],
                    minutes=90,
                    tests="Toutes les fonctions" if categories[category].electrical else None,
                    all_functions_tested=state == ItemState.READY,
                    data_erasure=DataErasure.NOT_APPLICABLE if state == ItemState.READY else None,
                    recorded_by_id=actor,
                    recorded_at=collected,
                )
            )
        session.add(item)
    for days in range(1, 28, 3):  # bulk intakes and outflows of the last weeks
        day = today - timedelta(days=days)
        for name in ("Textiles", "Livres", "Mobilier"):
            gross = rng.randint(8, 60) * 1000
            session.add(
                Intake(
                    category_id=categories[name].id,
                    collection_type_id=types["Apport volontaire"],
                    area_id=areas[0].id,
                    collected_on=day,
                    gross_grams=gross + 1500,
                    tare_grams=1500,
                    net_grams=gross,
                    recorded_by_id=actor,
                    recorded_at=now,
                )
            )
        for name, channel in (
            ("Textiles", OutflowChannel.RECYCLING_TEXTILE),
            ("Mobilier", OutflowChannel.DECHETERIE),
        ):
            grams = rng.randint(3, 20) * 1000
            session.add(
                Outflow(
                    category_id=categories[name].id,
                    channel=channel,
                    day=day,
                    gross_grams=grams,
                    tare_grams=0,
                    net_grams=grams,
                    recorded_by_id=actor,
                    recorded_at=now,
                )
            )
    for name, (grid, standard) in UNTAGGED_GRIDS.items():  # sold at the till by category
        categories[name].price_grid = [
            {"label": label, "price_cents": cents} for label, cents in grid
        ]
        categories[name].standard_weight_grams = standard
    return [
        f"Ressourcerie : {len(RESSOURCERIE_ITEMS)} objets, collectes et sorties des 4 "
        "dernières semaines ; grilles de prix des objets sans étiquette (Livres, Textiles, "
        "Jouets) vendus à la Caisse 2."
    ]


# Untagged objects: the grid's prices (label, cents) and the standard weight (grams).
UNTAGGED_GRIDS = {
    "Livres": ((("Poche", 50), ("Grand format", 200), ("Beau livre", 500)), 300),
    "Textiles": ((("Vêtement enfant", 150), ("Vêtement adulte", 300), ("Chaussures", 400)), 400),
    "Jouets": ((("Petit jouet", 100), ("Jeu de société", 300), ("Gros jouet", 800)), 500),
}
