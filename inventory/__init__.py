"""Products, barcodes, lots with DLC/DDM, the stock ledger and the ressourcerie's items."""
