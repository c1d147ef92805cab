"""An establishment's pool ("vivier") of trusted candidates: proposed and notified first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import CandidateProfile, Establishment, PoolMember, User
from services.matching_feed import rank_for_need
from services.notifications import notify


def members(session, establishment_ids) -> list[PoolMember]:
    return list(session.scalars(
        select(PoolMember).where(PoolMember.establishment_id.in_(list(establishment_ids)))
        .options(selectinload(PoolMember.candidate).selectinload(CandidateProfile.user),
                 selectinload(PoolMember.establishment))
        .order_by(PoolMember.establishment_id, PoolMember.added_at.desc(), PoolMember.id)))


def get_member(session, establishment_id: int, profile_id: int) -> PoolMember | None:
    return session.scalar(select(PoolMember).where(PoolMember.establishment_id == establishment_id,
                                                   PoolMember.candidate_id == profile_id))


def add(session, establishment: Establishment, profile: CandidateProfile, *, by: User | None,
        now: datetime) -> PoolMember:
    """Add by hand (idempotent). Only candidates who agreed to join pools (``consent_pool``)."""
    member = get_member(session, establishment.id, profile.id)
    if member is None:
        member = PoolMember(establishment_id=establishment.id, candidate_id=profile.id, added_at=now,
                            added_by_id=by.id if by else None)
        session.add(member)
        session.flush()
    return member


def record_mission(session, establishment_id: int, profile: CandidateProfile, *, now: datetime) -> PoolMember:
    """A completed mission adds the candidate to the pool (he consented) and counts it."""
    member = get_member(session, establishment_id, profile.id)
    if member is None:
        member = PoolMember(establishment_id=establishment_id, candidate_id=profile.id, added_at=now,
                            missions_completed=0)
        session.add(member)
    member.missions_completed = (member.missions_completed or 0) + 1
    session.flush()
    return member


def remove(session, member: PoolMember) -> None:
    session.delete(member)


def alert_of_urgent_need(session, need, *, now: datetime) -> int:
    """Pool members whom the engine finds eligible hear of an urgent need first, at once.

    Others who opted in get it in the next urgent digest (cli ``send-urgent-digest``).
    """
    told = 0
    for profile, _result in rank_for_need(session, need, now=now, limit=500):
        if get_member(session, need.establishment_id, profile.id) is None or not profile.consent_pool:
            continue
        notify(session, "urgent_pool", profile.user, key=f"urgent_pool:{need.id}", need=need)
        told += 1
    need.last_alert_at = now
    return told
