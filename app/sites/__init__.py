"""Sites: the buildings of one installation (an épicerie, a ressourcerie, the antennas of a
network), each with its own tills, stock and journal; the catalogue and the people are shared."""
