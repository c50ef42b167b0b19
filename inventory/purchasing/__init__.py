"""Suppliers, purchase orders, their receptions (received against ordered), purchase prices
over time, and the stock's value at a date."""
