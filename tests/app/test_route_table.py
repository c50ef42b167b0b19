"""The README's « Rôles » tables are the code's: every address of app.url_map, the permission
its view demands and the roles that have it; and the permission matrix."""

import re
from pathlib import Path

from tests.app.route_table import markdown, permissions_markdown, rules

README = Path(__file__).resolve().parents[2] / "README.md"


def _between(marker: str) -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {marker}:start -->\n(.*?)\n<!-- {marker}:end -->", text, re.S)
    assert found, f"README has no {marker} table"
    return found.group(1).strip()


def test_every_address_of_the_app_is_in_the_readme_with_its_permission_and_roles(app):
    documented = _between("routes").splitlines()
    expected = markdown(app).splitlines()
    missing = sorted(set(expected) - set(documented))
    stale = sorted(set(documented) - set(expected))
    assert (missing, stale) == ([], []), (
        "update README « Pages et rôles » (tests/app/route_table.py)"
    )
    assert len(documented) == len(list(rules(app))) + 2


def test_every_view_demands_a_permission_or_is_knowingly_open(app):
    from tests.app.route_table import LOGGED_IN, PUBLIC

    unguarded = [
        rule.rule
        for rule in rules(app)
        if not getattr(app.view_functions[rule.endpoint], "required_permissions", None)
        and rule.endpoint not in PUBLIC | LOGGED_IN
    ]
    assert unguarded == []


def test_the_permission_matrix_of_the_readme_is_the_code(app):
    assert _between("permissions") == permissions_markdown()
