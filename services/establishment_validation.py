"""Validation of new establishments by the ARS of their region (and by admins).

The FINESS is checked again at validation time (key, and département against the address):
a sign-up may predate a correction of the rules, and the reviewer must not rely on memory.
Each decision is audited and the managers are told through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from database import begin_write
from models import Establishment, User
from models.enums import VerificationStatus
from services.audit import record
from services.identifiers import finess_error
from services.outbox import enqueue
from services.permissions import can_see_territory_of, establishment_scope


@dataclass
class Outcome:
    ok: bool
    message: str


def pending(session: Session, user: User) -> list[Establishment]:
    """Establishments of the user's territory waiting for a decision, oldest first."""
    return list(session.scalars(
        select(Establishment)
        .where(establishment_scope(user), Establishment.verification_status == VerificationStatus.PENDING)
        .order_by(Establishment.created_at, Establishment.id)
    ))


def _decide(session: Session, user: User, establishment: Establishment, status: VerificationStatus,
            now: datetime) -> bool:
    """Conditional UPDATE: only a still-pending establishment changes (two reviewers at once)."""
    if not can_see_territory_of(user, establishment):
        raise PermissionError(establishment.id)
    begin_write(session)
    result = session.execute(
        update(Establishment)
        .where(Establishment.id == establishment.id, Establishment.verification_status == VerificationStatus.PENDING)
        .values(verification_status=status, verified_at=now, verified_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    session.refresh(establishment)
    return result.rowcount == 1


def _tell_managers(session: Session, establishment: Establishment, subject: str, body: str, key: str) -> None:
    for manager in establishment.managers:
        enqueue(session, kind="establishment_validation", recipient=manager, subject=subject, body=body,
                dedup_key=f"establishment-{key}-{establishment.id}-{manager.id}")


def validate(session: Session, user: User, establishment: Establishment, now: datetime) -> Outcome:
    error = finess_error(establishment.finess, establishment.departement_code)
    if error:
        return Outcome(False, f"{establishment.name} ne peut pas être validé : {error}")
    if not _decide(session, user, establishment, VerificationStatus.VERIFIED, now):
        return Outcome(False, f"{establishment.name} a déjà été traité.")
    record(session, user, "establishment_validation", "establishment", establishment.id, at=now,
           decision="verified", finess=establishment.finess)
    _tell_managers(session, establishment, "Votre établissement est validé sur Relève",
                   f"Bonjour,\n\n{establishment.name} a été validé par l'agence régionale de santé. "
                   "Vos besoins sont désormais visibles des candidats.\n\nL'équipe Relève", "verified")
    return Outcome(True, f"{establishment.name} est validé.")


def reject(session: Session, user: User, establishment: Establishment, reason: str, now: datetime) -> Outcome:
    if not _decide(session, user, establishment, VerificationStatus.REJECTED, now):
        return Outcome(False, f"{establishment.name} a déjà été traité.")
    record(session, user, "establishment_validation", "establishment", establishment.id, at=now,
           decision="rejected", reason=reason)
    _tell_managers(session, establishment, "Votre établissement n'a pas été validé sur Relève",
                   f"Bonjour,\n\nL'agence régionale de santé n'a pas validé {establishment.name}.\n"
                   f"Motif : {reason}\n\nVous pouvez corriger les informations puis nous recontacter.\n\n"
                   "L'équipe Relève", "rejected")
    return Outcome(True, f"{establishment.name} est refusé ; l'établissement en est informé.")
