"""Derived data that let the ranking read a place index alone.

The ranking reads thousands of candidates around a workplace; these columns, all in the place
index (models.candidate), say without a lookup per candidate who may possibly take a post:
- ``place_cell``, the grid square of the profile's point: the ranking reads the squares around
  the workplace instead of a whole band of latitude;
- ``match_codes``: the declared codes, and whether a free text was given;
- ``available_from``/``available_until``: the first and last days of the availability rules;
- ``week_hours``: the hours of the week any rule may make available, whatever its dates, so
  that the best score a candidate could reach counts only slots in those hours.
``candidate_code_place`` copies them, with the profile's place, radius, public, consent, French
level, work authorization and driving licence, once per declared code (and once for a free
text): a post few may take (a nurse's) reads its holders only.

Each may only overstate what the candidate's rows allow, so the ranking stays exact.
``place_cell`` is set from lat/lon whenever the ORM writes a profile. The rest is recomputed by
``refresh`` from the rows it summarises after every ORM flush that touched a profile's
qualifications, rules or copied columns (the listeners below), whichever page or command made
the change, and by ``flask refresh-summaries``. The demo's bulk writer, which bypasses the ORM,
writes them from the same functions.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from itertools import chain
from math import floor

from sqlalchemy import ColumnElement, Table, and_, bindparam, delete, event, insert, inspect, or_, select, update
from sqlalchemy.orm import Session

from models import AvailabilityRule, CandidateCodePlace, CandidateProfile, CandidateQualification
from models.enums import AvailabilityKind
from services.week_hours import ANY_HOUR, hours_of_all, to_hex

FREE_TEXT = "*"  # the token that stands for "a free-text qualification was given"
REFERENCE_MONDAY = date(2024, 1, 1)  # any Monday: weekly rules are laid on it to read their hours
CELLS_PER_DEGREE = 10  # grid squares of a tenth of a degree: about 11 km by 7.5 km in France
_COLUMNS = ("match_codes", "available_from", "available_until", "week_hours")
# The profile's columns copied to candidate_code_place; a change to any of them refreshes it.
PLACE = ("user_id", "place_cell", "lat", "lon", "radius_km", "public", "consent_visible", "french_level",
         "work_authorization", "driving_licence")
_CHUNK = 500


# --- reading the summary ------------------------------------------------------------------------

def may_hold(codes: Iterable[str]) -> ColumnElement[bool]:
    """The profile declares one of ``codes`` or gave a free text (the engine reads that text)."""
    return or_(*(CandidateProfile.match_codes.like(f"%|{code}|%") for code in (FREE_TEXT, *sorted(codes))))


def available_around(table: Table, first: date, last: date) -> ColumnElement[bool]:
    """Some availability rule of the profile may touch the days from ``first`` to ``last``
    (a night from the eve included); ``table``: candidate_profile or candidate_code_place."""
    return and_(table.c.available_from <= last, table.c.available_until >= first - timedelta(days=1))


def has_free_text(match_codes: str) -> bool:
    return f"|{FREE_TEXT}|" in match_codes


def declared_codes(match_codes: str) -> set[str]:
    return set(match_codes.strip("|").split("|")) - {FREE_TEXT, ""}


def place_cell(lat: float, lon: float) -> int:
    return floor(lat * CELLS_PER_DEGREE) * 10_000 + floor(lon * CELLS_PER_DEGREE)


def cells_between(min_lat: float, max_lat: float, min_lon: float, max_lon: float) -> Iterator[tuple[int, float, float]]:
    """(cell, lat, lon of its south-west corner) of the grid squares meeting this box."""
    for row in range(floor(min_lat * CELLS_PER_DEGREE), floor(max_lat * CELLS_PER_DEGREE) + 1):
        for column in range(floor(min_lon * CELLS_PER_DEGREE), floor(max_lon * CELLS_PER_DEGREE) + 1):
            yield row * 10_000 + column, row / CELLS_PER_DEGREE, column / CELLS_PER_DEGREE


# --- computing it -------------------------------------------------------------------------------

def summary_of(codes: Iterable[str], text: str | None, rules: Sequence) -> dict:
    """The summary columns of one profile, from its codes, free text and availability rules."""
    available = [rule for rule in rules if rule.kind != AvailabilityKind.UNAVAILABLE]
    tokens = sorted(set(codes)) + ([FREE_TEXT] if (text or "").strip() else [])
    week = 0
    for rule in available:
        week |= _rule_hours(rule)
    return {
        "match_codes": "|" + "".join(f"{token}|" for token in tokens),
        "available_from": min((rule.start_date for rule in available), default=None),
        "available_until": max((rule.end_date for rule in available), default=None),
        "week_hours": to_hex(week),
    }


def _rule_hours(rule) -> int:
    """The week's hours a rule may make available: every hour for a period; for a weekly rule,
    the hours its times touch on its weekdays (into the next morning when the end is not after
    the start), read off a reference week."""
    if rule.kind != AvailabilityKind.WEEKLY:
        return ANY_HOUR
    start, end = rule.start_time or time.min, rule.end_time or time.min
    length = datetime.combine(date.min, end) - datetime.combine(date.min, start)
    if length <= timedelta(0):
        length += timedelta(days=1)
    return hours_of_all((begin, begin + length) for begin in (
        datetime.combine(REFERENCE_MONDAY + timedelta(days=day), start) for day in range(7) if rule.weekdays & (1 << day)))


def refresh(connection, profile_ids: Iterable[int] | None = None) -> int:
    """Recompute the summary of these profiles (all of them when None); returns how many."""
    if profile_ids is None:
        ids = connection.execute(select(CandidateProfile.id).order_by(CandidateProfile.id)).scalars().all()
    else:
        ids = sorted(profile_ids)
    table = CandidateProfile.__table__
    statement = update(table).where(table.c.id == bindparam("profile_id")).values(
        {column: bindparam(f"new_{column}") for column in _COLUMNS})
    places = CandidateCodePlace.__table__
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        profiles = connection.execute(select(table.c.id, table.c.qualification_text, *(table.c[name] for name in PLACE))
                                      .where(table.c.id.in_(chunk))).mappings().all()
        codes, rules = defaultdict(list), defaultdict(list)
        for profile_id, code in connection.execute(select(CandidateQualification.profile_id, CandidateQualification.code)
                                                   .where(CandidateQualification.profile_id.in_(chunk))):
            codes[profile_id].append(code)
        for rule in connection.execute(select(
                AvailabilityRule.profile_id, AvailabilityRule.kind, AvailabilityRule.start_date, AvailabilityRule.end_date,
                AvailabilityRule.weekdays, AvailabilityRule.start_time, AvailabilityRule.end_time)
                .where(AvailabilityRule.profile_id.in_(chunk))):
            rules[rule.profile_id].append(rule)
        summaries = {profile["id"]: summary_of(codes[profile["id"]], profile["qualification_text"], rules[profile["id"]])
                     for profile in profiles}
        if summaries:
            connection.execute(statement, [{"profile_id": profile_id, **{f"new_{column}": value for column, value in
                                                                         summary.items()}}
                                           for profile_id, summary in summaries.items()])
        connection.execute(delete(places).where(places.c.profile_id.in_(chunk)))
        rows = [row for profile in profiles for row in code_places(profile, summaries[profile["id"]])]
        if rows:
            connection.execute(insert(places), rows)
    return len(ids)


def code_places(profile: Mapping, summary: dict) -> list[dict]:
    """The candidate_code_place rows of a profile: one per declared code, and one for a free text."""
    tokens = sorted(declared_codes(summary["match_codes"])) + ([FREE_TEXT] if has_free_text(summary["match_codes"]) else [])
    shared = {"profile_id": profile["id"], **{name: profile[name] for name in PLACE}, **summary}
    return [{**shared, "code": token} for token in tokens]


# --- keeping it in step -------------------------------------------------------------------------

@event.listens_for(CandidateProfile, "before_insert")
@event.listens_for(CandidateProfile, "before_update")
def _set_place_cell(_mapper, _connection, profile: CandidateProfile) -> None:
    profile.place_cell = place_cell(profile.lat, profile.lon)


@event.listens_for(Session, "after_flush")
def _refresh_touched(session: Session, _context) -> None:
    touched = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, (CandidateQualification, AvailabilityRule)):
            touched.add(obj.profile_id)
        elif isinstance(obj, CandidateProfile) and (obj in session.new or obj in session.deleted or _moved(obj)):
            touched.add(obj.id)
    touched.discard(None)
    if touched:
        refresh(session.connection(), touched)
        session.info.setdefault("summaries_refreshed", set()).update(touched)


@event.listens_for(Session, "after_flush_postexec")
def _expire_refreshed(session: Session, _context) -> None:
    """Loaded profiles show the values written in SQL when next read."""
    for profile_id in session.info.pop("summaries_refreshed", ()):
        profile = session.identity_map.get(session.identity_key(CandidateProfile, profile_id))
        if profile is not None:
            session.expire(profile, _COLUMNS)


def _moved(profile: CandidateProfile) -> bool:
    """Whether a column the summary or candidate_code_place is made of changed."""
    attributes = inspect(profile).attrs
    return any(attributes[name].history.has_changes() for name in ("qualification_text", *PLACE))
