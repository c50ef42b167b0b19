"""The menu marks the section a page belongs to, and only that one."""

import re

from app.users.roles import Role


def _current(client, path: str) -> list[str]:
    html = client.get(path).get_data(as_text=True)
    return re.findall(r'<a[^>]*aria-current="page"[^>]*>([^<]+)</a>', html)


def test_one_section_is_current_even_when_two_share_a_package(client, make_user, login):
    make_user(Role.ADMIN, username="claire")
    login("claire")
    assert _current(client, "/stock/jardin/parcelles")[:1] == ["Jardin"]
    assert "Stock" not in _current(client, "/stock/jardin/parcelles")
    assert _current(client, "/stock/")[:1] == ["Stock"]
    assert "Jardin" not in _current(client, "/stock/categories")
    assert "Jardin" not in _current(client, "/stock/products/new")  # a page of no entry
    assert _current(client, "/admin/parametres")[:1] == ["Administration"]
