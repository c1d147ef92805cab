"""What an administrator does to accounts: search them, change a role, (de)activate.

Each change is audited in the same transaction; the caller commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models import Region, User
from models.enums import Role
from services import audit
from services.auth import end_sessions


class AdminActionError(ValueError):
    """Refused change; ``str(error)`` is the French message."""


def search(session: Session, *, text: str = "", role: Role | None = None, page_number: int = 1, per_page: int = 50):
    """Accounts matching a piece of e-mail or name, newest first, with the total count."""
    conditions = []
    if text:
        pattern = f"%{text.strip().lower()}%"
        conditions.append(or_(func.lower(User.email).like(pattern), func.lower(User.last_name).like(pattern),
                              func.lower(User.first_name).like(pattern)))
    if role is not None:
        conditions.append(User.role == role)
    total = session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
    users = session.scalars(
        select(User).where(*conditions).order_by(User.created_at.desc(), User.id.desc())
        .offset((page_number - 1) * per_page).limit(per_page)
    ).all()
    return users, total


def counts_by_role(session: Session) -> dict[Role, int]:
    rows = session.execute(select(User.role, func.count()).group_by(User.role))
    found = dict(rows.all())
    return {role: found.get(role, 0) for role in Role}


def change_role(session: Session, admin: User, user: User, role: Role, region_code: str | None, now: datetime) -> None:
    """A new role; ARS accounts need a known region. An admin cannot demote himself."""
    if user.id == admin.id:
        raise AdminActionError("Vous ne pouvez pas changer votre propre rôle : demandez à un autre administrateur.")
    if role == Role.ARS and not (region_code and session.get(Region, region_code)):
        raise AdminActionError("Un compte ARS doit être rattaché à une région : choisissez-la.")
    before = (user.role.value, user.ars_region_code)
    user.role = role
    user.ars_region_code = region_code if role == Role.ARS else None
    if role != Role.ARS:
        user.ars_departement_codes = []
    end_sessions(session, user)  # the new rights apply from the next login
    audit.record(session, admin, "role_change", "user", user.id, at=now, before=before[0], after=role.value,
                 region_before=before[1], region_after=user.ars_region_code)


def set_active(session: Session, admin: User, user: User, active: bool, now: datetime) -> None:
    if user.id == admin.id:
        raise AdminActionError("Vous ne pouvez pas désactiver votre propre compte.")
    if user.active == active:
        return
    user.active = active
    if not active:
        end_sessions(session, user)
    audit.record(session, admin, "user_reactivated" if active else "user_deactivated", "user", user.id, at=now)
