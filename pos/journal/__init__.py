"""The inalterable journal (NF525-style): the chain, its verification, closures, technical
events, the head kept outside the database, and monthly archives."""
