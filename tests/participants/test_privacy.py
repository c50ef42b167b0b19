"""RGPD: reads of people's data are logged (and stay logged when the page refuses a form),
anonymisation leaves no free text, and the audit log holds ids and action names only."""

import json
from datetime import date, timedelta

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.settings.services import set_setting
from app.users.roles import Role
from participants.ateliers.contracts import ContractData, SlotData, create_contract, end_contract
from participants.ateliers.exits import create_action, record_exit
from participants.ateliers.people import ParticipantData, anonymise_participant, save_participant
from participants.households.privacy import anonymise_household
from participants.households.records import reissue_card
from participants.models import (
    ActionKind,
    Atelier,
    ExitType,
    Household,
    HouseholdCard,
    ParticipantStatus,
    ReferringBody,
    TransversalAction,
)
from tests.conftest import csrf_token_from, seed_household

SECRET = "Addiction, suivi CMP, dettes EDF"  # what must never survive an anonymisation


def _audit(session, action):
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_lists_card_checks_and_card_prints_are_logged_reads(client, make_user, login, session, now):
    household = seed_household(session, "0420000000017", now)
    set_setting(session, "epicerie.referents_see_all", True, now)
    make_user(Role.REFERENT, username="sophie")
    login("sophie")
    client.get("/foyers/")
    client.get("/ateliers/participants")
    token = csrf_token_from(client.get(f"/foyers/{household.id}/carte").get_data(as_text=True))
    client.post(
        "/etiquettes/imprimer",
        data={
            "csrf_token": token,
            "kind": "card",
            "households": household.id,
            "layout": "3x8",
            "start": "1",
            "output": "pdf",
        },
    )
    assert [e.details for e in _audit(session, "household.list_viewed")] == [{"count": 1}]
    assert len(_audit(session, "participant.list_viewed")) == 1
    assert [e.target for e in _audit(session, "household.card_printed")] == [
        f"household:{household.id}"
    ]

    make_user(Role.CAISSIER, badge_code="0410000000014", pin="1234")
    token = csrf_token_from(client.get("/login/badge").get_data(as_text=True))
    client.post("/login/badge", data={"badge": "0410000000014", "pin": "1234", "csrf_token": token})
    assert client.get("/api/caisse/carte/0420000000017").status_code == 200
    checked = _audit(session, "household.card_checked")
    assert [e.target for e in checked] == ["card:0420000000017"]


def test_a_refused_form_keeps_the_line_saying_who_read_the_file(
    client, make_user, login, session, now
):
    household = seed_household(session, "0420000000017", now)
    set_setting(session, "epicerie.referents_see_all", True, now)
    make_user(Role.REFERENT, username="sophie")
    login("sophie")
    page = client.get(f"/foyers/{household.id}")
    before = len(_audit(session, "household.viewed"))
    # A right asked for 1900: refused by the service (rolled back), the read stays logged.
    answer = client.post(
        f"/foyers/{household.id}",
        data={
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "starts_on": "1990-01-01",
            "months": "3",
            "rate": "20",
            "allowance": "20",
            "project": "Projet",
        },
    )
    assert answer.status_code in (200, 422)
    assert len(_audit(session, "household.viewed")) == before + 1


def test_anonymising_a_household_leaves_no_free_text(session, make_user, now):
    referent = make_user(Role.REFERENT, username="sophie")
    household = seed_household(session, "0420000000017", now)
    household.notes = SECRET
    household.rights[0].decision_note = SECRET
    reissue_card(session, referent.id, now, household, SECRET[:100])
    from app.audit.services import record_audit

    record_audit(
        session,
        actor_id=referent.id,
        now=now,
        action="household.updated",
        target=f"household:{household.id}",
        details={"note": SECRET},
    )
    anonymise_household(session, referent.id, now + timedelta(days=800), household)
    session.flush()
    texts = json.dumps(
        [
            [household.display_name, household.referrer_name, household.notes],
            [p.first_name for p in household.members],
            [(r.personal_project, r.decision_note) for r in household.rights],
            [c.revoked_reason for c in session.scalars(select(HouseholdCard))],
            [
                e.details
                for e in session.scalars(
                    select(AuditEntry).where(AuditEntry.target == f"household:{household.id}")
                )
            ],
        ],
        ensure_ascii=False,
    )
    assert SECRET not in texts and SECRET[:100] not in texts
    assert "Claire" not in texts and "M. Colin" not in texts
    assert session.get(Household, household.id).card_code == household.card_code


def test_anonymising_a_participant_leaves_no_free_text(session, make_user, now):
    staff = make_user(Role.ENCADRANT, username="karim")
    atelier = Atelier(code="jardinage", name="Jardinage", capacity=6, encadrant_id=staff.id)
    session.add(atelier)
    session.flush()
    amina = save_participant(
        session,
        staff.id,
        now,
        ParticipantData(
            "Amina",
            "Diallo",
            ParticipantStatus.RSA,
            ReferringBody.CCAS,
            "M. Colin",
            date(2026, 9, 1),
        ),
    )
    signed = create_contract(
        session,
        staff.id,
        now,
        amina,
        ContractData(
            "Mme Referente",
            date(2026, 9, 7),
            date(2027, 3, 31),
            tuple(SlotData(atelier.id, day, 9 * 60, 12 * 60) for day in (0, 2, 4)),
        ),
    )
    end_contract(session, staff.id, now, signed, date(2026, 11, 1), f"{SECRET} — Amina")
    action = create_action(
        session,
        staff.id,
        now,
        ActionKind.COMPANY_VISIT,
        "Visite avec Amina Diallo",
        date(2026, 11, 20),
        [amina.id],
        notes=f"{SECRET}, Amina très en retard",
    )
    record_exit(session, staff.id, now, amina, date(2026, 11, 25), ExitType.CDD, notes=SECRET)
    anonymise_participant(session, staff.id, now + timedelta(days=800), amina)
    session.flush()
    action = session.get(TransversalAction, action.id)
    texts = json.dumps(
        [
            [amina.first_name, amina.last_name, amina.referrer_name, amina.exit_notes],
            [(c.referent_name, c.end_reason) for c in amina.contracts],
            [action.title, action.notes],
            [e.details for e in session.scalars(select(AuditEntry))],
        ],
        ensure_ascii=False,
    )
    assert SECRET not in texts and "Amina" not in texts and "Diallo" not in texts
    assert "M. Colin" not in texts and "Mme Referente" not in texts
    assert amina.exit_type == ExitType.CDD  # the figures stay


def test_the_audit_log_holds_no_personal_content(client, make_user, login, session, now):
    """Every audit line written while people's files are used holds ids and action names."""
    household = seed_household(session, "0420000000017", now)
    set_setting(session, "epicerie.referents_see_all", True, now)
    make_user(Role.REFERENT, username="sophie")
    login("sophie")
    token = csrf_token_from(client.get(f"/foyers/{household.id}").get_data(as_text=True))
    client.post(
        f"/foyers/{household.id}/carte/remplacer", data={"csrf_token": token, "reason": SECRET}
    )
    client.get(f"/foyers/{household.id}/export.json")
    details = json.dumps(
        [e.details for e in session.scalars(select(AuditEntry))], ensure_ascii=False
    )
    assert SECRET not in details and "Claire" not in details and "Martin" not in details


def test_admin_searches_the_audit_log_by_person_action_and_date(
    client, make_user, login, session, now
):
    from app.audit.services import record_audit

    admin = make_user(Role.ADMIN, username="claire", display_name="Claire Admin")
    other = make_user(Role.ENCADRANT, username="karim", display_name="Karim")
    for n in range(120):
        record_audit(
            session,
            actor_id=other.id,
            now=now - timedelta(hours=n),
            action="household.viewed",
            target=f"household:{n}",
        )
    record_audit(
        session, actor_id=admin.id, now=now, action="user.unlocked", target=f"user:{other.id}"
    )
    login("claire")
    page = client.get(f"/admin/audit?qui={other.id}&action=household")
    text = page.get_data(as_text=True)
    assert "120 lignes — page 1 sur 3." in text
    assert text.count("Dossier de foyer ouvert") == 50 + 1  # 50 lines and the select option
    assert "page=2" in text
    day = (now - timedelta(days=2)).date().isoformat()
    text = client.get(f"/admin/audit?qui={other.id}&du={day}&au={day}").get_data(as_text=True)
    assert "24 lignes" in text
    assert "household:119" not in client.get(f"/admin/audit?qui={other.id}&page=1").get_data(
        as_text=True
    )
    assert "household:119" in client.get(f"/admin/audit?qui={other.id}&page=3").get_data(
        as_text=True
    )
    assert client.get("/admin/audit?du=0001-01-01").status_code == 422


def test_the_card_page_and_the_printed_card_say_the_same_of_the_right(
    client, make_user, login, session, now
):
    """« Droit à venir » on the page and « Droit à renouveler » on the PDF for one household:
    now one wording, from one place, for each case."""
    import pypdfium2

    from participants.models import RightStatus
    from tests.conftest import page_text

    household = seed_household(session, "0420000000017", now)
    set_setting(session, "epicerie.referents_see_all", True, now)
    make_user(Role.REFERENT, username="sophie")
    login("sophie")
    right = household.rights[0]

    def both() -> tuple[str, str]:
        page = client.get(f"/foyers/{household.id}/carte")
        pdf = client.post(
            "/etiquettes/imprimer",
            data={
                "csrf_token": csrf_token_from(page.get_data(as_text=True)),
                "kind": "card",
                "households": household.id,
                "layout": "3x8",
                "start": "1",
                "output": "pdf",
            },
        )
        text = pypdfium2.PdfDocument(pdf.get_data())[0].get_textpage().get_text_range()
        return page_text(page), " ".join(text.split())

    cases = {
        "current": "Valable jusqu'au",
        "future": "Droit à venir",
        "ended": "Droit à renouveler",
    }
    for case, wording in cases.items():
        if case == "future":
            right.starts_on, right.ends_on = (
                date.today() + timedelta(days=10),
                date.today() + timedelta(days=100),
            )
        elif case == "ended":
            right.starts_on, right.ends_on = (
                date.today() - timedelta(days=100),
                date.today() - timedelta(days=10),
            )
        assert right.status == RightStatus.GRANTED
        page, pdf = both()
        assert wording in page and wording in pdf, (case, page[-300:], pdf)


def test_the_printable_rgpd_export_is_a_french_document(client, make_user, login, session, now):
    from tests.conftest import page_text

    household = seed_household(session, "0420000000017", now)
    set_setting(session, "epicerie.referents_see_all", True, now)
    make_user(Role.REFERENT, username="sophie")
    login("sophie")
    text = page_text(client.get(f"/foyers/{household.id}/export"))
    for raw in (
        "ressources_mensuelles_cents",
        "reste_a_vivre",
        "{'",
        "granted",
        "ccas",
        "female",
        "reference",
        "None",
    ):
        assert raw not in text, raw
    for shown in (
        "Ressources mensuelles",
        "Orienté par",
        "Claire",
        "Femme",
        "Personne de référence",
        "accordé",
        "20 %",
        "20,00 €",
        "Carte 0420000000017",
    ):
        assert shown in text, shown
    data = client.get(f"/foyers/{household.id}/export.json").get_json()
    assert data["foyer"]["carte"] == "0420000000017"  # the JSON export stays as it is
