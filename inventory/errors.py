"""Domain errors of the inventory, each with a French message for the person in front."""

from __future__ import annotations

from app.domain import DomainError


class InventoryError(DomainError):
    pass


class InvalidData(InventoryError):
    """Input that cannot be accepted (shown next to the form)."""


class UnknownBarcode(InventoryError):
    status = 404
    code = "unknown_barcode"

    def __init__(self, message: str, barcode: str) -> None:
        super().__init__(message)
        self.barcode = barcode


class UnreadableBarcode(InventoryError):
    """Wrong check digit or malformed code: scan again."""

    code = "unreadable_barcode"


class NotSellable(InventoryError):
    """Past its DLC (or DDM when the setting blocks it), or no stock to take it from."""

    status = 409
    code = "not_sellable"


class InsufficientStock(InventoryError):
    status = 409
    code = "insufficient_stock"


class StocktakeClosed(InventoryError):
    status = 409
    code = "stocktake_closed"
