"""The Banque Alimentaire / ANDES yearly figures, from the same data as the food-aid report."""

from datetime import date

from sqlalchemy import select

from inventory.models import Category, FoodFamily
from reports.food_bank import food_bank_report
from reports.periods import Period
from tests.reports.test_reports import cells, november, shop  # noqa: F401  (fixtures)

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31), "2026")


def test_the_food_bank_figures_by_family(session, november):  # noqa: F811
    tomatoes = session.scalar(select(Category).where(Category.name == "Fruits et légumes"))
    tomatoes.food_family = FoodFamily.FRUITS_VEGETABLES  # rice's category is not classed yet
    session.flush()
    report = food_bank_report(session, YEAR)
    assert cells(report, "Personnes et foyers aidés") == [["Foyers", "1"], ["Personnes", "3"]]
    assert cells(report, "Personnes aidées par âge et sexe")[-1] == ["Total", "2", "1", "0", "3"]
    assert cells(report, "Reçu par origine et famille") == [
        ["Banque Alimentaire", "Non classé", "100,000 kg"],
        ["Jardin", "Fruits et légumes", "10,000 kg"],
        ["Total", "", "110,000 kg"],
    ]
    # Rice: 4 (October) + 2 + 1 − 0 (sold and returned) = 7 packets of 1 kg; tomatoes 1,5 kg.
    assert cells(report, "Distribué par famille") == [
        ["Fruits et légumes", "1,500 kg"],
        ["Non classé", "7,000 kg"],
        ["Total", "8,500 kg"],
    ]
    assert cells(report, "Pertes par famille") == [
        ["Non classé", "5,000 kg"],
        ["Total", "5,000 kg"],
    ]


def test_the_report_page_and_its_exports(client, login, make_user, session, november):  # noqa: F811
    from app.users.roles import Role

    make_user(Role.ADMIN, username="direction")
    login("direction")
    page = client.get("/rapports/banque-alimentaire?periode=annee&date=2026-11-30")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Reçu par origine et famille" in text and "Distribué par famille" in text
    csv = client.get("/rapports/banque-alimentaire?periode=annee&date=2026-11-30&format=csv")
    assert csv.status_code == 200 and "Pertes par famille" in csv.get_data(as_text=True)
    xlsx = client.get("/rapports/banque-alimentaire?periode=annee&date=2026-11-30&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
