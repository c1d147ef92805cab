"""The audit log of sensitive actions (login, logout, role change, validation, export, deletion).

Written in the caller's transaction: an action and its trace are committed together.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AuditLog, User, utcnow

ACTION_LABELS = {
    "login": "Connexion",
    "logout": "Déconnexion",
    "signup": "Création de compte",
    "privacy_consent": "Acceptation de la notice de confidentialité",
    "password_reset": "Réinitialisation du mot de passe",
    "account_locked": "Compte bloqué temporairement",
    "role_change": "Changement de rôle",
    "user_deactivated": "Compte désactivé",
    "user_reactivated": "Compte réactivé",
    "establishment_validation": "Validation d'établissement",
    "data_export": "Export de données",
    "deletion": "Suppression de données",
    "qualification_rule_change": "Modification de la table des équivalences",
    "plan_target_change": "Modification d'un objectif du plan régional",
    "co_manager_added": "Ajout d'un co-gestionnaire",
}


def record(session: Session, actor: User | None, action: str, target_type: str | None = None,
           target_id=None, *, at: datetime | None = None, **details) -> AuditLog:
    """Add one audit line; ``details`` must be JSON-serialisable and free of secrets."""
    entry = AuditLog(
        at=at or utcnow(), actor_user_id=actor.id if actor is not None and actor.is_authenticated else None,
        action=action, target_type=target_type, target_id=None if target_id is None else str(target_id),
        details=details,
    )
    session.add(entry)
    return entry


def label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def page(session: Session, *, action: str | None = None, page_number: int = 1, per_page: int = 50):
    """One page of the log, newest first, with the total count for pagination."""
    query = select(AuditLog)
    count = select(func.count()).select_from(AuditLog)
    if action:
        query = query.where(AuditLog.action == action)
        count = count.where(AuditLog.action == action)
    total = session.scalar(count) or 0
    rows = session.scalars(
        query.order_by(AuditLog.at.desc(), AuditLog.id.desc()).offset((page_number - 1) * per_page).limit(per_page)
    ).all()
    return rows, total


def known_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))
