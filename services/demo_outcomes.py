"""The story of each demo need: published, applied to, filled (or not), worked, cancelled.

Counters stay consistent with the rows: ``slot.filled`` is the number of the slot's
assignments in an active state (accepted, completed, no-show), ``need.filled_at`` is the
last acceptance of a fully filled need, and applicants hold qualifications that may fill
the post (from the who-may-fill table) and live in the establishment's département when
the département has any.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from models import Application, Assignment, Need, NeedPlace, PoolMember, Slot
from models.enums import (
    ACTIVE_ASSIGNMENT_STATES,
    ApplicationOrigin,
    ApplicationState,
    AssignmentState,
    EstablishmentType,
    NeedKind,
    NeedStatus,
    Public,
    Sector,
)
from services.demo_bulk import RowWriter
from services.demo_catalog import Calendar, Place
from services.demo_needs import Draft
from services.demo_people import Seeker
from services.need_summary import place_row

NEEDS, SLOTS, APPLICATIONS = Need.__table__, Slot.__table__, Application.__table__
NEED_PLACES = NeedPlace.__table__
ASSIGNMENTS, POOL = Assignment.__table__, PoolMember.__table__
CANCEL_REASONS = ("Besoin couvert en interne", "Retour anticipé de la salariée remplacée",
                  "Fermeture temporaire de l'unité", "Baisse d'activité")
NOTES = ("Très bonne intégration dans l'équipe", "Ponctuelle et attentive aux résidents", "À rappeler sans hésiter", None, None)
# Outcomes of a need, by when it happens.
UPCOMING_OUTCOMES = {"draft": 4, "open": 56, "partial": 22, "filled": 14, "cancelled": 4}
PAST_OUTCOMES = {"filled": 55, "partial": 18, "unfilled": 14, "cancelled": 13}


@dataclass(frozen=True, slots=True)
class Site:
    """A generated establishment, as its needs see it."""

    id: int
    type: EstablishmentType
    sector: Sector
    place: Place
    manager_id: int


class ApplicantPicker:
    """Finds plausible applicants: qualified for the post, of the right public, nearby when possible."""

    def __init__(self, seekers: list[Seeker], holders: dict[str, list[tuple[str, int]]]):
        self.holders = holders
        self.by_code: dict[tuple, list[Seeker]] = defaultdict(list)
        self.workers: dict[str | None, list[Seeker]] = defaultdict(list)
        self.volunteers: dict[str | None, list[Seeker]] = defaultdict(list)
        for seeker in seekers:
            for area in (seeker.departement_code, None):
                if seeker.public == Public.CIVIC_SERVICE:
                    self.volunteers[area].append(seeker)
                elif seeker.work_authorization:
                    self.workers[area].append(seeker)
                    for code, _years in seeker.codes:
                        self.by_code[area, code].append(seeker)
        self._cache: dict[tuple, list[Seeker]] = {}

    def eligible(self, post: str, kind: NeedKind, departement: str) -> list[Seeker]:
        key = (post, kind, departement)
        if key not in self._cache:
            self._cache[key] = self._collect(post, kind, departement) or self._collect(post, kind, None)
        return self._cache[key]

    def _collect(self, post: str, kind: NeedKind, area: str | None) -> list[Seeker]:
        if kind == NeedKind.CIVIC_SERVICE:
            return self.volunteers[area]
        found: dict[int, Seeker] = {}
        for holder, least in self.holders.get(post, [(post, 0)]):
            group = self.workers[area] if holder == "*" else self.by_code[area, holder]
            for seeker in group:
                if holder == "*" or any(c == holder and (y or 0) >= least for c, y in seeker.codes):
                    found[seeker.id] = seeker
        chosen = list(found.values())
        return [s for s in chosen if s.public == Public.PEC] if kind == NeedKind.PEC else chosen

    def pick(self, rng: random.Random, draft: Draft, site: Site, count: int, taken: set[int],
             busy: dict[int, list[tuple[datetime, datetime]]] | None = None) -> list[Seeker]:
        """Up to ``count`` applicants not in ``taken`` and, when ``busy`` is given, not booked during the need."""
        group = self.eligible(draft.qualification, draft.kind, site.place.departement_code)
        sample = rng.sample(group, min(len(group), 3 * count + len(taken)))
        first, last = min(s for s, _ in draft.slots), max(e for _, e in draft.slots)
        free = [s for s in sample if s.id not in taken
                and not (busy and any(start < last and first < end for start, end in busy.get(s.id, ())))]
        return free[:count]


class StoryWriter:
    """Writes a need, its slots, applications and assignments for a chosen outcome."""

    def __init__(self, rng: random.Random, writer: RowWriter, calendar: Calendar, picker: ApplicantPicker):
        self.rng, self.writer, self.calendar, self.picker = rng, writer, calendar, picker
        self.busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)  # booked periods by candidate
        self.pool: Counter[tuple[int, int]] = Counter()
        self.pool_added: dict[tuple[int, int], tuple[datetime, int]] = {}

    def outcome(self, past: bool) -> str:
        weights = PAST_OUTCOMES if past else UPCOMING_OUTCOMES
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def write(self, site: Site, draft: Draft, outcome: str, *, demo: tuple[Seeker, str] | None = None) -> int:
        """``demo``: (candidate, "accepted" or "applied") placed first among the applicants."""
        rng, now, writer = self.rng, self.calendar.now, self.writer
        need_id = writer.new_id(NEEDS)
        starts = [s for s, _ in draft.slots]
        first_start, last_end = min(starts), max(e for _, e in draft.slots)
        slot_ids = [writer.new_id(SLOTS) for _ in draft.slots]
        published = None if outcome == "draft" else self._published_at(first_start, draft.urgent)
        created = (published or now) - timedelta(minutes=rng.randint(5, 2880))
        filled = [0] * len(draft.slots)
        taken: set[int] = set()
        accepted_times: list[datetime] = []
        if demo:
            taken.add(demo[0].id)
            if demo[1] == "accepted":
                accepted_times.append(self._accept(site, draft, need_id, slot_ids, demo[0], published, filled,
                                                   range(len(draft.slots)), no_show_rate=0.0))
            else:
                self._application(need_id, demo[0], ApplicationState.APPLIED, published, None, site)
        if outcome in ("filled", "partial"):
            wanted = draft.positions - (demo is not None and demo[1] == "accepted")
            for seeker in self.picker.pick(rng, draft, site, wanted, taken, self.busy):
                taken.add(seeker.id)
                if outcome == "filled":
                    chosen = range(len(draft.slots))
                else:
                    chosen = sorted(rng.sample(range(len(draft.slots)), rng.randint(1, len(draft.slots))))
                    if len(chosen) == len(draft.slots) and rng.random() < 0.5:
                        self._withdrawn(site, draft, need_id, slot_ids, seeker, published)
                        continue
                accepted_times.append(self._accept(site, draft, need_id, slot_ids, seeker, published, filled, chosen))
        self._others(site, draft, need_id, outcome, published, taken, first_start)
        status, times = self._status(outcome, draft, filled, published, accepted_times, first_start, last_end)
        for slot_id, (start, end), count in zip(slot_ids, draft.slots, filled, strict=True):
            writer.add(SLOTS, {"id": slot_id, "need_id": need_id, "start": start, "end": end,
                               "positions": draft.positions, "filled": count})
        row = {
            "id": need_id, "establishment_id": site.id, "created_by_id": site.manager_id, "kind": draft.kind.value,
            "qualification_code": draft.qualification, "title": draft.title, "description": draft.description,
            "positions": draft.positions, "weekly_hours": draft.weekly_hours,
            "min_french_level": draft.min_french_level and draft.min_french_level.value,
            "requires_driving_licence": draft.requires_driving_licence, "nurse_on_duty": draft.nurse_on_duty,
            "contract_type": draft.contract_type.value, "pay": draft.pay, "urgent": draft.urgent, "status": status.value,
            "first_start": first_start, "last_end": last_end, "published_at": published, **times,
            "duplicated_from_id": None, "last_alert_at": None, "created_at": created,
            "updated_at": max([created, published or created, *accepted_times, *(t for k, t in times.items() if k.endswith("_at") and t)]),
        }
        writer.add(NEEDS, row)
        open_slots = [period for period, count in zip(draft.slots, filled, strict=True) if count < draft.positions]
        if (place := place_row(row, sorted(open_slots, key=lambda period: period[0]))) is not None:
            writer.add(NEED_PLACES, place)
        writer.checkpoint()
        return need_id

    def _published_at(self, first_start: datetime, urgent: bool) -> datetime:
        now, rng = self.calendar.now, self.rng
        if first_start > now:
            return now - timedelta(hours=rng.randint(1, 20 if urgent else 12 * 24))
        return first_start - timedelta(hours=rng.randint(20, 21 * 24))

    def _accept_time(self, published: datetime, first_start: datetime) -> datetime:
        """Some minutes to three days after publication, before the work starts and not after "now"."""
        late = published + timedelta(minutes=self.rng.randint(20, 72 * 60))
        return max(published, min(late, first_start - timedelta(hours=1), self.calendar.now))

    def _application(self, need_id: int, seeker: Seeker, state: ApplicationState, published: datetime,
                     decided: datetime | None, site: Site, origin: ApplicationOrigin = ApplicationOrigin.CANDIDATE) -> int:
        application_id = self.writer.new_id(APPLICATIONS)
        created = published + timedelta(minutes=self.rng.randint(5, 600))
        created = min(created, decided or created)
        self.writer.add(APPLICATIONS, {
            "id": application_id, "need_id": need_id, "candidate_id": seeker.id, "origin": origin.value,
            "state": state.value, "slot_ids": [], "message": None, "manager_message": None, "score": None,
            "decided_at": decided, "decided_by_id": site.manager_id if decided else None,
            "created_at": created, "updated_at": decided or created,
        })
        return application_id

    def _accept(self, site, draft, need_id, slot_ids, seeker, published, filled, chosen, no_show_rate=0.04) -> datetime:
        """An accepted application and one assignment per chosen slot; ended shifts are completed (a few no-shows)."""
        rng, now = self.rng, self.calendar.now
        accepted_at = self._accept_time(published, draft.slots[0][0])
        states = []
        rows = []
        for index in chosen:
            start, end = draft.slots[index]
            state = AssignmentState.ACCEPTED
            if end <= now:
                missed = draft.kind == NeedKind.SHIFT and rng.random() < no_show_rate
                state = AssignmentState.NO_SHOW if missed else AssignmentState.COMPLETED
            states.append(state)
            rows.append((index, start, end, state))
        ended = all(s != AssignmentState.ACCEPTED for s in states)
        app_state = (ApplicationState.NO_SHOW if AssignmentState.NO_SHOW in states else ApplicationState.COMPLETED) if ended \
            else ApplicationState.ACCEPTED
        application_id = self._application(need_id, seeker, app_state, published, accepted_at, site)
        for index, start, end, state in rows:
            filled[index] += state in ACTIVE_ASSIGNMENT_STATES
            self.busy[seeker.id].append((start, end))
            done = state != AssignmentState.ACCEPTED
            no_show = state == AssignmentState.NO_SHOW
            self._assignment(application_id, slot_ids[index], need_id, seeker, state, start, end, accepted_at, site,
                             ended_at=end + timedelta(hours=1) if done else None,
                             end_reason="Absence non prévenue" if no_show else None,
                             reliability=(1 if no_show else rng.choice((3, 4, 5, 5))) if done else None,
                             professional_note=None if no_show or not done else rng.choice(NOTES))
            if state == AssignmentState.COMPLETED and seeker.consent_pool:
                key = (site.id, seeker.id)
                self.pool[key] += 1
                self.pool_added.setdefault(key, (end + timedelta(hours=2), site.manager_id))
        return accepted_at

    def _withdrawn(self, site, draft, need_id, slot_ids, seeker, published) -> None:
        """Accepted, then withdrawn by the candidate: the position is free again."""
        accepted_at = self._accept_time(published, draft.slots[0][0])
        ended = min(accepted_at + timedelta(hours=self.rng.randint(2, 48)), self.calendar.now)
        application_id = self._application(need_id, seeker, ApplicationState.WITHDRAWN, published, accepted_at, site)
        for index, (start, end) in enumerate(draft.slots):
            self._assignment(application_id, slot_ids[index], need_id, seeker, AssignmentState.WITHDRAWN, start, end,
                             accepted_at, site, ended_at=ended, end_reason="Empêchement du candidat",
                             reliability=None, professional_note=None)

    def _assignment(self, application_id, slot_id, need_id, seeker, state, start, end, accepted_at, site, **ending) -> None:
        self.writer.add(ASSIGNMENTS, {
            "id": self.writer.new_id(ASSIGNMENTS), "application_id": application_id, "slot_id": slot_id,
            "need_id": need_id, "candidate_id": seeker.id, "state": state.value, "start": start, "end": end,
            "accepted_at": accepted_at, "accepted_by_id": site.manager_id,
            "ended_by_id": site.manager_id if ending["ended_at"] and state != AssignmentState.WITHDRAWN else None,
            "created_at": accepted_at, "updated_at": ending["ended_at"] or accepted_at, **ending,
        })

    def _others(self, site, draft, need_id, outcome, published, taken, first_start) -> None:
        """Applicants who were not taken: pending or invited on open needs, declined or withdrawn on the others."""
        if published is None:
            return
        rng, now = self.rng, self.calendar.now
        count = rng.randint(0, 4 if outcome in ("open", "partial") else 2)
        for seeker in self.picker.pick(rng, draft, site, count, taken):
            taken.add(seeker.id)
            if outcome == "cancelled":
                state = ApplicationState.CANCELLED
            elif first_start > now and outcome in ("open", "partial"):
                state = rng.choice((ApplicationState.APPLIED, ApplicationState.APPLIED, ApplicationState.INVITED))
            else:
                state = rng.choice((ApplicationState.DECLINED, ApplicationState.DECLINED, ApplicationState.WITHDRAWN))
            origin = ApplicationOrigin.INVITATION if state == ApplicationState.INVITED else ApplicationOrigin.CANDIDATE
            decided = None if state in (ApplicationState.APPLIED, ApplicationState.INVITED) else \
                min(published + timedelta(hours=rng.randint(2, 96)), now)
            self._application(need_id, seeker, state, published, decided, site, origin)

    def _status(self, outcome, draft, filled, published, accepted_times, first_start, last_end):
        now = self.calendar.now
        times = {"filled_at": None, "closed_at": None, "cancelled_at": None, "cancel_reason": None}
        if outcome == "draft":
            return NeedStatus.DRAFT, times
        if outcome == "cancelled":
            times["cancelled_at"] = min(published + (first_start - published) / 2, now)
            times["cancel_reason"] = self.rng.choice(CANCEL_REASONS)
            return NeedStatus.CANCELLED, times
        if all(count >= draft.positions for count in filled):
            times["filled_at"] = max(accepted_times)
            return NeedStatus.FILLED, times
        if last_end <= now:
            times["closed_at"] = min(last_end + timedelta(days=1), now)
            return NeedStatus.CLOSED, times
        return NeedStatus.OPEN, times

    def write_pool(self) -> None:
        for (establishment_id, candidate_id), missions in sorted(self.pool.items()):
            added_at, added_by = self.pool_added[establishment_id, candidate_id]
            self.writer.add(POOL, {"id": self.writer.new_id(POOL), "establishment_id": establishment_id,
                                   "candidate_id": candidate_id, "added_at": min(added_at, self.calendar.now),
                                   "added_by_id": added_by, "missions_completed": missions})
