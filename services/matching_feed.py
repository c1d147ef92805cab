"""The matching engine fed from the database: SQL narrows the field, the engine ranks and explains.

The prefilter keeps only rows the engine could accept (qualification codes that may fill the
post, a bounding box of the travel radius, consent, availability rules touching the need), so
that the engine scores hundreds of candidates, not the whole table; what the engine reads of
them is loaded in one query per batch, never one query per candidate.

Both directions are exact top-k searches: what is not read yet has a best possible score
(``_upper_bound``, ``services.matching_bounds``), and reading stops once nobody left can enter
the list. Candidates are read ring by ring from the workplace, from the place index alone
(services.candidate_summary), then given a tighter bound in SQL before the engine scores the
best; needs are read establishment by establishment, nearest first, from the open needs' narrow
copy (need_place, services.need_summary).
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections import defaultdict, namedtuple
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache
from heapq import heapify, heappop, heappush
from math import ceil, cos, pi, radians
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    String,
    Table,
    all_,
    and_,
    any_,
    bindparam,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import joinedload

import matching
from matching import (
    DEFAULT_CONFIG,
    MatchingConfig,
    QualificationRules,
    Result,
    bounding_box,
    eligible_codes,
    haversine_km,
)
from matching.models import CONTRACT_KINDS, FRENCH_LEVELS, PAID_KINDS
from matching.publics import NATIVE_LEVEL
from matching.timeslots import is_inside
from models import (
    Assignment,
    AvailabilityRule,
    CandidateCodePlace,
    CandidateProfile,
    CandidateQualification,
    Establishment,
    Need,
    NeedPlace,
    PoolMember,
    QualificationEquivalence,
    QualificationRef,
    Slot,
    User,
)
from models.base import EnumCode
from models.enums import AssignmentState, AvailabilityKind, FrenchLevel, NeedKind, Public
from services import candidate_summary, matching_bounds, need_summary, week_hours
from services.availability import windows_for
from services.localtime import paris_from_utc

log = logging.getLogger(__name__)

MAX_RADIUS_KM = 100  # the largest travel radius a candidate may declare
ROUNDING_MARGIN_KM = 0.05  # the engine compares distances rounded to 0.1 km
KM_PER_DEGREE = 111.195
# Working-time rules look a week around a need (48 h in any 7 days, 11 h of rest).
WORK_RULES_MARGIN = timedelta(days=8)
IN_CHUNK = 2000  # ids per IN (...) list, well under SQLite's bound-parameter limit
_RULES_CACHE: dict[tuple, QualificationRules] = {}


# --- configuration -----------------------------------------------------------------------------

def engine_config(session) -> MatchingConfig:
    """The engine settings with the qualification table as an administrator left it in the database.

    Both tables are small: they are read on every call and the built rules are cached by their
    content, so an edit is seen at once by every worker without any invalidation.
    """
    refs = session.execute(select(
        QualificationRef.code, QualificationRef.label, QualificationRef.is_student, QualificationRef.synonyms,
    ).order_by(QualificationRef.sort_order, QualificationRef.code)).all()
    lines = session.execute(select(
        QualificationEquivalence.post_code, QualificationEquivalence.holder_code,
        QualificationEquivalence.min_validated_years, QualificationEquivalence.score,
        QualificationEquivalence.requires_nurse_on_duty, QualificationEquivalence.label,
        QualificationEquivalence.source,
    ).order_by(QualificationEquivalence.post_code, QualificationEquivalence.id)).all()
    if not refs:
        return DEFAULT_CONFIG
    key = (tuple(tuple(r[:3]) + (tuple(r[3] or ()),) for r in refs), tuple(tuple(line) for line in lines))
    rules = _RULES_CACHE.get(key)
    if rules is None:
        rules = _rules_from_rows(refs, lines)
        _RULES_CACHE.clear()  # only the current table matters
        _RULES_CACHE[key] = rules
    return MatchingConfig(qualification_rules=rules)


def _rules_from_rows(refs, lines) -> QualificationRules:
    """Rules from the database rows; the 'never' pairs and trainee words come from the engine's file."""
    default = QualificationRules.default().to_dict()
    posts: dict[str, list[dict]] = defaultdict(list)
    for post, holder, years, score, nurse, label, source in lines:
        posts[post].append({"code": holder, "min_validated_years": years or 0, "score": score,
                            "requires_nurse_on_duty": nurse, "label": label or "", "source": source})
    data = dict(default, qualifications=[
        {"code": code, "label": label, "student": student, "synonyms": list(synonyms or [])}
        for code, label, student, synonyms in refs
    ], posts=dict(posts))
    try:
        return QualificationRules.from_dict(data)
    except ValueError:
        log.exception("qualification table in the database is inconsistent; using the default table")
        return QualificationRules.default()


# --- model -> engine -----------------------------------------------------------------------------

def open_slots(need: Need, now: datetime | None = None) -> list[Slot]:
    """Slots with a free position that have not started yet (``now`` in naive UTC)."""
    local_now = paris_from_utc(now) if now is not None else None
    return [s for s in need.slots if s.filled < s.positions and (local_now is None or s.start >= local_now)]


def need_to_engine(need: Need, slots: Sequence[Slot] | None = None) -> matching.Need:
    """The engine's view of ``need``, restricted to ``slots`` (default: all of them)."""
    establishment = need.establishment
    slots = need.slots if slots is None else slots
    return matching.Need(
        id=str(need.id), kind=NeedKind(need.kind).value, qualification=need.qualification_code,
        lat=establishment.lat, lon=establishment.lon,
        slots=tuple(matching.Slot(s.start, s.end) for s in slots), positions=need.positions,
        weekly_hours=need.weekly_hours, min_french_level=need.min_french_level.value if need.min_french_level else None,
        requires_driving_licence=need.requires_driving_licence, establishment_type=establishment.type.value,
        employer_sector=establishment.sector.value, nurse_on_duty=need.nurse_on_duty,
    )


def candidate_to_engine(profile: CandidateProfile, booked: Iterable[tuple[datetime, datetime]],
                        span: tuple[datetime, datetime], *, qualifications=None, rules=None) -> matching.Candidate:
    """The engine's view of ``profile``: availability over ``span``, ``booked`` (start, end) as busy.

    ``qualifications``/``rules`` may be passed when preloaded in bulk (otherwise the
    relationships are read).
    """
    qualifications = profile.qualifications if qualifications is None else qualifications
    rules = profile.availability_rules if rules is None else rules
    return matching.Candidate(
        id=str(profile.id), public=Public(profile.public).value, birth_date=profile.birth_date,
        lat=profile.lat, lon=profile.lon, radius_km=profile.radius_km,
        qualifications=tuple(matching.Qualification(q.code, q.validated_years) for q in qualifications),
        qualification_text=profile.qualification_text or None,
        french_level=FrenchLevel(profile.french_level).value if profile.french_level else None,
        work_authorization=profile.work_authorization, driving_licence=profile.driving_licence,
        disability=profile.disability, availability=tuple(windows_for(rules, *span)),
        busy=tuple(matching.Slot(s, e) for s, e in booked),
    )


def booked_periods(session, candidate_ids: Sequence[int],
                   span: tuple[datetime, datetime]) -> dict[int, list[tuple[datetime, datetime]]]:
    """Active bookings (accepted assignments) of these candidates around ``span``, by candidate."""
    found: dict[int, list] = defaultdict(list)
    for chunk in _chunks(candidate_ids):
        for candidate_id, periods in _booked(session, _among(session, Assignment.candidate_id, chunk), span).items():
            found[candidate_id] += periods
    return found


def _booked(session, which, span: tuple[datetime, datetime]) -> dict[int, list[tuple[datetime, datetime]]]:
    found: dict[int, list] = defaultdict(list)
    for candidate_id, s, e in _rows(session, _bookings(which, *_booking_window(span))):
        found[candidate_id].append((s, e))
    return found


def _booking_window(span: tuple[datetime, datetime]) -> tuple[datetime, datetime]:
    """The bookings that matter to the working-time rules over ``span`` lie in this window."""
    return span[0] - WORK_RULES_MARGIN, span[1] + WORK_RULES_MARGIN


def _bookings(which, start, end):
    """(candidate_id, start, end) of the accepted assignments ``which`` selects that overlap
    [start, end) (values or parameters)."""
    # coalesce() keeps planners off the low-selectivity state index: the candidate index is the one to use.
    accepted = func.coalesce(Assignment.state, "") == AssignmentState.ACCEPTED.value
    return select(Assignment.candidate_id, Assignment.start, Assignment.end).where(
        which, accepted, Assignment.end > start, Assignment.start < end)


# --- ranking for a need --------------------------------------------------------------------------

# Columns the engine needs from a profile: read for the candidates scored only, as plain rows.
CANDIDATE_COLUMNS = (
    CandidateProfile.id, CandidateProfile.public, CandidateProfile.birth_date, CandidateProfile.lat,
    CandidateProfile.lon, CandidateProfile.radius_km, CandidateProfile.qualification_text,
    CandidateProfile.french_level, CandidateProfile.work_authorization, CandidateProfile.driving_licence,
    CandidateProfile.disability,
)
BATCH = 200  # candidates given a tight bound (or scored) at a time, best possible score first
MIN_SCORED = 16  # candidates scored at a time at least
LEAST_SHARE = 0.25  # the share eligible assumed at worst: a round scores at most four times what the list lacks
# Rings loaded outwards from the workplace, so that a dense area reads only its close candidates.
RINGS_KM = (5, 10, 20, 40, MAX_RADIUS_KM)
MERGED_ROWS = 2000  # rows a read of thin rings may expect at most
MOST_CELLS = 2000  # grid squares listed in one query (the largest ring in France needs about 600)


def rank_for_need(session, need: Need, *, now: datetime, limit: int = 50,
                  include_ineligible: bool = False) -> list[tuple[CandidateProfile, Result]]:
    """The best candidates for the need's open slots, pool members ("vivier") first among the eligible.

    Exact: the result is what the engine gives on every prefiltered candidate, ties broken by
    distance then id. Candidates are scored in batches, highest possible score first, and the
    search stops once nobody left could still enter the list; a ring's candidates are read from the
    place index alone, and only the best of them cost more (``_CandidateSearch``).
    """
    slots = open_slots(need, now)
    if not slots:
        return []
    _for_index_lookups(session)
    config = engine_config(session)
    try:
        engine_need = need_to_engine(need, slots)
    except ValueError:  # a need made impossible afterwards (e.g. its establishment turned private)
        log.warning("need %s cannot be matched", need.id, exc_info=True)
        return []
    span = (min(s.start for s in slots), max(s.end for s in slots))
    search = _CandidateSearch(session, need, slots, span, config, include_ineligible)
    pool_ids = set(session.scalars(select(PoolMember.candidate_id).where(PoolMember.establishment_id == need.establishment_id)))
    results: list[Result] = []
    if pool_ids:  # every pool member is scored, however far: they come first when eligible
        results += _score(session, engine_need, config, session.scalars(
            # Without the area: the box would lead the planner to scan it rather than read these ids.
            _candidate_prefilter(need, span, config.qualification_rules, include_ineligible, in_area=False)
            .where(_among(session, CandidateProfile.id, pool_ids))
            .with_only_columns(CandidateProfile.id)).all(), span, include_ineligible)
    wanted = limit - sum(1 for r in results if r.eligible)
    scored = 0  # candidates of the search given to the engine (it returns the eligible only)
    search.exclude(pool_ids)
    while True:
        head, beyond = search.head(), search.beyond()  # nobody not read yet can score above ``beyond``
        ahead = sum(1 for r in results if r.eligible and int(r.subject_id) not in pool_ids and r.score > beyond
                    and _ahead_of(r, head))
        if not include_ineligible and ahead >= wanted:
            break
        # The share of those scored so far that the engine found eligible (a busy or unavailable
        # candidate passes every bound): what the queue may be expected to give.
        found = sum(1 for r in results if r.eligible and int(r.subject_id) not in pool_ids)
        share = max(found / scored, LEAST_SHARE) if scored else 1.0
        # Read on while those not read yet may be better than those queued, or while the queue is
        # unlikely to fill the list (then they will be read anyway: one round for all, not one each).
        if (head is None or -head[0] < beyond or found + share * len(search.heap) < wanted) and search.read_next():
            continue
        if head is None:
            break
        floor = _floor(results, wanted, pool_ids, include_ineligible)
        if floor >= 0 and search.read_down_to(floor):
            continue  # the best fits who may still enter are queued: one round for them, not one per ring
        # Scored: a quarter more than the list still wants, once the share eligible is allowed for.
        if ids := search.next_batch(floor, BATCH if include_ineligible else min(
                BATCH, max(ceil(1.25 * (wanted - ahead) / share), MIN_SCORED))):
            results += _score(session, engine_need, config, ids, span, include_ineligible, search.inputs)
            scored += len(ids)
    results.sort(key=lambda r: (not r.eligible, int(r.subject_id) not in pool_ids, -r.score, r.distance_km,
                                int(r.subject_id)))
    top = results[:limit]
    profiles = shown_profiles(session, [int(r.subject_id) for r in top])
    return [(profiles[int(r.subject_id)], r) for r in top]


class _CandidateSearch:
    """The candidates not scored yet, best possible score first, as heap items
    (-bound, distance, id, tight, (lat, lon, radius, match codes, week hours)).

    A ring's candidates come in with a loose bound read from a place index alone: distance,
    declared codes (years aside), slots in the hours of the week he may be available. For the
    best of them, one query per batch reads what the engine reads (kept for their scoring);
    they get the tight bound of ``services.matching_bounds`` (validated years, a free text read,
    the slots their rules hold) and go back in the queue; only a candidate at the head with his
    tight bound is scored. So a town of thousands costs an index read, and only the few who may
    enter the list cost more.
    """

    def __init__(self, session, need: Need, slots: Sequence[Slot], span: tuple[datetime, datetime],
                 config: MatchingConfig, include_ineligible: bool):
        self.session, self.need, self.config, self.include_ineligible = session, need, config, include_ineligible
        self.lat, self.lon = need.establishment.lat, need.establishment.lon
        self.slot_count = len(slots)
        # Active accounts: checked with the tight bound, for the few candidates who get one.
        self.bases = {table: _candidate_prefilter(need, span, config.qualification_rules, include_ineligible,
                                                  account=include_ineligible, table=table)
                      for table in (CandidateProfile.__table__, CandidateCodePlace.__table__)}
        self.sources = self._sources()
        self.slot_hours = [week_hours.hours_of(s.start, s.end) for s in slots]
        self.periods = [(s.start, s.end) for s in slots]
        self.most_held = matching_bounds.most_slots_held(self.periods, NeedKind(need.kind).value, config)
        self.slots_held = matching_bounds.SlotsHeld(self.periods)
        self.contract = NeedKind(need.kind).value in CONTRACT_KINDS
        self.no_fit_excludes = matching_bounds.no_fit_excludes(need.qualification_code, config)
        self.span = span
        self.inputs: dict[int, _Inputs] = {}  # what the engine reads of those given a tight bound
        self.excluded: set[int] = set()
        self.queued: set[int] = set()  # read once: a holder of two codes comes twice, so does a holder for anyone
        self.heap: list[tuple] = []
        self.distances: dict[tuple[float, float], float] = {}  # candidates share their commune's point
        self.bounds: dict[tuple, float] = {}
        self.fits: dict[str, float] = {}
        self.tight_fits: dict[tuple, float] = {}
        self.held: dict[str, int] = {}
        self.read_rows: dict[int, int] = {}  # by class: rows read so far, over ...
        self.read_km2: dict[int, float] = {}  # ... the disc read so far

    def exclude(self, ids: set[int]) -> None:
        self.excluded = ids

    def head(self) -> tuple | None:
        return self.heap[0] if self.heap else None

    def beyond(self) -> float:
        """The best score anyone not read yet may reach."""
        return -self.sources[-1][0] if self.sources else -1.0

    def read_next(self, through: int = 0) -> bool:
        """Queue the candidates of the best source not read yet, with the next rings of its class
        when few live there (``_last_ring``) or up to ring index ``through``; False when all were
        read."""
        if not self.sources:
            return False
        _, ring_index, class_index, ring, inner, codes = self.sources.pop()
        last = max(self._last_ring(ring_index, class_index), through)
        if last > ring_index:  # one read for several thin rings: their sources are read with it
            self.sources = [s for s in self.sources if s[2] != class_index or s[1] > last]
            ring = RINGS_KM[last]
        rows = self._load(ring, inner, codes)
        self.read_rows[class_index] = self.read_rows.get(class_index, 0) + rows
        self.read_km2[class_index] = pi * ring ** 2
        return True

    def _last_ring(self, ring_index: int, class_index: int) -> int:
        """The farthest ring of the class to read along with ``ring_index``: as far as the rows read
        so far, spread evenly, put at most ``MERGED_ROWS`` in the rings added (a guess on the safe
        side around a town, where candidates thin out farther away). Just this ring first."""
        area = self.read_km2.get(class_index)
        if area is None:
            return ring_index
        density = (self.read_rows[class_index] + 1) / area
        last = ring_index
        while last + 1 < len(RINGS_KM) and density * (pi * RINGS_KM[last + 1] ** 2 - area) <= MERGED_ROWS:
            last += 1
        return last

    def read_down_to(self, floor: float) -> bool:
        """Queue, of the holders of the codes that fit best, every ring whose best score reaches
        ``floor``, ahead of their turn, in one read; whether any was read. (The others wait: by
        their turn the floor has often risen past them.)"""
        due = 0  # the best sources are rings of that class, outwards, as long as they reach the floor
        while due < len(self.sources) and -self.sources[-1 - due][0] >= floor and self.sources[-1 - due][2] == 0:
            due += 1
        return bool(due) and self.read_next(through=self.sources[-due][1])

    def _sources(self) -> list[tuple]:
        """What is left to read, best last: (-best score, ring, class, ring km, inner km, codes).

        Rings outwards from the workplace; in each, first the holders of the codes that fit the
        post best (from candidate_code_place), then the others: the holders of the other codes
        and of a free text, or, for a post anyone may take, everyone (codes None: from
        candidate_profile). A town's candidates who fit less are read only if the list still
        wants them; two reads a ring at most, for a list that cannot be filled.
        """
        need, config = self.need, self.config
        rules = config.qualification_rules
        if self.include_ineligible:
            return [(-1.0, 0, 0, MAX_RADIUS_KM, None, None)]
        fit_of = {code: matching_bounds.loose_fit(f"|{code}|", need.qualification_code, need.nurse_on_duty, config)
                  for code in sorted(eligible_codes(need.qualification_code, rules)) + [candidate_summary.FREE_TEXT]}
        if rules.accepts_anyone(need.qualification_code):
            fit_of[None] = matching_bounds.loose_fit("|", need.qualification_code, need.nurse_on_duty, config)
        top = max(fit_of.values())
        best = [code for code, fit in fit_of.items() if fit == top and code is not None]
        rest = [code for code in fit_of if code not in best]
        fits = [(top, best)] if best else []
        if rest:
            fits.append((max(fit_of[code] for code in rest), None if None in rest else rest))
        sources = []
        for ring_index, ring in enumerate(RINGS_KM):
            inner = RINGS_KM[ring_index - 1] if ring_index else None
            for class_index, (fit, codes) in enumerate(fits):
                best = _upper_bound(config, inner or 0.0, MAX_RADIUS_KM, 1.0, fit)
                sources.append((-best, ring_index, class_index, ring, inner, codes))
        return sorted(sources, reverse=True)

    def _load(self, ring: float, inner: float | None, codes: list[str] | None) -> int:
        """Queue the candidates of the ring (holders of ``codes``, or all) with their loose bounds;
        returns how many rows were read."""
        t = CandidateProfile.__table__ if codes is None else CandidateCodePlace.__table__
        area = [_ring_box(t, self.lat, self.lon, ring), _flat_within(t, self.lat, self.lon, ring)]
        cells = _cells(self.lat, self.lon, ring, inner)
        if len(cells) <= MOST_CELLS:  # not near a pole, where a box spans every longitude
            area.append(_among(self.session, t.c.place_cell, cells))
        if inner is not None:  # farther than ``inner``: only those whose radius reaches that far
            area += [~_flat_within(t, self.lat, self.lon, inner), t.c.radius_km >= inner]
        query = self.bases[t].where(*area)
        if codes is not None:
            query = query.where(_among(self.session, t.c.code, codes))
        if self.excluded:
            query = query.where(_among(self.session, _profile_id(t), self.excluded, outside=True))
        # Thousands of rows share a few (point, radius, codes): one bound each, then one heapify.
        loose: dict[tuple, tuple | None] = {}
        items = []
        queued = self.queued
        columns = (_profile_id(t), t.c.lat, t.c.lon, t.c.radius_km, t.c.match_codes, t.c.week_hours)
        rows = _rows(self.session, query.with_only_columns(*columns)).all()
        for candidate_id, *key in rows:
            if candidate_id in queued:
                continue
            queued.add(candidate_id)
            key = tuple(key)
            head = loose.get(key, False)
            if head is False:
                head = loose[key] = self._loose_head(*key)
            if head is not None:
                items.append((*head, candidate_id, self.include_ineligible, key))
        self.heap += items
        heapify(self.heap)
        return len(rows)

    def _loose_head(self, lat: float, lon: float, radius: int, match_codes: str,
                    hours_hex: str) -> tuple[float, float] | None:
        """(-bound, rounded distance) from the index alone; None when out of his reach, or when
        no slot lies in the hours of the week he may be available."""
        config, need = self.config, self.need
        distance = self._distance(lat, lon)
        if self.include_ineligible:  # every candidate in reach is scored: no need to be tight
            return -_upper_bound(config, distance, radius, 1.0), round(distance, 1)
        held = self._held_in(hours_hex)
        if distance > radius + ROUNDING_MARGIN_KM or not held:
            return None
        fit = self.fits.get(match_codes)
        if fit is None:
            fit = self.fits[match_codes] = matching_bounds.loose_fit(match_codes, need.qualification_code,
                                                                     need.nurse_on_duty, config)
        return -_upper_bound(config, distance, radius, held / self.slot_count, fit), round(distance, 1)

    def _held_in(self, hours_hex: str) -> int:
        """How many slots he may hold at most, counting only those in his hours of the week."""
        held = self.held.get(hours_hex)
        if held is None:
            hours = week_hours.from_hex(hours_hex)
            held = self.held[hours_hex] = min(self.most_held,
                                              sum(1 for slot in self.slot_hours if hours & slot == slot))
        return held

    def next_batch(self, floor: float, count: int) -> list[int]:
        """The ids of up to ``count`` candidates to score, best first. The loose bounds among
        the ``BATCH`` best queued are tightened first (they go back in the queue); those whose
        bound is below ``floor`` (the score the list already asks for) are dropped."""
        best = []
        while self.heap and len(best) < BATCH and (len(best) < count or not self.heap[0][3]):
            item = heappop(self.heap)
            if -item[0] >= floor:
                best.append(item)
        self._tighten([item for item in best if not item[3]])
        ready = [item[2] for item in best if item[3]]
        # Those just tightened that still lead the queue are scored now, not after another round.
        while self.heap and self.heap[0][3] and len(ready) < count and -self.heap[0][0] >= floor:
            ready.append(heappop(self.heap)[2])
        return ready

    def _tighten(self, items: list[tuple]) -> None:
        """Give these candidates their tight bound, from what the engine reads of them (read now,
        kept for their scoring). Dropped: the candidates of an inactive account, and those the
        engine would exclude for covering no slot or fitting the post in no way."""
        if not items:
            return
        config, need = self.config, self.need
        places = {item[2]: item[4] for item in items}
        for candidate_id, inputs in _read_inputs(self.session, list(places), self.span).items():
            covered = self.slots_held(inputs.rules)
            if inputs.booked:
                clear = matching_bounds.slots_clear_of(self.periods, inputs.booked, self.contract, config)
                covered = clear if covered is None else min(covered, clear)
            if covered == 0:
                continue
            lat, lon, radius, match_codes, hours_hex = places[candidate_id]
            code_fit = matching_bounds.declared_fit(need.qualification_code, need.nurse_on_duty, inputs.qualifications,
                                                    config.qualification_rules)
            free_text = inputs.profile.qualification_text
            fit = self.tight_fits.get((code_fit, match_codes, free_text))
            if fit is None:  # a few texts and codes recur: the free text is read once each
                fit = self.tight_fits[(code_fit, match_codes, free_text)] = matching_bounds.tight_fit(
                    code_fit, match_codes, free_text, need.qualification_code, need.nurse_on_duty, config)
            if not fit and self.no_fit_excludes:
                continue
            self.inputs[candidate_id] = inputs
            distance = self._distance(lat, lon)
            key = (round(distance, 1), radius, covered, fit, hours_hex)
            bound = self.bounds.get(key)
            if bound is None:  # many candidates share a commune's point: one computation each
                held = self._held_in(hours_hex)
                if covered is not None:
                    held = min(covered, held)
                bound = self.bounds[key] = _upper_bound(config, distance, radius, held / self.slot_count, fit)
            heappush(self.heap, (-bound, key[0], candidate_id, True, None))

    def _distance(self, lat: float, lon: float) -> float:
        distance = self.distances.get((lat, lon))
        if distance is None:
            distance = self.distances[(lat, lon)] = haversine_km(self.lat, self.lon, lat, lon)
        return distance


def _floor(results: list[Result], wanted: int, pool_ids: set[int], include_ineligible: bool) -> float:
    """The score a candidate must reach to enter the list: the ``wanted``-th best found so far
    (pool members aside), as the list only gets better; -1 while fewer were found."""
    scores = sorted((r.score for r in results if r.eligible and int(r.subject_id) not in pool_ids), reverse=True)
    return scores[wanted - 1] if not include_ineligible and 0 < wanted <= len(scores) else -1.0


def _ahead_of(result: Result, head: tuple | None) -> bool:
    """Whether ``result`` ranks before everyone still queued; ``head`` = (-bound, distance, id, …) is
    the queued item with the best bound, and the nearest then smallest id among equal bounds (the
    tie-break)."""
    if head is None:
        return True
    bound = -head[0]
    return result.score > bound or (result.score == bound and (result.distance_km, int(result.subject_id)) < head[1:3])


def _score(session, engine_need, config, ids: Sequence[int], span, include_ineligible: bool,
           known: dict[int, _Inputs] | None = None) -> list[Result]:
    """Score these candidates (those of an inactive account left out): what the engine reads of
    them comes from ``known``, or from one query for the others."""
    if not ids:
        return []
    known = known or {}
    inputs = [known[candidate_id] for candidate_id in ids if candidate_id in known]
    if missing := [candidate_id for candidate_id in ids if candidate_id not in known]:
        inputs += _read_inputs(session, missing, span).values()
    candidates = [candidate_to_engine(found.profile, found.booked, span, qualifications=found.qualifications,
                                      rules=found.rules) for found in inputs]
    return matching.rank_candidates(engine_need, candidates, config, include_ineligible=include_ineligible)


@dataclass
class _Inputs:
    """What the engine reads of a candidate: his profile's columns, qualifications, availability
    rules touching the span and bookings around it (plain named tuples)."""
    profile: Any
    qualifications: list = field(default_factory=list)
    rules: list = field(default_factory=list)
    booked: list = field(default_factory=list)


# The parts of _read_inputs, as named tuples: each part fills its own columns and leaves the
# others NULL, cast to the column's type (PostgreSQL matches a UNION's types branch by branch;
# SQLite reads dates by it). Codes are read as stored, not as enum members: thousands of rows.
_INPUT_PARTS = (
    CANDIDATE_COLUMNS,
    (CandidateQualification.code, CandidateQualification.validated_years),
    (AvailabilityRule.kind, AvailabilityRule.start_date, AvailabilityRule.end_date, AvailabilityRule.weekdays,
     AvailabilityRule.start_time, AvailabilityRule.end_time),
    (Assignment.start, Assignment.end),
)


def _stored_type(column):
    return String() if isinstance(column.type, EnumCode) else column.type


_INPUT_COLUMNS = tuple(
    tuple((type_coerce(column, _stored_type(column)) if any(column is own for own in columns)
           else cast(null(), _stored_type(column))).label(column.key)
          for part in _INPUT_PARTS for column in part)
    for columns in _INPUT_PARTS)
_INPUT_TUPLES = tuple(namedtuple(f"_InputPart{tag}", [column.key for column in columns])
                      for tag, columns in enumerate(_INPUT_PARTS))
# Where each part's own columns lie in a row, after its tag and candidate id.
_INPUT_SLICES = tuple(slice(2 + sum(map(len, _INPUT_PARTS[:tag])), 2 + sum(map(len, _INPUT_PARTS[:tag + 1])))
                      for tag in range(len(_INPUT_PARTS)))


def _read_inputs(session, ids: Sequence[int], span) -> dict[int, _Inputs]:
    """What the engine reads of these candidates, by candidate, those of an active account only,
    in one statement per ``IN_CHUNK`` of them: four would cost four round trips, which on
    PostgreSQL cost more than these few rows."""
    found: dict[int, _Inputs] = {}
    for chunk in _chunks(ids):
        found.update(_read_chunk_inputs(session, chunk, span))
    return found


@cache
def _inputs_statement(on_postgresql: bool):
    """The statement of ``_read_chunk_inputs``, built once per dialect with the candidates and the
    dates as parameters: SQLAlchemy would otherwise build and key this four-branch UNION anew
    for every batch, which costs more than the server's work on it."""
    def part(tag: int, profile_id, query):
        return query.with_only_columns(literal(tag).label("part"), profile_id.label("profile_id"), *_INPUT_COLUMNS[tag])

    def among(column):
        return _among_parameter(column, "ids", on_postgresql)

    profiles = _active(select(literal(0).label("part"), CandidateProfile.id.label("profile_id"), *_INPUT_COLUMNS[0]))
    return union_all(
        profiles.where(among(CandidateProfile.id)),
        part(1, CandidateQualification.profile_id, select(CandidateQualification).where(among(CandidateQualification.profile_id))),
        part(2, AvailabilityRule.profile_id, select(AvailabilityRule).where(
            among(AvailabilityRule.profile_id), AvailabilityRule.start_date <= bindparam("rules_until"),
            AvailabilityRule.end_date >= bindparam("rules_from"))),
        part(3, Assignment.candidate_id, _bookings(among(Assignment.candidate_id), bindparam("booked_from"),
                                                   bindparam("booked_until"))))


def _read_chunk_inputs(session, ids: Sequence[int], span) -> dict[int, _Inputs]:
    rules_from, rules_until = span[0].date() - timedelta(days=1), span[1].date()
    booked_from, booked_until = _booking_window(span)
    parts: list[list] = [[] for _ in _INPUT_PARTS]
    for row in _rows(session, _inputs_statement(_on_postgresql(session)), {
            "ids": list(ids), "rules_from": rules_from, "rules_until": rules_until,
            "booked_from": booked_from, "booked_until": booked_until}).all():
        tag = row[0]
        parts[tag].append((row[1], _INPUT_TUPLES[tag]._make(row[_INPUT_SLICES[tag]])))
    found = {candidate_id: _Inputs(profile) for candidate_id, profile in parts[0]}
    for tag, rows in enumerate(parts[1:], start=1):
        for candidate_id, values in rows:
            if (inputs := found.get(candidate_id)) is not None:  # else an inactive account's
                (inputs.qualifications, inputs.rules, inputs.booked)[tag - 1].append(values)
    return found


def _upper_bound(config: MatchingConfig, distance_km: float, radius_km: float, availability_share: float,
                 qualification: float = 1.0) -> float:
    """The highest score the engine can give at this distance, with at most these availability and
    qualification components.

    Rounded like the engine's score, from a distance rounded down: a result scoring strictly
    more beats everyone whose bound this is.
    """
    close = config.close_km
    distance = max(0.0, round(distance_km, 1) - 0.1)
    if distance <= close:
        zone = 1.0
    elif distance >= radius_km:
        zone = 0.0
    else:
        zone = (radius_km - distance) / (radius_km - close)
    weights = config.weights
    best = weights["qualification"] * qualification + weights["zone"] * zone + weights["availability"] * availability_share
    return round(100 * best / sum(weights.values()), 1)


def shown_profiles(session, ids: Sequence[int]) -> dict[int, CandidateProfile]:
    """The shown candidates as ORM objects, with what the pages display."""
    if not ids:
        return {}
    # One query: each profile has one account and one commune (a join, not a query each).
    found = session.scalars(select(CandidateProfile).where(_among(session, CandidateProfile.id, ids))
                            .options(joinedload(CandidateProfile.user, innerjoin=True),
                                     joinedload(CandidateProfile.commune, innerjoin=True)))
    return {p.id: p for p in found}


def pool_member_ids(session, establishment_id: int, candidate_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(candidate_ids):
        found.update(session.scalars(select(PoolMember.candidate_id).where(
            PoolMember.establishment_id == establishment_id, _among(session, PoolMember.candidate_id, chunk))))
    return found


def _candidate_prefilter(need: Need, span, rules: QualificationRules, include_ineligible: bool, *,
                         in_area: bool = True, account: bool = True, table: Table = CandidateProfile.__table__):
    """Candidates who may possibly take the need, by index-friendly conditions only, read from
    ``table``: candidate_profile, or candidate_code_place (the caller says which codes).
    ``account``: whose account is active (a lookup per candidate, which a caller may make for
    fewer rows)."""
    t = table
    establishment = need.establishment
    lat, lon = establishment.lat, establishment.lon
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, MAX_RADIUS_KM)
    kind = NeedKind(need.kind)
    if kind == NeedKind.CIVIC_SERVICE:
        public = t.c.public == Public.CIVIC_SERVICE
    elif kind == NeedKind.PEC:
        public = t.c.public == Public.PEC
    else:
        public = t.c.public != Public.CIVIC_SERVICE
    conditions = [t.c.consent_visible.is_(True), public]
    if in_area:
        conditions += [t.c.lat.between(min_lat, max_lat), t.c.lon.between(min_lon, max_lon)]
    query = select(t)
    if account:
        query = _active(query, t)
    if include_ineligible:  # near misses too: only the place and the consent narrow the field
        return query.where(*conditions)
    # All read from the place index (services.candidate_summary): no lookup per candidate.
    conditions += [_flat_within(t, lat, lon, t.c.radius_km), candidate_summary.available_around(t, *(s.date() for s in span)),
                   *_conditions_met(need, t)]
    if t is CandidateProfile.__table__ and not rules.accepts_anyone(need.qualification_code):
        conditions.append(candidate_summary.may_hold(eligible_codes(need.qualification_code, rules)))
    return query.where(*conditions)


def _conditions_met(need: Need, table: Table) -> list[ColumnElement[bool]]:
    """The need's conditions the engine checks on the profile alone (matching.publics): the
    right to work for a paid need, the French level and the driving licence it asks for."""
    t = table
    conditions = []
    if NeedKind(need.kind).value in PAID_KINDS:
        conditions.append(t.c.work_authorization.is_(True))
    if need.min_french_level:
        enough = FRENCH_LEVELS[FRENCH_LEVELS.index(FrenchLevel(need.min_french_level).value):]
        conditions.append(or_(t.c.french_level.is_(None), t.c.french_level.in_(enough)))  # none given: NATIVE_LEVEL
    if need.requires_driving_licence:
        conditions.append(t.c.driving_licence.is_(True))
    return conditions


def _profile_id(table: Table):
    return table.c.id if table is CandidateProfile.__table__ else table.c.profile_id.label("id")


def _active(query, table: Table = CandidateProfile.__table__):
    return query.join(User, User.id == table.c.user_id).where(User.active.is_(True))


def _ring_box(table: Table, lat: float, lon: float, ring_km: float):
    """The bounding box of a ring's reach, so that the place index reads the ring's rows only,
    not the whole band of the largest radius."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, _reach(ring_km))
    return and_(table.c.lat.between(min_lat, max_lat), table.c.lon.between(min_lon, max_lon))


def _cells(lat: float, lon: float, ring_km: float, inner_km: float | None) -> list[int]:
    """The grid squares meeting the ring's box, less those wholly within the inner ring's reach
    (every candidate there is left out by ``~_flat_within(inner)``)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, _reach(ring_km))
    if inner_km is None:
        return [cell for cell, _, _ in candidate_summary.cells_between(min_lat, max_lat, min_lon, max_lon)]
    side = 1 / candidate_summary.CELLS_PER_DEGREE
    kx, inner = KM_PER_DEGREE * cos(radians(lat)), _reach(inner_km)

    def inside(corner_lat: float, corner_lon: float) -> bool:  # the same flat distance as _flat_within
        dy, dx = (corner_lat - lat) * KM_PER_DEGREE, (corner_lon - lon) * kx
        return dy * dy + dx * dx <= inner * inner

    return [cell for cell, south, west in candidate_summary.cells_between(min_lat, max_lat, min_lon, max_lon)
            if not all(inside(south + dy, west + dx) for dy in (0, side) for dx in (0, side))]


def _reach(km: float):
    """``km`` with the flat-earth safety margin (a number or a column)."""
    return km * 1.05 + 1


def _flat_within(table: Table, lat: float, lon: float, reach_km):
    """Flat-earth distance from (lat, lon) to the row's place within ``reach_km`` (a number or a
    column), with a safety margin: may keep a few too far (the engine measures exactly), never
    drops one in reach."""
    kx = KM_PER_DEGREE * cos(radians(lat))
    dy = (table.c.lat - lat) * KM_PER_DEGREE
    dx = (table.c.lon - lon) * kx
    reach = _reach(reach_km)
    return dy * dy + dx * dx <= reach * reach


# --- recommendations for a candidate ------------------------------------------------------------

# Read from need_place (services.need_summary), the open needs' narrow copy. Codes read as the
# stored strings (what the engine takes), not as enum members: thousands of rows.
NEED_COLUMNS = (
    NeedPlace.need_id.label("id"), NeedPlace.establishment_id, type_coerce(NeedPlace.kind, String).label("kind"),
    NeedPlace.qualification_code, NeedPlace.positions, NeedPlace.weekly_hours,
    type_coerce(NeedPlace.min_french_level, String).label("min_french_level"), NeedPlace.requires_driving_licence,
    NeedPlace.nurse_on_duty, Establishment.lat, Establishment.lon,
    type_coerce(Establishment.type, String).label("type"), type_coerce(Establishment.sector, String).label("sector"),
)
NEED_BATCH = 50  # needs scored at a time at most: read already, so small batches cost no query


def recommend_for_candidate(session, profile: CandidateProfile, *, now: datetime, kind: NeedKind | str | None = None,
                            date_from: date | None = None, date_to: date | None = None, max_km: float | None = None,
                            limit: int = 50) -> list[tuple[Need, Result]]:
    """Open, published needs starting after ``now`` that the candidate may take, best first.

    Exact over every such need, and cheap when thousands are open: establishments are read
    nearest (best possible score) first, a few more each time, and their needs scored until no
    establishment left could give a need that enters the list. Needs are read as plain rows; one
    none of whose open slots lies in the candidate's availability is dropped before the engine.
    """
    _for_index_lookups(session)
    config = engine_config(session)
    rules = config.qualification_rules
    reach = min(profile.radius_km, max_km) if max_km is not None else profile.radius_km
    local_now = paris_from_utc(now)
    span = _availability_span(profile, local_now)
    if span is None:
        return []
    candidate = candidate_to_engine(profile, booked_periods(session, [profile.id], span).get(profile.id, ()), span)
    windows = [(w.start, w.end) for w in candidate.availability]
    if not windows:
        return []
    clearance = matching_bounds.Clearance([(b.start, b.end) for b in candidate.busy], config)
    clear = {contract: clearance.windows(windows, contract) for contract in (False, True)}
    conditions = _need_conditions(profile, rules, local_now, kind, date_from, date_to)
    # No slot outside the span of his availability, or outside his hours of the week, can be covered.
    conditions += [NeedPlace.first_start < windows[-1][1], NeedPlace.last_end > windows[0][0]]
    hours = week_hours.from_hex(profile.week_hours)
    if hours != week_hours.ANY_HOUR:  # a need with an open slot his hours of the week may hold
        conditions.append(week_hours.may_hold_one(NeedPlace.open_days, NeedPlace.open_shape, hours))
    fits = {post: matching_bounds.qualification_bound(
        matching_bounds.declared_fit(*post, candidate.qualifications, rules), bool(candidate.qualification_text),
        *post, rules, config) for post in ((code, nurse) for code in rules.codes for nurse in (False, True))}
    # An establishment's needs come in groups of posts he may take and fits equally well, best
    # first: the posts he fits less are read only if the list still wants them.
    posts: dict[float, list[str]] = defaultdict(list)
    for code in _posts_open_to(profile, rules):
        posts[max(fits[(code, False)], fits[(code, True)])].append(code)
    # (-best possible score, distance, 0, establishment, fit): what is left to read, best first;
    # 0 ranks it before any need at that score and distance (a need's id is above 0).
    places = sorted((-_upper_bound(config, distance, candidate.radius_km, 1.0, fit), distance, 0, place_id, fit)
                    for distance, place_id in _establishments_in_reach(session, candidate, reach) for fit in posts)
    heap: list[tuple] = []  # (-bound, distance, need id, row, slots) of needs read, not scored yet
    results: list[Result] = []
    found: list[tuple] = []  # (-score, distance, need id) of the results, sorted like the keys above
    read, chunk = 0, FIRST_PLACES
    while True:
        frontier = places[read][:3] if read < len(places) else None  # the best establishment's posts not read yet
        head = heap[0][:3] if heap else None
        top = min((key for key in (head, frontier) if key is not None), default=None)
        ahead = bisect_left(found, top) if top is not None else limit  # results ranking before all left
        if ahead >= limit:
            break  # no need left can beat the ones found
        if top is frontier:
            taken = places[read:read + chunk]
            distances = {place[3]: place[1] for place in taken}  # rounded to 0.1 km
            by_fit: dict[float, list[int]] = defaultdict(list)
            for place in taken:
                by_fit[place[4]].append(place[3])
            # SQLite picks its index from top-level conditions only: every establishment and post of
            # the read in one IN each, besides the groups. (PostgreSQL reads each group by index; the
            # lists again would only lengthen its planning, by a third of the read.)
            every = [] if _on_postgresql(session) else [
                NeedPlace.establishment_id.in_(list(distances)),
                NeedPlace.qualification_code.in_(sorted({code for fit in by_fit for code in posts[fit]}))]
            needs = _needs_of(session, conditions + every + [
                or_(*(and_(_among(session, NeedPlace.establishment_id, ids), _among(session, NeedPlace.qualification_code, posts[fit]))
                      for fit, ids in by_fit.items()))])
            read, chunk = read + chunk, min(2 * chunk, MOST_PLACES)
            for row, need_slots in needs:
                inside = _slots_left(need_slots, row.kind in CONTRACT_KINDS, clear, clearance)
                if inside:  # none of its open slots in his availability: the engine would exclude it
                    held = 1 if len(inside) == 1 else matching_bounds.most_slots_held(inside, row.kind, config)
                    distance = distances[row.establishment_id]
                    bound = _upper_bound(config, distance, candidate.radius_km, held / len(need_slots),
                                         fits[(row.qualification_code, bool(row.nurse_on_duty))])
                    heappush(heap, (-bound, distance, row.id, row, need_slots))
        else:  # the needs ahead of every establishment not read yet, as many as the list still wants
            batch = [heappop(heap)]
            while heap and len(batch) < min(NEED_BATCH, limit - ahead) and (frontier is None or heap[0][:3] < frontier):
                batch.append(heappop(heap))
            scored = [r for r in matching.recommend_needs(candidate, [_row_to_engine(*item[3:]) for item in batch],
                                                          config) if r.distance_km <= reach]
            results += scored
            found = sorted(found + [(-r.score, r.distance_km, int(r.subject_id)) for r in scored])
    results.sort(key=lambda r: (-r.score, r.distance_km, int(r.subject_id)))
    results = results[:limit]
    # With what a list of them shows: post, establishment and its commune.
    needs = {n.id: n for n in session.scalars(
        select(Need).where(_among(session, Need.id, [int(r.subject_id) for r in results]))
        .options(joinedload(Need.qualification, innerjoin=True),
                 joinedload(Need.establishment, innerjoin=True).joinedload(Establishment.commune, innerjoin=True)))}
    return [(needs[int(r.subject_id)], r) for r in results]


FIRST_PLACES = 16  # establishments (their posts of one fit) read first; twice as many each next time,
MOST_PLACES = 128  # up to this many, so that the last read does not overshoot by much


def _availability_span(profile: CandidateProfile, local_now: datetime) -> tuple[datetime, datetime] | None:
    """From now to the end of the candidate's last availability rule (and the night after): no slot
    outside can be covered. None when he declared nothing ahead."""
    last = max((rule.end_date for rule in profile.availability_rules if rule.kind != AvailabilityKind.UNAVAILABLE),
               default=None)
    end = datetime.combine(last + timedelta(days=2), datetime.min.time()) if last else None
    return (local_now, end) if end and end > local_now else None


def _establishments_in_reach(session, candidate: matching.Candidate, reach: float) -> list[tuple[float, int]]:
    """(distance rounded to 0.1 km, id) of the establishments within ``reach``."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(candidate.lat, candidate.lon, reach)
    places = []
    for place_id, lat, lon in _rows(session, select(Establishment.id, Establishment.lat, Establishment.lon).where(
            Establishment.lat.between(min_lat, max_lat), Establishment.lon.between(min_lon, max_lon))):
        distance = haversine_km(lat, lon, candidate.lat, candidate.lon)
        if distance <= reach + ROUNDING_MARGIN_KM:
            places.append((round(distance, 1), place_id))
    return places


def _slots_left(slots: list[tuple[datetime, datetime]], contract: bool, clear: dict,
                clearance: matching_bounds.Clearance) -> list[tuple[datetime, datetime]]:
    """The slots inside his windows less what his bookings rule out (``clear``, by kind), and
    for a shift, those that leave the week's hours room: the only ones the engine may cover."""
    inside = [slot for slot in slots if is_inside(*slot, clear[contract])]
    return inside if contract else [slot for slot in inside if clearance.leaves_room(*slot)]


def _needs_of(session, conditions) -> list[tuple[Any, list[tuple[datetime, datetime]]]]:
    """The needs meeting ``conditions`` that have open slots, each with those slots (start, end),
    in one query of need_place alone."""
    needs = []
    for row in _rows(session, select(*NEED_COLUMNS, NeedPlace.open_slots).select_from(NeedPlace)
                     .join(Establishment, Establishment.id == NeedPlace.establishment_id).where(*conditions)):
        if row.open_slots:
            needs.append((row, need_summary.decode_slots(row.open_slots)))
    return needs


def _row_to_engine(row, slots: list[tuple[datetime, datetime]]) -> matching.Need:
    return matching.Need(
        id=str(row.id), kind=row.kind, qualification=row.qualification_code, lat=row.lat, lon=row.lon,
        slots=tuple(matching.Slot(start, end) for start, end in slots), positions=row.positions, weekly_hours=row.weekly_hours,
        min_french_level=row.min_french_level, requires_driving_licence=row.requires_driving_licence,
        establishment_type=row.type, employer_sector=row.sector, nurse_on_duty=row.nurse_on_duty,
    )


def _need_conditions(profile: CandidateProfile, rules: QualificationRules, local_now: datetime, kind,
                     date_from: date | None, date_to: date | None) -> list:
    """What a need must be for this candidate, place aside: open, published, to come, of a kind and
    a post he may take, asking for nothing he lacks, within the dates asked."""
    conditions = [NeedPlace.first_start >= local_now]  # open and published: in need_place
    public = Public(profile.public)
    if public == Public.CIVIC_SERVICE:
        conditions.append(NeedPlace.kind == NeedKind.CIVIC_SERVICE)
    else:
        excluded = [NeedKind.CIVIC_SERVICE] + ([] if public == Public.PEC else [NeedKind.PEC])
        conditions.append(NeedPlace.kind.not_in(excluded))
    # What the engine checks on the profile alone (matching.publics), as for the ranking's prefilter.
    if not profile.work_authorization:
        conditions.append(NeedPlace.kind.not_in(sorted(PAID_KINDS)))
    level = FrenchLevel(profile.french_level).value if profile.french_level else NATIVE_LEVEL
    if level != FRENCH_LEVELS[-1]:
        conditions.append(or_(NeedPlace.min_french_level.is_(None),
                              NeedPlace.min_french_level.in_(FRENCH_LEVELS[:FRENCH_LEVELS.index(level) + 1])))
    if not profile.driving_licence:
        conditions.append(NeedPlace.requires_driving_licence.is_(False))
    if not (profile.qualification_text or "").strip():
        conditions.append(NeedPlace.qualification_code.in_(_posts_open_to(profile, rules)))
    if kind:
        conditions.append(NeedPlace.kind == NeedKind(kind))
    if date_from:
        conditions.append(NeedPlace.first_start >= datetime.combine(date_from, datetime.min.time()))
    if date_to:
        conditions.append(NeedPlace.first_start < datetime.combine(date_to + timedelta(days=1), datetime.min.time()))
    return conditions


def _posts_open_to(profile: CandidateProfile, rules: QualificationRules) -> list[str]:
    """The posts his declared qualifications may fill, and those open to anyone; every post when
    he described a qualification in free text (the engine matches it)."""
    if (profile.qualification_text or "").strip():
        return list(rules.codes)
    codes = {q.code for q in profile.qualifications}
    return sorted(post for post in rules.codes if rules.accepts_anyone(post) or codes & eligible_codes(post, rules))


# --- one pair ------------------------------------------------------------------------------------

def evaluate_pair(session, need: Need, profile: CandidateProfile, *, now: datetime,
                  slots: Sequence[Slot] | None = None, assume_available: bool = False) -> Result:
    """The engine's verdict on this candidate for ``slots`` (default: the open slots, else all),
    given every shift he holds on the platform.

    ``assume_available``: he said he can come (he applied, or accepts an invitation), so
    those slots count as available whatever his calendar says; every other rule still applies.
    """
    if slots is None:
        slots = open_slots(need, now) or need.slots
    span = (min(s.start for s in slots), max(s.end for s in slots))
    booked = booked_periods(session, [profile.id], span).get(profile.id, ())
    candidate = candidate_to_engine(profile, booked, span)
    if assume_available:
        declared = tuple(matching.Slot(s.start, s.end) for s in slots)
        candidate = replace(candidate, availability=candidate.availability + declared)
    return matching.evaluate(need_to_engine(need, slots), candidate, engine_config(session))


def covered_slots(slots: Sequence[Slot], result: Result) -> list[Slot]:
    """The model slots a result covers (``slots`` in the order given to ``need_to_engine``)."""
    return [slots[i] for i in result.covered_slot_indexes]


def _rows(session, statement, parameters: dict | None = None):
    """Plain rows through the session's connection: the ORM's row processing is not needed for
    columns, and costs more than the query when thousands of rows are read."""
    return session.connection().execute(statement, parameters)


def _among(session, column, values: Iterable, *, outside: bool = False) -> ColumnElement[bool]:
    """``column IN (values)`` (``NOT IN`` when ``outside``); on PostgreSQL one array parameter
    (``= ANY``, ``<> ALL``), so that the statement's text is the same whatever the list: psycopg
    and the server would parse a long list of parameters on every run, and the ranking lists
    hundreds of grid squares and ids."""
    values = list(values)
    if _on_postgresql(session):
        array = bindparam(None, values, type_=ARRAY(column.type))
        return column != all_(array) if outside else column == any_(array)
    return column.not_in(values) if outside else column.in_(values)


def _among_parameter(column, name: str, on_postgresql: bool) -> ColumnElement[bool]:
    """``column IN (:name)``, the list given when the statement runs: one array parameter on
    PostgreSQL, as in ``_among``."""
    if on_postgresql:
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def _for_index_lookups(session) -> None:
    """On PostgreSQL, for the rest of the transaction, plan the feed's reads as the index lookups
    of a few hundred cached rows they are: no parallel workers, which take longer to start (a few
    ms) than the read itself; and a random read priced 1.1 (the usual value for data in memory
    or on SSD) rather than 4 (a disk head's seek), at which the planner prefers to scan a whole
    table than look a few hundred rows up."""
    if _on_postgresql(session):
        session.execute(text("SELECT set_config('max_parallel_workers_per_gather', '0', true), "
                             "set_config('random_page_cost', '1.1', true)"))


def _on_postgresql(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _chunks(ids: Sequence[int]):
    ids = list(ids)
    for start in range(0, len(ids), IN_CHUNK):
        yield ids[start:start + IN_CHUNK]
