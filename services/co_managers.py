"""Sharing an establishment between managers (a team, or a group's head office)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from models import Establishment, User
from models.enums import Role
from services import audit
from services.applications import BookingRefused
from services.permissions import can_manage_establishment


def add_co_manager(session, manager: User, establishment: Establishment, email: str, *, now: datetime) -> User:
    """Attach an existing establishment account to ``establishment``; idempotent."""
    if not can_manage_establishment(manager, establishment):
        raise BookingRefused("Vous ne gérez pas cet établissement.")
    other = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if other is None or other.role != Role.ESTABLISHMENT or not other.active:
        raise BookingRefused("Aucun compte « établissement » actif n'utilise cette adresse : la personne doit "
                             "d'abord créer son compte.")
    if establishment not in other.establishments:
        other.establishments.append(establishment)
        audit.record(session, manager, "co_manager_added", "establishment", establishment.id, at=now, user_id=other.id)
    return other
