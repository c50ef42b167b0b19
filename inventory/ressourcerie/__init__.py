"""The ressourcerie: refurbished items from the municipal waste centre, from intake to sale,
and the tonnage report."""
