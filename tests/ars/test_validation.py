"""Validation of new establishments by the ARS of their region: FINESS rechecked, audited,
managers told through the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from extensions import db as database
from models import AuditLog, Notification
from models.enums import Role, VerificationStatus
from services import establishment_validation
from tests.ars.conftest import login


def test_list_shows_pending_establishments_of_the_region_only(pending, build, client):
    good, wrong, other = pending
    ars = build.ars_user("52")
    build.commit()
    login(client, ars)
    html = client.get("/ars/etablissements").get_data(as_text=True)
    assert good.name in html and wrong.name in html and other.name not in html
    assert 'name="csrf_token"' in html


def test_validate_rechecks_the_finess_and_tells_the_managers(pending, build, client, db):
    good, _, _ = pending
    ars = build.ars_user("52")
    build.commit()
    login(client, ars)
    response = client.post(f"/ars/etablissements/{good.id}/valider")
    assert response.status_code == 302
    db.refresh(good)
    assert good.verification_status == VerificationStatus.VERIFIED and good.verified_by_id == ars.id
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "establishment_validation"))
    assert (entry.actor_user_id, entry.target_id, entry.details["decision"]) == (ars.id, str(good.id), "verified")
    mail = db.scalar(select(Notification))
    assert mail.to_email == good.managers[0].email and "validé" in mail.subject
    assert f"{good.name} est validé." in client.get("/ars/etablissements").get_data(as_text=True)


def test_a_finess_of_another_departement_is_not_validated(pending, build, client, db):
    _, wrong, _ = pending
    ars = build.ars_user("52")
    build.commit()
    login(client, ars)
    client.post(f"/ars/etablissements/{wrong.id}/valider")
    html = client.get("/ars/etablissements").get_data(as_text=True)
    assert "Ce numéro FINESS appartient au département 49, mais l&#39;adresse est dans le département 44." in html
    db.refresh(wrong)
    assert wrong.verification_status == VerificationStatus.PENDING
    assert db.scalar(select(AuditLog)) is None


def test_reject_needs_a_reason_then_is_audited(pending, build, client, db):
    good, _, _ = pending
    ars = build.ars_user("52")
    build.commit()
    login(client, ars)
    response = client.post(f"/ars/etablissements/{good.id}/refuser", data={"reason": ""})
    assert response.status_code == 400
    assert "Indiquez le motif du refus" in response.get_data(as_text=True)
    response = client.post(f"/ars/etablissements/{good.id}/refuser", data={"reason": "Établissement inconnu du FINESS"})
    assert response.status_code == 302
    db.refresh(good)
    assert good.verification_status == VerificationStatus.REJECTED
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "establishment_validation"))
    assert entry.details == {"decision": "rejected", "reason": "Établissement inconnu du FINESS"}
    assert "Établissement inconnu du FINESS" in db.scalar(select(Notification)).body


def test_other_region_gets_403_and_nothing_changes(pending, build, client, db):
    good, _, _ = pending
    ars = build.ars_user("53")
    build.commit()
    login(client, ars)
    assert client.post(f"/ars/etablissements/{good.id}/valider").status_code == 403
    assert client.post(f"/ars/etablissements/{good.id}/refuser", data={"reason": "Non"}).status_code == 403
    db.refresh(good)
    assert good.verification_status == VerificationStatus.PENDING
    assert client.post("/ars/etablissements/999999/valider").status_code == 404


def test_a_decision_is_taken_once(pending, build, app):
    good, _, _ = pending
    ars = build.ars_user("52")
    build.commit()
    now = datetime(2026, 11, 2, 9, 0)
    with app.app_context():
        session = database.session
        establishment = session.merge(good)
        first = establishment_validation.validate(session, session.merge(ars), establishment, now)
        session.commit()
        second = establishment_validation.reject(session, session.merge(ars), establishment, "Doublon", now)
        session.commit()
    assert first.ok and not second.ok
    assert second.message == f"{good.name} a déjà été traité."


def test_admin_validates_in_any_region(pending, build, client, db):
    _, _, other = pending
    admin = build.user(Role.ADMIN)
    build.commit()
    login(client, admin)
    client.post(f"/ars/etablissements/{other.id}/valider")
    db.refresh(other)
    assert other.verification_status == VerificationStatus.VERIFIED
