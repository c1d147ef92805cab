"""A candidate's data rights (CNIL): see and export everything, erase the account, purge old data.

Erasure keeps the establishments' statistics true: applications and assignments stay, with
``candidate_id`` set to NULL and the free texts about him removed; his future bookings are
first released through the booking service, so that the establishments are told and the
positions reopen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import delete, func, or_, select, update

from models import (
    Application,
    Assignment,
    AuditLog,
    CandidateProfile,
    Need,
    Notification,
    PoolMember,
    User,
)
from models.enums import ApplicationState, AssignmentState, NotificationStatus, Role
from services import audit, outbox
from services.applications import ACTIVE_STATES, BookingRefused, release, withdraw
from services.localtime import paris_from_utc
from services.profile import leave_pools

INACTIVE_AFTER = timedelta(days=730)  # 2 years without contact
WARNING_NOTICE = timedelta(days=30)  # between the warning e-mail and the deletion
DECLINED_KEPT = timedelta(days=90)  # rejected applications, after the need closed
LOGINS_KEPT = timedelta(days=183)  # the audit log's login lines, which hold the IP address (CNIL: 6 months to a year)
SENT_MAILS_KEPT = timedelta(days=90)  # the copies of e-mails sent or given up on, which name people


# --- export -------------------------------------------------------------------------------


def _iso(value):
    return value.isoformat() if value is not None else None


def export(session, user: User) -> dict:
    """Everything the platform holds about ``user`` (a candidate), as JSON-ready data."""
    profile = session.scalar(select(CandidateProfile).where(CandidateProfile.user_id == user.id))
    data = {
        "compte": {
            "email": user.email, "prenom": user.first_name, "nom": user.last_name, "telephone": user.phone,
            "cree_le": _iso(user.created_at), "derniere_connexion": _iso(user.last_login_at),
            "derniere_activite": _iso(user.last_seen_at), "avertissement_inactivite": _iso(user.inactivity_warned_at),
        },
        "profil": None, "qualifications": [], "disponibilites": [], "viviers": [], "candidatures": [],
        "notifications": [
            {"date": _iso(n.created_at), "objet": n.subject, "statut": n.status.value, "envoye_le": _iso(n.sent_at)}
            for n in session.scalars(select(Notification).where(Notification.recipient_user_id == user.id).order_by(Notification.id))
        ],
        "journal": [
            {"date": _iso(a.at), "action": audit.label(a.action), "details": a.details}
            for a in session.scalars(select(AuditLog).where(or_(
                AuditLog.actor_user_id == user.id, (AuditLog.target_type == "user") & (AuditLog.target_id == str(user.id)),
            )).order_by(AuditLog.id))
        ],
    }
    if profile is None:
        return data
    data["profil"] = _profile_data(profile)
    data["qualifications"] = [{"code": q.code, "annees_validees": q.validated_years} for q in profile.qualifications]
    data["disponibilites"] = [
        {"type": r.kind.value, "du": _iso(r.start_date), "au": _iso(r.end_date), "jours": r.weekdays,
         "de": _iso(r.start_time), "a": _iso(r.end_time)}
        for r in profile.availability_rules
    ]
    data["viviers"] = [
        {"etablissement": m.establishment.name, "depuis": _iso(m.added_at), "missions_realisees": m.missions_completed}
        for m in session.scalars(select(PoolMember).where(PoolMember.candidate_id == profile.id))
    ]
    data["candidatures"] = [_application_data(a) for a in session.scalars(
        select(Application).where(Application.candidate_id == profile.id).order_by(Application.id))]
    return data


def _profile_data(profile: CandidateProfile) -> dict:
    return {
        "situation": profile.public.value, "date_de_naissance": _iso(profile.birth_date),
        "handicap_reconnu": profile.disability, "commune": profile.commune_code, "rayon_km": profile.radius_km,
        "qualification_en_texte_libre": profile.qualification_text,
        "niveau_de_francais": profile.french_level.value if profile.french_level else None,
        "droit_au_travail": profile.work_authorization,
        "document": profile.work_document.value if profile.work_document else None,
        "permis_de_conduire": profile.driving_licence, "accepte_les_nuits": profile.prefers_nights,
        "accepte_les_week_ends": profile.prefers_weekends, "types_de_missions": list(profile.preferred_kinds or []),
        "accord_visible_des_etablissements": profile.consent_visible, "accord_vivier": profile.consent_pool,
        "accord_alertes": profile.consent_alerts, "accords_donnes_le": _iso(profile.consented_at),
        "disponibilites_mises_a_jour_le": _iso(profile.availability_updated_at),
        "cree_le": _iso(profile.created_at), "modifie_le": _iso(profile.updated_at),
    }


def _application_data(application: Application) -> dict:
    need = application.need
    return {
        "besoin": need.title, "etablissement": need.establishment.name, "etat": application.state.value,
        "origine": application.origin.value, "creneaux_proposes": list(application.slot_ids or []),
        "message": application.message, "message_etablissement": application.manager_message,
        "cree_le": _iso(application.created_at), "decide_le": _iso(application.decided_at),
        "affectations": [
            {"debut": _iso(a.start), "fin": _iso(a.end), "etat": a.state.value, "fiabilite": a.reliability,
             "note_professionnelle": a.professional_note}
            for a in application.assignments
        ],
    }


def record_export(session, user: User, *, now: datetime) -> None:
    audit.record(session, user, "data_export", "user", user.id, at=now)


# --- erasure ------------------------------------------------------------------------------


def erase_candidate(session, user: User, *, now: datetime, reason: str = "demande du candidat") -> None:
    """Delete the account; keep applications and assignments, anonymised. The caller commits."""
    profile = session.scalar(select(CandidateProfile).where(CandidateProfile.user_id == user.id))
    user_id = user.id
    if profile is not None:
        _release_future_bookings(session, profile, now=now)
        session.flush()
        session.execute(update(Application).where(Application.candidate_id == profile.id).values(
            candidate_id=None, message=None, manager_message=None))
        session.execute(update(Assignment).where(Assignment.candidate_id == profile.id).values(
            candidate_id=None, professional_note=None))
        leave_pools(session, profile)
        session.expire_all()  # loaded rows must not write the old candidate back
        session.delete(session.get(CandidateProfile, profile.id))
    session.execute(delete(Notification).where(Notification.recipient_user_id == user_id))
    session.delete(session.get(User, user_id))
    session.flush()
    audit.record(session, None, "deletion", "user", user_id, at=now, role=Role.CANDIDATE.value, reason=reason)


def _release_future_bookings(session, profile: CandidateProfile, *, now: datetime) -> None:
    """Withdraw every application still in progress; a mission already started keeps its past
    shifts, and only its future ones are released."""
    local_now = paris_from_utc(now)
    applications = session.scalars(select(Application).where(
        Application.candidate_id == profile.id, Application.state.in_(ACTIVE_STATES))).all()
    for application in applications:
        try:
            withdraw(session, profile, application, now=now, account_erased=True)
        except BookingRefused:
            for assignment in application.assignments:
                if assignment.state == AssignmentState.ACCEPTED and assignment.start > local_now:
                    release(session, assignment, AssignmentState.WITHDRAWN, actor=None,
                            reason="Compte du candidat supprimé", now=now)


# --- purge of inactive accounts and old rejected applications -----------------------------


@dataclass
class PurgeReport:
    warned: list[int] = field(default_factory=list)  # user ids
    deleted: list[int] = field(default_factory=list)
    reset: list[int] = field(default_factory=list)  # came back after the warning
    declined_purged: list[int] = field(default_factory=list)  # application ids
    old_logins: int = 0  # login lines of the audit log past LOGINS_KEPT
    old_mails: int = 0  # e-mails sent or given up on, past SENT_MAILS_KEPT


def purge(session, *, now: datetime, wet_run: bool = False) -> PurgeReport:
    """Warn candidates inactive for 2 years, delete those warned 30 days ago and still away,
    delete rejected applications 3 months after their need closed (unless the candidate
    agreed to stay in pools), the login lines of the audit log after 6 months and the e-mails
    sent after 3. Dry run unless ``wet_run``; the caller commits."""
    report = PurgeReport()
    inactive_since = now - INACTIVE_AFTER
    # coalesce() is never later than the latest of the three: a superset, refined below.
    maybe_inactive = func.coalesce(User.last_seen_at, User.last_login_at, User.created_at) <= inactive_since
    candidates = session.scalars(select(User).where(
        User.role == Role.CANDIDATE, or_(maybe_inactive, User.inactivity_warned_at.is_not(None))).order_by(User.id)).all()
    for user in candidates:
        last = max(d for d in (user.last_seen_at, user.last_login_at, user.created_at) if d is not None)
        if user.inactivity_warned_at is not None and last > user.inactivity_warned_at:
            report.reset.append(user.id)
            if wet_run:
                user.inactivity_warned_at = None
        elif last > inactive_since:
            continue
        elif user.inactivity_warned_at is None:
            report.warned.append(user.id)
            if wet_run:
                _warn(session, user, now=now)
        elif user.inactivity_warned_at <= now - WARNING_NOTICE:
            report.deleted.append(user.id)
            if wet_run:
                erase_candidate(session, user, now=now, reason="inactivité de plus de deux ans")
    report.declined_purged = _old_declined_applications(session, now)
    if wet_run and report.declined_purged:
        session.execute(delete(Application).where(Application.id.in_(report.declined_purged)))
    report.old_logins = _expire(session, AuditLog, [AuditLog.action == "login", AuditLog.at <= now - LOGINS_KEPT],
                                wet_run)
    report.old_mails = _expire(session, Notification, [
        Notification.status.in_([NotificationStatus.SENT, NotificationStatus.FAILED]),
        Notification.created_at <= now - SENT_MAILS_KEPT], wet_run)
    return report


def _expire(session, model, conditions: list, wet_run: bool) -> int:
    """How many rows of ``model`` meet ``conditions``; deleted when ``wet_run``."""
    if wet_run:
        return session.execute(delete(model).where(*conditions)).rowcount
    return session.scalar(select(func.count()).select_from(model).where(*conditions))


def _old_declined_applications(session, now: datetime) -> list[int]:
    closed = func.coalesce(Need.closed_at, Need.cancelled_at, Need.last_end)
    query = (select(Application.id).join(Need, Need.id == Application.need_id)
             .outerjoin(CandidateProfile, CandidateProfile.id == Application.candidate_id)
             .where(Application.state == ApplicationState.DECLINED, closed <= now - DECLINED_KEPT,
                    or_(CandidateProfile.id.is_(None), CandidateProfile.consent_pool.is_(False)))
             .order_by(Application.id))
    return list(session.scalars(query))


def _warn(session, user: User, *, now: datetime) -> None:
    base_url = current_app.config["BASE_URL"].rstrip("/")
    text = render_template("candidate/email_inactivity_warning.txt", user=user, base_url=base_url,
                           deletion_day=now + WARNING_NOTICE)
    subject, _, body = text.strip().partition("\n")
    outbox.enqueue(session, kind="inactivity_warning", recipient=user, subject=subject.strip(), body=body.strip() + "\n",
                   dedup_key=f"inactivity_warning:{user.id}:{now:%Y%m%d}")
    user.inactivity_warned_at = now
