"""The stock's pages in the menu (and the jardin's deliveries and parcels)."""

from flask_babel import lazy_gettext as _l

from app.navigation import NavEntry, declare_menu
from app.users.roles import Permission

declare_menu(
    "stock",
    (10, NavEntry(_l("Produits"), "inventory.products", Permission.STOCK_MANAGE)),
    (20, NavEntry(_l("Catégories"), "inventory.categories", Permission.STOCK_MANAGE)),
    (30, NavEntry(_l("Réceptions"), "inventory.receptions", Permission.STOCK_MANAGE)),
    (33, NavEntry(_l("Commandes"), "inventory.orders", Permission.STOCK_MANAGE)),
    (36, NavEntry(_l("Fournisseurs"), "inventory.suppliers", Permission.STOCK_MANAGE)),
    (40, NavEntry(_l("Dates limites"), "inventory.expiry", Permission.STOCK_MANAGE)),
    (50, NavEntry(_l("Inventaires"), "inventory.stocktakes", Permission.STOCK_MANAGE)),
    (55, NavEntry(_l("Valeur du stock"), "inventory.stock_value", Permission.STOCK_MANAGE)),
    (57, NavEntry(_l("Transferts entre sites"), "inventory.transfers", Permission.STOCK_MANAGE)),
    (60, NavEntry(_l("Codes-barres"), "inventory.nomenclature", Permission.STOCK_MANAGE)),
    (70, NavEntry(_l("Ressourcerie"), "inventory.ressourcerie", Permission.STOCK_MANAGE)),
)
declare_menu(
    "jardin",
    (10, NavEntry(_l("Livraisons du jardin"), "inventory.harvests", Permission.HARVEST_LOG)),
    (20, NavEntry(_l("Parcelles"), "inventory.parcels", Permission.STOCK_MANAGE)),
)
