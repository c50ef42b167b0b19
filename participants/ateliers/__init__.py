"""Ateliers d'insertion: participants, contracts and planning, roll calls, hours, evaluations,
transversal actions and exits — one module each."""
