"""Épicerie households: their files, members, access rights decided by the committee, cards,
and what each role may see of them (RGPD)."""
