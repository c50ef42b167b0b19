"""An encadrant's morning in Chromium: a new participant, a 9 h contract with its planning,
the roll call, and the hours with their alert on the participant's file."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.clock import shop_date, utcnow
from participants.ateliers.common import format_minutes
from tests.e2e.test_households_e2e import _login

pytestmark = pytest.mark.e2e


def test_contract_roll_call_and_hours(page):
    today = shop_date(utcnow())
    monday = today - timedelta(days=today.weekday())
    _login(page, "karim", "encadrant-e2e")
    page.get_by_role("link", name="Ateliers", exact=True).first.click()
    page.get_by_role("link", name="Participant·es", exact=True).first.click()
    page.get_by_role("link", name="Nouveau·elle participant·e").click()
    page.get_by_label("Prénom").fill("Amina")
    page.get_by_label("Nom", exact=True).fill("Diallo")
    page.get_by_label("Statut").select_option(label="RSA")
    page.get_by_label("Prescripteur·rice (nom)").fill("Mme Perrin")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Établissez maintenant son contrat")).to_be_visible()

    # The contract: Monday, Wednesday and Friday mornings in the garden, 9 h a week.
    page.get_by_label("Début", exact=True).fill(monday.isoformat())
    page.get_by_label("Fin", exact=True).fill((monday + timedelta(days=181)).isoformat())
    for index, day in enumerate(("lundi", "mercredi", "vendredi")):
        page.get_by_label(f"Atelier du créneau {index + 1}").select_option(
            label="Jardinage et bricolage"
        )
        page.get_by_label(f"Jour du créneau {index + 1}").select_option(label=day)
        page.get_by_label(f"Début du créneau {index + 1}").fill("9:00")
        page.get_by_label(f"Fin du créneau {index + 1}").fill("12:00")
    page.get_by_role("button", name="Enregistrer le contrat").click()
    expect(page.get_by_text("Contrat enregistré : 9 h par semaine.")).to_be_visible()
    participant_url = page.url

    # Monday's roll call: present 2 h 30 of the 3 h planned.
    page.goto(f"/ateliers/jardinage/appel?jour={monday.isoformat()}")
    row = page.get_by_role("row", name=re.compile("Amina Diallo"))
    row.get_by_label("Présent·e").check()
    page.get_by_label("Heures faites par Amina Diallo").fill("2,5")
    page.get_by_role("button", name="Enregistrer l'appel").click()
    expect(page.get_by_text("Appel enregistré : 1 personne(s).")).to_be_visible()

    page.goto(participant_url)
    week = page.locator("#hours tbody tr", has_text=monday.strftime("%d/%m/%Y"))
    expect(week).to_contain_text("9 h")  # planned this week
    expect(week).to_contain_text("2 h 30")  # done
    # Due: Monday (its roll call is taken) and the planned days already past.
    planned_so_far = 180 * sum(1 for day in (0, 2, 4) if day < today.weekday() or day == 0)
    expect(week).to_contain_text(f"alerte : {format_minutes(planned_so_far - 150)} manquantes")
    page.get_by_role("link", name="Ateliers", exact=True).first.click()
    expect(page.locator("#alerts")).to_contain_text("Amina Diallo")
