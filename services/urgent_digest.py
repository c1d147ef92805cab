"""One e-mail, not one per need: candidates who opted in hear of new urgent needs in a digest.

A candidate gets at most one digest every ``DIGEST_EVERY``; each digest lists the urgent needs
published since his previous one that the engine finds he may take. The pool of the
establishment was already told at publication (services.pool.alert_of_urgent_need).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from models import CandidateProfile, Need
from models.enums import NeedStatus
from services.localtime import paris_from_utc
from services.matching_feed import rank_for_need
from services.notifications import notify

DIGEST_EVERY = timedelta(hours=3)
URGENT_WINDOW = timedelta(hours=48)  # needs published this recently can be in a digest
PER_NEED = 300  # candidates considered per need: the best ones


def send_urgent_digest(session, *, now: datetime) -> int:
    """Queue the digests due now; returns how many were queued (the caller commits)."""
    needs = session.scalars(select(Need).where(
        Need.status == NeedStatus.OPEN, Need.urgent.is_(True), Need.published_at >= now - URGENT_WINDOW,
        Need.first_start >= paris_from_utc(now)).order_by(Need.first_start, Need.id)).all()
    found: dict[int, list[Need]] = defaultdict(list)
    profiles: dict[int, CandidateProfile] = {}
    for need in needs:
        for profile, _result in rank_for_need(session, need, now=now, limit=PER_NEED):
            if profile.consent_alerts and (profile.last_digest_at is None or need.published_at > profile.last_digest_at):
                found[profile.id].append(need)
                profiles[profile.id] = profile
    queued = 0
    table = CandidateProfile.__table__
    for profile_id, listed in found.items():
        claimed = session.execute(update(table).where(
            table.c.id == profile_id,
            or_(table.c.last_digest_at.is_(None), table.c.last_digest_at <= now - DIGEST_EVERY),
        ).values(last_digest_at=now)).rowcount == 1
        session.expire(profiles[profile_id], ["last_digest_at"])
        if claimed:  # never two digests within DIGEST_EVERY, even from two runs at once
            notify(session, "urgent_digest", profiles[profile_id].user, key=f"digest:{profile_id}:{now:%Y%m%d%H%M%S}",
                   needs=listed)
            queued += 1
    return queued
