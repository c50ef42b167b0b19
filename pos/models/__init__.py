"""Till records: tills, cash sessions and their cash movements, sales, lines and payments."""

from pos.models.journal import JournalEntry, JournalHead
from pos.models.printing import JobKind, JobStatus, PrintJob
from pos.models.sales import (
    AbandonedSale,
    FlagKind,
    PaymentMethod,
    Sale,
    SaleFlag,
    SaleKind,
    SaleLine,
    SalePayment,
)
from pos.models.tills import CashMovement, CashSession, SessionStatus, Till, TillScan

__all__ = [
    "AbandonedSale",
    "CashMovement",
    "CashSession",
    "FlagKind",
    "JobKind",
    "JobStatus",
    "JournalEntry",
    "JournalHead",
    "PaymentMethod",
    "PrintJob",
    "Sale",
    "SaleFlag",
    "SaleKind",
    "SaleLine",
    "SalePayment",
    "SessionStatus",
    "Till",
    "TillScan",
]
