"""Who may see what: the one place every list and every detail goes through.

Each predicate says why in its docstring; views call these and answer 403 (or 404 for
objects whose existence must not leak) when they say no.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, and_, exists, false, select, true

from models import Application, Establishment, Need, User, establishment_manager
from models.enums import ApplicationOrigin, ApplicationState, Role

CONTACT_STATES = {ApplicationState.APPLIED, ApplicationState.ACCEPTED, ApplicationState.COMPLETED,
                  ApplicationState.NO_SHOW, ApplicationState.DECLINED, ApplicationState.WITHDRAWN}


def role_required(*roles: Role):
    """Decorator: the page is for these roles only (anonymous users are sent to log in)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def managed_establishment_ids(user: User):
    """Establishments a manager works for (a subquery); admins manage none by default."""
    return select(establishment_manager.c.establishment_id).where(establishment_manager.c.user_id == user.id)


def establishment_scope(user: User) -> ColumnElement[bool]:
    """SQL condition on Establishment: the rows ``user`` may see."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.ARS:
        return territory_scope(user, Establishment.region_code, Establishment.departement_code)
    if user.role == Role.ESTABLISHMENT:
        return Establishment.id.in_(managed_establishment_ids(user))
    return false()


def territory_scope(user: User, region_column, departement_column) -> ColumnElement[bool]:
    """An ARS user sees his region, narrowed to his départements when he has some."""
    if user.role == Role.ADMIN:
        return true()
    if user.role != Role.ARS or not user.ars_region_code:
        return false()
    condition = region_column == user.ars_region_code
    if user.ars_departement_codes:
        condition = and_(condition, departement_column.in_(user.ars_departement_codes))
    return condition


def can_manage_establishment(user: User, establishment: Establishment) -> bool:
    """Managers change only the establishments they are attached to."""
    return user.is_authenticated and user.role == Role.ESTABLISHMENT and any(
        e.id == establishment.id for e in user.establishments
    )


def can_manage_need(user: User, need: Need) -> bool:
    return can_manage_establishment(user, need.establishment)


def can_see_territory_of(user: User, establishment: Establishment) -> bool:
    """ARS users see establishments of their region (and départements); admins see all."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.ARS or establishment.region_code != user.ars_region_code:
        return False
    return not user.ars_departement_codes or establishment.departement_code in user.ars_departement_codes


def can_see_candidate_contact(session, user: User, candidate_id: int) -> bool:
    """A manager sees a candidate's contact details only once the candidate applied to one of
    his establishments' needs or accepted an invitation from it (CNIL: no data before interest)."""
    if not user.is_authenticated or user.role != Role.ESTABLISHMENT:
        return False
    applied = and_(Application.origin == ApplicationOrigin.CANDIDATE, Application.state.in_(CONTACT_STATES))
    accepted_invitation = and_(
        Application.origin == ApplicationOrigin.INVITATION,
        Application.state.in_({ApplicationState.ACCEPTED, ApplicationState.COMPLETED, ApplicationState.NO_SHOW}),
    )
    query = select(
        exists().where(
            Application.candidate_id == candidate_id,
            Application.need_id == Need.id,
            Need.establishment_id.in_(managed_establishment_ids(user)),
            applied | accepted_invitation,
        )
    )
    return bool(session.scalar(query))
