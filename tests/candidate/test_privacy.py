"""Own data: export, deletion (anonymised statistics stay true), and the retention purge."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import func, select

from models import (
    Application,
    Assignment,
    AuditLog,
    AvailabilityRule,
    CandidateProfile,
    CandidateQualification,
    Notification,
    PoolMember,
    User,
)
from models.enums import ApplicationState, AssignmentState, NotificationStatus, Role
from services import outbox
from services.privacy import purge

PAST = [(datetime(2025, 3, 1, 7), datetime(2025, 3, 1, 14))]


def _accepted_count(db, need_id):
    return db.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.need_id == need_id, Assignment.state == AssignmentState.ACCEPTED))


def test_my_data_page_and_json_export(client, build, login, db):
    profile = build.candidate(email="camille.martin@exemple.fr")
    need = build.need(title="Vacation du matin")
    build.application(need, profile, message="Je connais l'établissement.")
    build.commit()
    login(profile.user)
    page = client.get("/candidat/mes-donnees").get_data(as_text=True)
    assert "camille.martin@exemple.fr" in page and "1990-05-17" in page
    response = client.get("/candidat/mes-donnees/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["compte"]["email"] == "camille.martin@exemple.fr"
    assert data["profil"]["date_de_naissance"] == "1990-05-17"
    assert data["profil"]["commune"] == "49007"
    assert data["qualifications"] == [{"code": "AS", "annees_validees": None}]
    assert [(d["type"], d["du"], d["au"]) for d in data["disponibilites"]] == [("period", "2027-07-01", "2027-08-31")]
    assert [(c["besoin"], c["etat"], c["message"]) for c in data["candidatures"]] == [
        ("Vacation du matin", "applied", "Je connais l'établissement.")]
    exports = db.scalars(select(AuditLog).where(AuditLog.action == "data_export")).all()
    assert [(a.actor_user_id, a.target_id) for a in exports] == [(profile.user_id, str(profile.user_id))]


def test_pool_choice_withdrawn_leaves_every_pool(client, build, login, db):
    profile = build.candidate(consent_pool=True)
    other = build.candidate(consent_pool=True)
    for candidate in (profile, other):
        db.add(PoolMember(establishment_id=build.establishment().id, candidate_id=candidate.id))
    build.commit()
    login(profile.user)
    assert client.post("/candidat/mes-donnees", data={"vivier-submit": "1"}).status_code == 302
    db.expire_all()
    assert db.get(CandidateProfile, profile.id).consent_pool is False
    assert db.scalars(select(PoolMember.candidate_id)).all() == [other.id]


def test_delete_requires_the_confirmation_word(client, build, login, db):
    profile = build.candidate()
    build.commit()
    login(profile.user)
    response = client.post("/candidat/mes-donnees/supprimer", data={"suppression-confirmation": "oui"})
    assert response.status_code == 422
    assert "Écrivez SUPPRIMER (en majuscules) pour confirmer la suppression." in response.get_data(as_text=True)
    assert db.get(User, profile.user_id) is not None


def test_delete_account_leaves_nothing_that_identifies_him(client, build, login, db):
    manager = build.manager()
    establishment = manager.establishments[0]
    past_need = build.need(establishment=establishment, slots=PAST)
    future_need = build.need(establishment=establishment)
    profile = build.candidate(email="camille.martin@exemple.fr", consent_pool=True)
    other = build.candidate()
    past = build.application(past_need, profile, state=ApplicationState.ACCEPTED, message="Mon message personnel")
    build.assignment(past, past_need.slots[0], professional_note="Très ponctuelle")
    build.assignment(build.application(past_need, other, state=ApplicationState.ACCEPTED), past_need.slots[0])
    future = build.application(future_need, profile, state=ApplicationState.ACCEPTED)
    build.assignment(future, future_need.slots[0])
    db.add(PoolMember(establishment_id=establishment.id, candidate_id=profile.id))
    outbox.enqueue(db, kind="test", recipient=profile.user, subject="Bonjour", body="Corps", dedup_key="test:1")
    build.commit()
    user_id, profile_id, past_id, future_id = profile.user_id, profile.id, past.id, future.id
    name = profile.user.display_name
    before = _accepted_count(db, past_need.id)
    login(profile.user)

    response = client.post("/candidat/mes-donnees/supprimer", data={"suppression-confirmation": "SUPPRIMER"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(User, user_id) is None
    assert db.scalar(select(User).where(User.email == "camille.martin@exemple.fr")) is None
    assert db.get(CandidateProfile, profile_id) is None
    assert db.scalars(select(CandidateQualification).where(CandidateQualification.profile_id == profile_id)).all() == []
    assert db.scalars(select(AvailabilityRule).where(AvailabilityRule.profile_id == profile_id)).all() == []
    assert db.scalars(select(PoolMember).where(PoolMember.candidate_id == profile_id)).all() == []
    assert db.scalars(select(Notification).where(Notification.to_email == "camille.martin@exemple.fr")).all() == []
    # The past booking stays, anonymised: the establishment's figures do not move.
    kept = db.get(Application, past_id)
    assert (kept.candidate_id, kept.message) == (None, None)
    assert _accepted_count(db, past_need.id) == before == 2
    assert [a.professional_note for a in kept.assignments] == [None]
    # The future booking was released through the booking service: position free, manager told.
    released = db.get(Application, future_id)
    assert (released.candidate_id, released.state) == (None, ApplicationState.WITHDRAWN)
    assert db.get(type(future_need), future_need.id).slots[0].filled == 0
    told = db.scalar(select(Notification).where(Notification.recipient_user_id == manager.id,
                                                Notification.kind == "withdrawn"))
    assert "Un(e) candidat(e) qui a supprimé son compte s'est retiré(e)" in told.body
    assert name.strip() and name not in told.body  # the e-mail outlives his account
    assert db.scalar(select(AuditLog).where(AuditLog.action == "deletion", AuditLog.target_id == str(user_id))) is not None
    # He is logged out; the other candidate is untouched.
    assert client.get("/candidat/profil").status_code == 302
    assert db.get(CandidateProfile, other.id) is not None


# --- purge -------------------------------------------------------------------------------

NOW = datetime(2027, 6, 1, 8, 0)


def _purge_world(build):
    long_ago = NOW - timedelta(days=800)
    people = {
        "inactive": build.user(Role.CANDIDATE, created_at=long_ago),
        "warned_long_ago": build.user(Role.CANDIDATE, created_at=long_ago, last_seen_at=long_ago,
                                      inactivity_warned_at=NOW - timedelta(days=31)),
        "warned_recently": build.user(Role.CANDIDATE, created_at=long_ago, inactivity_warned_at=NOW - timedelta(days=10)),
        "came_back": build.user(Role.CANDIDATE, created_at=long_ago, inactivity_warned_at=NOW - timedelta(days=40),
                                last_login_at=NOW - timedelta(days=5)),
        "active": build.user(Role.CANDIDATE, created_at=long_ago, last_seen_at=NOW - timedelta(days=10)),
        "old_manager": build.user(Role.ESTABLISHMENT, created_at=long_ago),
    }
    build.candidate(user=people["warned_long_ago"])
    closed_long_ago = build.need(slots=PAST, closed_at=NOW - timedelta(days=120))
    closed_recently = build.need(slots=PAST, closed_at=NOW - timedelta(days=30))
    no_pool, pool = build.candidate(consent_pool=False), build.candidate(consent_pool=True)
    declined = {
        "purged": build.application(closed_long_ago, no_pool, state=ApplicationState.DECLINED),
        "pool_consent": build.application(closed_long_ago, pool, state=ApplicationState.DECLINED),
        "too_recent": build.application(closed_recently, no_pool, state=ApplicationState.DECLINED),
        "not_declined": build.application(closed_recently, pool, state=ApplicationState.COMPLETED),
    }
    build.commit()
    return {k: v.id for k, v in people.items()}, {k: v.id for k, v in declined.items()}


def test_purge_dry_run_changes_nothing(build, db):
    people, declined = _purge_world(build)
    report = purge(db, now=NOW)
    assert report.warned == [people["inactive"]]
    assert report.deleted == [people["warned_long_ago"]]
    assert report.reset == [people["came_back"]]
    assert report.declined_purged == [declined["purged"]]
    db.rollback()
    assert db.get(User, people["warned_long_ago"]) is not None
    assert db.get(User, people["inactive"]).inactivity_warned_at is None
    assert db.get(Application, declined["purged"]) is not None
    assert db.scalar(select(func.count()).select_from(Notification)) == 0


def test_purge_wet_run_warns_deletes_and_purges(build, db):
    people, declined = _purge_world(build)
    purge(db, now=NOW, wet_run=True)
    db.commit()
    db.expire_all()
    assert db.get(User, people["warned_long_ago"]) is None
    assert db.get(User, people["inactive"]).inactivity_warned_at == NOW
    warning = db.scalar(select(Notification).where(Notification.recipient_user_id == people["inactive"]))
    assert warning.kind == "inactivity_warning" and "supprimé" in warning.subject
    assert "1 juillet 2027" in warning.body  # 30 days after NOW
    assert db.get(User, people["came_back"]).inactivity_warned_at is None
    assert db.get(User, people["warned_recently"]) is not None
    assert db.get(User, people["old_manager"]) is not None
    assert db.get(Application, declined["purged"]) is None
    for kept in ("pool_consent", "too_recent", "not_declined"):
        assert db.get(Application, declined[kept]) is not None


def test_purge_command_is_a_dry_run_unless_asked(runner, build, db):
    people, _ = _purge_world(build)
    dry = runner.invoke(args=["purge-inactive", "--now", NOW.isoformat()])
    assert dry.exit_code == 0, dry.output
    assert f"Comptes à supprimer : 1 ({people['warned_long_ago']})" in dry.output
    assert "Simulation : rien n'a été modifié." in dry.output
    db.expire_all()
    assert db.get(User, people["warned_long_ago"]) is not None
    wet = runner.invoke(args=["purge-inactive", "--wet-run", "--now", NOW.isoformat()])
    assert wet.exit_code == 0, wet.output
    assert f"Comptes supprimés : 1 ({people['warned_long_ago']})" in wet.output
    db.expire_all()
    assert db.get(User, people["warned_long_ago"]) is None
    assert runner.invoke(args=["purge-inactive", "--now", "hier"]).exit_code == 2


def test_purge_drops_login_traces_after_six_months_and_sent_mails_after_three(runner, build, db):
    """The login lines hold the IP address; an e-mail's copy names people. Other audit lines,
    e-mails still to send and recent ones stay."""
    user = build.user(Role.CANDIDATE)
    traces = {"old login": AuditLog(action="login", at=NOW - timedelta(days=184), details={"ip": "192.0.2.1"}),
              "recent login": AuditLog(action="login", at=NOW - timedelta(days=182), details={"ip": "192.0.2.2"}),
              "old deletion": AuditLog(action="deletion", at=NOW - timedelta(days=400))}
    mails = {}
    for name, status, days in (("old sent", NotificationStatus.SENT, 91), ("old failed", NotificationStatus.FAILED, 91),
                               ("old pending", NotificationStatus.PENDING, 91), ("recent sent", NotificationStatus.SENT, 89)):
        mails[name] = outbox.enqueue(db, kind="test", recipient=user, subject="Bonjour", body="Corps", dedup_key=name)
        mails[name].status, mails[name].created_at = status, NOW - timedelta(days=days)
    db.add_all(traces.values())
    build.commit()
    ids = {name: row.id for name, row in {**traces, **mails}.items()}
    dry = runner.invoke(args=["purge-inactive", "--now", NOW.isoformat()])
    assert "Traces de connexion de plus de 6 mois à effacer : 1" in dry.output
    assert "Copies d'e-mails envoyés de plus de 3 mois à effacer : 2" in dry.output
    wet = runner.invoke(args=["purge-inactive", "--wet-run", "--now", NOW.isoformat()])
    assert "Traces de connexion de plus de 6 mois effacées : 1" in wet.output
    db.expire_all()
    assert sorted(db.scalars(select(AuditLog.id)).all()) == sorted([ids["recent login"], ids["old deletion"]])
    assert sorted(db.scalars(select(Notification.id)).all()) == sorted([ids["old pending"], ids["recent sent"]])


def test_an_account_without_profile_can_still_see_and_delete_its_data(client, build, login, db):
    user = build.user(Role.CANDIDATE, email="sans.profil@exemple.fr")
    build.commit()
    user_id = user.id
    login(user)
    page = client.get("/candidat/mes-donnees")
    assert page.status_code == 200 and "sans.profil@exemple.fr" in page.get_data(as_text=True)
    assert json.loads(client.get("/candidat/mes-donnees/export.json").get_data(as_text=True))["profil"] is None
    assert client.post("/candidat/mes-donnees/supprimer", data={"suppression-confirmation": "supprimer"}).status_code == 302
    db.expire_all()
    assert db.get(User, user_id) is None


def test_delete_form_carries_its_csrf_token(app, client, build, login, db):
    import re

    app.config["WTF_CSRF_ENABLED"] = True
    profile = build.candidate()
    build.commit()
    user_id = profile.user_id
    login(profile.user)
    page = client.get("/candidat/mes-donnees").get_data(as_text=True)
    token = re.search(r'name="suppression-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/candidat/mes-donnees/supprimer",
                           data={"suppression-csrf_token": token, "suppression-confirmation": "SUPPRIMER"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(User, user_id) is None
