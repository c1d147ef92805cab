"""Accounts administration: search, role change, deactivation, all audited."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditLog
from models.enums import Role


def _audit(db, action):
    return db.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def test_search_by_email_or_name_and_role(client, admin, build):
    build.user(email="awa.diallo@exemple.fr", last_name="Diallo")
    build.user(Role.ESTABLISHMENT, email="direction@ehpad.fr", last_name="Martin")
    build.commit()
    page = client.get("/admin/utilisateurs?q=diallo").get_data(as_text=True)
    assert "awa.diallo@exemple.fr" in page and "direction@ehpad.fr" not in page
    page = client.get("/admin/utilisateurs?role=establishment").get_data(as_text=True)
    assert "direction@ehpad.fr" in page and "awa.diallo@exemple.fr" not in page


def test_bad_filters_and_page_are_french_400s(client, admin):
    assert client.get("/admin/utilisateurs?role=pirate").status_code == 400
    response = client.get("/admin/audit?page=zero")
    assert response.status_code == 400
    assert "Numéro de page invalide." in response.get_data(as_text=True)


def test_role_change_is_audited_and_ends_the_user_sessions(client, admin, build, db):
    user = build.user(email="futur.ars@exemple.fr")
    build.commit()
    response = client.post(f"/admin/utilisateurs/{user.id}/role", data={"role": "ars", "region": "52"})
    assert response.status_code == 302
    db.refresh(user)
    assert (user.role, user.ars_region_code, user.session_version) == (Role.ARS, "52", 2)
    [entry] = _audit(db, "role_change")
    assert (entry.actor_user_id, entry.target_id) == (admin.id, str(user.id))
    assert entry.details["before"] == "candidate" and entry.details["after"] == "ars"


def test_ars_role_needs_a_region(client, admin, build, db):
    user = build.user(email="sans.region@exemple.fr")
    build.commit()
    response = client.post(f"/admin/utilisateurs/{user.id}/role", data={"role": "ars", "region": ""}, follow_redirects=True)
    assert "Un compte ARS doit être rattaché à une région : choisissez-la." in response.get_data(as_text=True)
    db.refresh(user)
    assert user.role == Role.CANDIDATE
    assert _audit(db, "role_change") == []


def test_unknown_role_is_refused(client, admin, build, db):
    user = build.user(email="x@exemple.fr")
    build.commit()
    response = client.post(f"/admin/utilisateurs/{user.id}/role", data={"role": "roi"}, follow_redirects=True)
    assert "Rôle ou région invalide" in response.get_data(as_text=True)
    db.refresh(user)
    assert user.role == Role.CANDIDATE


def test_admin_cannot_demote_or_deactivate_himself(client, admin, db):
    response = client.post(f"/admin/utilisateurs/{admin.id}/role", data={"role": "candidate"}, follow_redirects=True)
    assert "Vous ne pouvez pas changer votre propre rôle" in response.get_data(as_text=True)
    response = client.post(f"/admin/utilisateurs/{admin.id}/statut", data={"active": "0"}, follow_redirects=True)
    assert "Vous ne pouvez pas désactiver votre propre compte." in response.get_data(as_text=True)
    db.refresh(admin)
    assert admin.role == Role.ADMIN and admin.active


def test_deactivation_ends_the_user_sessions_and_is_audited(client, admin, build, db):
    from services.accounts import load_user_from_session_id

    user = build.user(email="parti@exemple.fr")
    build.commit()
    cookie_id = user.get_id()
    assert load_user_from_session_id(cookie_id) is user

    assert client.post(f"/admin/utilisateurs/{user.id}/statut", data={"active": "0"}).status_code == 302
    db.refresh(user)
    assert not user.active
    assert load_user_from_session_id(cookie_id) is None
    assert len(_audit(db, "user_deactivated")) == 1

    client.post(f"/admin/utilisateurs/{user.id}/statut", data={"active": "1"})
    db.refresh(user)
    assert user.active
    assert len(_audit(db, "user_reactivated")) == 1


def test_unknown_user_is_a_french_404(client, admin):
    response = client.post("/admin/utilisateurs/999999/statut", data={"active": "0"})
    assert response.status_code == 404
    assert "Ce compte n&#39;existe pas." in response.get_data(as_text=True)


def test_audit_page_lists_and_filters(client, admin, db):
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Connexion" in page and "admin@exemple.fr" in page
    page = client.get("/admin/audit?action=logout").get_data(as_text=True)
    assert "0 entrée." in page


def test_index_shows_counts(client, admin, build):
    build.establishment(verification_status="pending")
    build.commit()
    page = client.get("/admin/").get_data(as_text=True)
    assert "Établissements en attente de validation : <strong>1</strong>" in page
