"""Administration → Caisses et imprimantes: tills added, renamed, put out of service."""

from sqlalchemy import func, select


def test_tills_are_added_renamed_and_put_out_of_service_from_the_admin_page(
    client, session, till, cashier, now, make_user, login, open_till
):
    from app.users.roles import Role
    from pos.models import Till
    from tests.conftest import csrf_token_from, page_text

    make_user(Role.ENCADRANT, username="karim2")
    login("karim2")
    token = csrf_token_from(client.get("/pos/admin/caisses").get_data(as_text=True))
    answer = client.post(
        "/pos/admin/caisses",
        data={"csrf_token": token, "action": "add", "name": "Caisse ressourcerie"},
        follow_redirects=True,
    )
    assert "Caisse C2 « Caisse ressourcerie » ajoutée" in page_text(answer)
    second = session.scalar(select(Till).where(Till.code == "C2"))
    answer = client.post(
        "/pos/admin/caisses",
        data={"csrf_token": token, "action": "details", "till_id": till.id, "name": "Accueil"},
        follow_redirects=True,
    )
    assert "Accueil est ouverte : clôturez-la" in page_text(answer)
    session.refresh(till)
    assert till.is_active and till.name == "Caisse 1"  # refused: nothing written
    client.post(
        "/pos/admin/caisses",
        data={"csrf_token": token, "action": "details", "till_id": second.id, "name": "Boutique"},
    )
    session.refresh(second)
    assert (second.name, second.is_active) == ("Boutique", False)
    choice = page_text(client.get("/pos/till")).split("Sur quel poste travaillez-vous ?")[1]
    assert "Caisse 1" in choice and "Boutique" not in choice
    answer = client.post(
        "/pos/admin/caisses",
        data={"csrf_token": token, "action": "add", "name": "   "},
        follow_redirects=True,
    )
    assert "Nom de la caisse : à remplir." in page_text(answer)
    assert session.scalar(select(func.count(Till.id))) == 2
