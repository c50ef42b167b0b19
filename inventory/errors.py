"""Domain errors of the inventory, each with a French message for the person in front."""

from __future__ import annotations


class InventoryError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidData(InventoryError):
    """Input that cannot be accepted (shown next to the form)."""


class UnknownBarcode(InventoryError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class UnreadableBarcode(InventoryError):
    """Wrong check digit or malformed code: scan again."""


class NotSellable(InventoryError):
    """Past its DLC (or DDM when the setting blocks it), or no stock to take it from."""


class InsufficientStock(InventoryError):
    pass


class StocktakeClosed(InventoryError):
    pass
