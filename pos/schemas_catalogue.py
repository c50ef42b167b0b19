"""What the till keeps to sell, even offline: the catalogue (products, barcode rules, the
ressourcerie's categories) and its offline series (answers of the till's JSON API)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CatalogueProduct(BaseModel):
    id: int
    name: str
    unit: str
    price_cents: int
    vat_rate_bp: int
    per_visit_limit: int | None
    barcodes: list[str]
    category: str = Field(description="catégorie (groupe des touches rapides)")
    search: str = Field(description="nom replié (minuscules, sans accents) pour la recherche")
    quick_key: bool = Field(description="touche rapide à la caisse (produit sans code)")
    check_stock: bool = Field(
        description="du stock a dépassé sa date : la caisse demande le stock au scan"
    )


class CatalogueRule(BaseModel):
    kind: str
    pattern: str


class GridPriceOut(BaseModel):
    label: str
    price_cents: int


class CatalogueCategory(BaseModel):
    """A ressourcerie category, for untagged objects sold by category and weight."""

    id: int
    name: str
    price_cents: int | None = Field(description="prix conseillé (sans grille ni prix tapé)")
    standard_weight_grams: int | None = Field(description="compté quand l'objet n'est pas pesé")
    grid: list[GridPriceOut] = Field(description="grille de prix (grid_entry : rang)")


class CatalogueOut(BaseModel):
    products: list[CatalogueProduct]
    rules: list[CatalogueRule]
    ressourcerie: list[CatalogueCategory]


class OfflineStateOut(BaseModel):
    """What the till needs to sell offline: its series and the next number to give."""

    till: str
    series: str = Field(description="code des tickets hors ligne (« C1H »)")
    next_number: int
    max_offline_hours: int = Field(description="au-delà, un·e encadrant·e valide avant de vendre")
    browser_receipt: bool = Field(description="hors ligne, ticket imprimé par le navigateur")
    shop_name: str = Field(description="en tête du ticket imprimé hors ligne")
    supervisor_badges: list[str] = Field(
        description="empreintes SHA-256 de « caisse-hors-ligne: » + badge des encadrant·es"
    )
    server_time: str
