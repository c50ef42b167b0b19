"""Households and their access rights; atelier participants, contracts and attendance."""
