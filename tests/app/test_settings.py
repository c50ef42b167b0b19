"""Administration → Paramètres: every setting the code reads is declared by its package, shown on
one page by package, changed through its parser within its bounds, audited; a refused page writes
nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.settings.models import Setting
from app.settings.registry import groups, spec_for
from app.settings.services import get_setting, set_setting
from app.users.roles import Role
from app.values import InvalidValue
from tests.conftest import csrf_token_from, page_text

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "inventory", "participants", "pos", "labels", "reports", "hardware")


def _sources():
    for package in PACKAGES:
        yield from (ROOT / package).rglob("*.py")


def test_every_setting_read_by_key_is_declared_and_nothing_casts_a_setting(app):
    keys = set()
    casts = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        keys.update(re.findall(r"get_setting\([^,]+,\s*\"([^\"]+)\"", text))
        casts += [f"{path.name}: {m}" for m in re.findall(r"(?:int|bool|str)\(get_setting\(", text)]
    for key in keys:
        spec_for(key)  # KeyError when a read names an undeclared setting
    assert casts == []
    declared = [spec.key for group in groups() for spec in group.settings]
    assert len(declared) == len(set(declared))
    assert {group.name for group in groups()} >= {
        "site",
        "inventory",
        "pos",
        "epicerie",
        "ateliers",
        "labels",
        "security",
    }


def test_set_refuses_a_value_of_the_wrong_kind_and_a_bad_stored_value_reads_as_default(
    session, now
):
    with pytest.raises(InvalidValue):
        set_setting(session, "stock.expiry_warning_days", "5", now)
    with pytest.raises(InvalidValue):
        set_setting(session, "stock.expiry_warning_days", 365, now)
    with pytest.raises(InvalidValue):
        set_setting(session, "stock.sell_past_ddm", 1, now)
    with pytest.raises(KeyError):
        get_setting(session, "stock.unknown")
    session.add(Setting(key="till.scanner_mean_gap_ms", value="vite", updated_at=now))
    session.flush()
    assert get_setting(session, "till.scanner_mean_gap_ms") == 50


@pytest.fixture
def admin_page(client, make_user, login):
    make_user(Role.ADMIN, username="claire")
    login("claire")
    page = client.get("/admin/parametres")
    assert page.status_code == 200
    return page


def _form(page) -> dict[str, str]:
    """What the page posts as it is shown (inputs, ticked boxes, selected options)."""
    html = page.get_data(as_text=True)
    data: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", html, re.S):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or ('type="checkbox"' in tag and "checked" not in tag):
            continue
        data.setdefault(name[1], []).append(value[1] if value else "")
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = [body]
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        data[name] = re.findall(r'value="([^"]*)" selected', body)
    return data


def test_the_page_shows_every_package_and_saves_typed_values_with_one_audit_line_each(
    client, session, admin_page
):
    text = page_text(admin_page)
    for heading in (
        "Stock",
        "Caisses",
        "Épicerie : droits d'accès",
        "Ateliers d'insertion",
        "Données personnelles (RGPD)",
        "Connexions",
        "Matériel",
    ):
        assert heading in text
    assert "Alerte avant la DLC" in text and "Par défaut : 3 jours" in text
    assert "Nom de la structure" in text and "Se règle dans Administration → Structure" in text
    data = _form(admin_page)
    # Unchanged, the page writes nothing.
    answer = client.post("/admin/parametres", data=data, follow_redirects=True)
    assert "Rien n'a changé." in page_text(answer)
    data.update(
        {
            "stock.expiry_warning_days": ["5"],
            "till.difference_badge_threshold_cents": ["25,50"],
            "ateliers.min_weekly_minutes": ["15 h"],
            "epicerie.default_rate_bp": ["25"],
            "epicerie.allowance_by_persons_cents.4": ["62,5"],
            "stock.sell_past_ddm": ["0"],
        }
    )
    answer = client.post("/admin/parametres", data=data, follow_redirects=True)
    assert "6 paramètre(s) modifié(s)." in page_text(answer)
    assert get_setting(session, "stock.expiry_warning_days") == 5
    assert get_setting(session, "till.difference_badge_threshold_cents") == 2550
    assert get_setting(session, "ateliers.min_weekly_minutes") == 15 * 60
    assert get_setting(session, "epicerie.default_rate_bp") == 2500
    assert get_setting(session, "epicerie.allowance_by_persons_cents")["4"] == 6250
    assert get_setting(session, "stock.sell_past_ddm") is False
    lines = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "setting.changed").order_by(AuditEntry.id)
    ).all()
    assert len(lines) == 6
    days = next(line for line in lines if line.target == "setting:stock.expiry_warning_days")
    assert days.details == {"avant": "3 jours", "après": "5 jours"}
    shown = page_text(client.get("/admin/parametres"))
    assert "Modifié" in shown
    assert 'value="15 h"' in client.get("/admin/parametres").get_data(as_text=True)


@pytest.mark.parametrize(
    ("key", "typed", "message"),
    [
        (
            "stock.expiry_warning_days",
            "trois",
            "Alerte avant la DLC : « trois » n'est pas un nombre",
        ),
        ("stock.expiry_warning_days", "31", "Alerte avant la DLC : entre 0 et 30."),
        ("till.cash_movement_badge_threshold_cents", "-5", "ne peut pas être négatif"),
        ("ateliers.min_weekly_minutes", "40 h", "entre 1 h et 35 h"),
        ("epicerie.default_rate_bp", "45", "entre 10 % et 30 %"),
        ("hardware.scale_port", "socket://10.0.0.1:22", "Port de la balance : un port série"),
        ("hardware.scale_port", "/etc/passwd", "Port de la balance : un port série"),
        ("epicerie.allowance_by_persons_cents.1", "0", "Montant mensuel proposé (1 personne)"),
        (
            "epicerie.right_default_months",
            "9",
            "La durée proposée d'un droit dépasse la durée maximale.",
        ),
    ],
)
def test_a_refused_value_is_named_next_to_its_field_and_nothing_is_written(
    client, session, admin_page, key, typed, message
):
    data = _form(admin_page)
    data["stock.expiry_warning_days"] = ["7"]  # a good change on the same page
    data[key] = [typed]
    before = session.scalar(select(func.count()).select_from(Setting))
    answer = client.post("/admin/parametres", data=data)
    assert answer.status_code == 422
    assert message in page_text(answer)
    assert "Rien n'a été enregistré" in page_text(answer)
    assert typed in answer.get_data(as_text=True)  # what was typed stays, to be corrected
    assert session.scalar(select(func.count()).select_from(Setting)) == before
    assert get_setting(session, "stock.expiry_warning_days") == 3
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "setting.changed")
        )
        == 0
    )


def test_a_form_without_a_setting_leaves_it_alone_and_other_roles_are_refused(
    client, session, admin_page, make_user, login, now
):
    set_setting(session, "stock.sell_past_ddm", False, now)
    session.commit()
    token = csrf_token_from(admin_page.get_data(as_text=True))
    answer = client.post(
        "/admin/parametres", data={"csrf_token": token, "rgpd.inactive_years": "3"}
    )
    assert answer.status_code == 302
    assert get_setting(session, "rgpd.inactive_years") == 3
    assert get_setting(session, "stock.sell_past_ddm") is False
    assert client.post("/admin/parametres", data={"rgpd.inactive_years": "4"}).status_code == 400
    client.post("/logout", data={"csrf_token": token})
    make_user(Role.ENCADRANT, username="eric")
    login("eric")
    assert client.get("/admin/parametres").status_code == 403
    assert client.get("/admin/structure").status_code == 403


def test_the_settings_reach_the_rules_that_read_them(client, session, admin_page, now):
    data = _form(admin_page)
    data["epicerie.right_max_months"] = ["4"]
    data["epicerie.right_default_months"] = ["2"]
    client.post("/admin/parametres", data=data)
    from participants.errors import InvalidData
    from participants.households.rights import RightRequest, request_right
    from tests.conftest import seed_household

    household = seed_household(session, "2000000000017", now)
    with pytest.raises(InvalidData, match="de 1 à 4 mois"):
        request_right(
            session,
            None,
            now,
            household,
            RightRequest(
                starts_on=now.date(),
                months=6,
                participation_rate_bp=2000,
                monthly_allowance_cents=3000,
                personal_project="Épargner",
            ),
        )
