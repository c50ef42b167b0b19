"""Tills, cash sessions, sales, payments, refunds, receipts and the journal."""
