"""Upper bounds of the engine's components, from what a candidate declared.

In a dense town thousands of candidates stand at the same distance from the workplace, so a
bound from the distance alone cannot tell them apart and the feed would score them all. A few
cheap figures, from rows the engine reads anyway, make the bound tight enough for the early
stop to work:
- the best qualification score the candidate's declared codes could give for the post (years
  and the nurse-on-duty rule applied; a free text can give at most ``fuzzy_max_score``);
- how many of the need's slots *start and end* inside the candidate's availability rules. A
  slot the engine counts as covered lies inside a merged window, so its first and last
  instants each lie inside one of the rules the window is made of: the count can only
  overstate the engine's, and a candidate at 0 covers no slot (the engine would exclude him);
- how many of the slots no booking of his rules out (an overlap, less than the shortest rest
  between two shifts, or a 7-day window his bookings already fill to the weekly limit): the
  engine never covers those.
All can only overstate what the engine gives, so the ranking stays exact.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from functools import cached_property
from itertools import accumulate, pairwise
from math import ceil

import matching
from matching import MatchingConfig, QualificationRules
from matching.models import CONTRACT_KINDS
from matching.qualification_fit import assess_qualification
from matching.qualifications import ANYONE, PostRule
from matching.timeslots import merge
from models.enums import AvailabilityKind
from services.availability import subtract
from services.candidate_summary import declared_codes, has_free_text

# Beyond this many slots counting costs more than it saves: the bound takes 1.
MAX_SLOTS_BOUNDED = 16
LAST_INSTANT = timedelta(microseconds=1)  # a slot's last instant, before its (excluded) end
WEEK = timedelta(days=7)  # of the weekly working-time limit


def _declared_rules(post: str, nurse_on_duty: bool, rules: QualificationRules) -> list[PostRule]:
    """The post's table lines a declared code may meet here, best score first."""
    return sorted((rule for rule in rules.rules_for(post)
                   if rule.code != ANYONE and (nurse_on_duty or not rule.requires_nurse_on_duty)),
                  key=lambda rule: -rule.score)


def declared_fit(post: str, nurse_on_duty: bool, qualifications, rules: QualificationRules) -> float:
    """The best score among the post's table lines the candidate's declared codes meet (0 if none);
    ``qualifications`` are (code, validated_years)."""
    return max((rule.score for rule in _declared_rules(post, nurse_on_duty, rules) for q in qualifications
                if q.code == rule.code and (q.validated_years or 0) >= rule.min_validated_years), default=0.0)


def loose_fit(match_codes: str, post: str, nurse_on_duty: bool, config: MatchingConfig) -> float:
    """Upper bound of the qualification component from the profile's summary alone
    (services.candidate_summary): its declared codes whatever their validated years, and whether a
    free text was given. Never below ``qualification_bound`` of the same profile."""
    rules = config.qualification_rules
    codes = declared_codes(match_codes)
    declared = max((rule.score for rule in _declared_rules(post, nurse_on_duty, rules) if rule.code in codes),
                   default=0.0)
    return qualification_bound(declared, has_free_text(match_codes), post, nurse_on_duty, rules, config)


def tight_fit(code_fit: float | None, match_codes: str, text: str | None, post: str, nurse_on_duty: bool,
              config: MatchingConfig) -> float:
    """The qualification component itself, from ``declared_fit`` and the profile's summary:
    a declared code that fits wins (or what the post gives anyone); failing that, the engine
    reads the free text, as it would."""
    rules = config.qualification_rules
    if code_fit or not has_free_text(match_codes):
        return qualification_bound(code_fit, False, post, nurse_on_duty, rules, config)
    codes = tuple(matching.Qualification(code, None) for code in sorted(declared_codes(match_codes)))
    return assess_qualification(post, nurse_on_duty, codes, text, rules, config.fuzzy_min_similarity,
                                config.fuzzy_max_score).score


def qualification_bound(code_fit: float | None, has_text: bool, post: str, nurse_on_duty: bool,
                        rules: QualificationRules, config: MatchingConfig) -> float:
    """Upper bound of the qualification component: the declared codes' fit, what a free text could
    give at most, and the score the post gives anyone."""
    best = float(code_fit or 0.0)
    if has_text:
        best = max(best, config.fuzzy_max_score * max(
            (rule.score for rule in _declared_rules(post, nurse_on_duty, rules) if rule.min_validated_years == 0),
            default=0.0))
    anyone = max((rule.score for rule in rules.rules_for(post) if rule.code == ANYONE), default=0.0)
    return max(best, anyone)


class SlotsHeld:
    """How many of a need's slots (local start, end) start and end inside a candidate's
    availability rules (AvailabilityRule-like, hashable); None when there are too many slots to
    count this way. Candidates often declare the same rules (the same weeks, the same hours):
    each distinct rule is checked once per need."""

    def __init__(self, slots: Sequence[tuple[datetime, datetime]]):
        self.count = len(slots)
        # Each slot's first and last instants: a covered slot has both inside the windows.
        self.moments = ([start for start, _ in slots] + [end - LAST_INSTANT for _, end in slots]
                        if len(slots) <= MAX_SLOTS_BOUNDED else None)
        self.masks: dict = {}  # rule -> the moments it holds, one bit each

    def __call__(self, rules) -> int | None:
        if self.moments is None:
            return None
        held = 0
        for rule in rules:
            mask = self.masks.get(rule)
            if mask is None:
                mask = self.masks[rule] = 0 if rule.kind == AvailabilityKind.UNAVAILABLE else sum(
                    1 << index for index, moment in enumerate(self.moments) if _rule_holds(rule, moment))
            held |= mask
        return (held & (held >> self.count)).bit_count()  # start and end both held


def slots_clear_of(slots: Sequence[tuple[datetime, datetime]], booked: Sequence[tuple[datetime, datetime]],
                   contract: bool, config: MatchingConfig) -> int:
    """How many of ``slots`` the ``booked`` periods leave possible (``Clearance``)."""
    clearance = Clearance(booked, config)
    return sum(1 for start, end in slots if clearance.allows(start, end, contract))


def no_fit_excludes(post: str, config: MatchingConfig) -> bool:
    """Whether a qualification component of 0 for ``post`` always comes with the engine's
    exclusion: true unless a table line, or a free text read as one, may score 0 itself."""
    scores = [rule.score for rule in config.qualification_rules.rules_for(post)]
    least = min(scores, default=0.0) * config.fuzzy_max_score * config.fuzzy_min_similarity / 100
    return not scores or round(least, 3) > 0


def _rule_holds(rule, moment: datetime) -> bool:
    """The rule's intervals contain ``moment`` (the same reading as services.availability):
    a period covers whole days; a weekly rule runs from start_time to end_time on its weekdays,
    into the next morning when the end is not after the start."""
    day, at = moment.date(), moment.time()
    if rule.kind == AvailabilityKind.PERIOD:
        return rule.start_date <= day <= rule.end_date
    start, end = rule.start_time or time.min, rule.end_time or time.min
    overnight = end <= start

    def weekly_on(date_) -> bool:
        return rule.start_date <= date_ <= rule.end_date and bool(rule.weekdays & (1 << date_.weekday()))

    return ((weekly_on(day) and start <= at and (end > at or overnight))
            or (overnight and end > at and weekly_on(day - timedelta(days=1))))


def most_slots_held(slots: Sequence[tuple[datetime, datetime]], kind: str, config: MatchingConfig) -> int:
    """How many of these slots, (start, end), one person may hold together at most, whoever he is:
    - only slots within the daily limit, pairwise a full rest apart: earliest-ending first gives
      the most such slots (interval scheduling);
    - no more hours than the weekly limit in each 7-day window tiling the need's span: at most
      the shortest slots fitting in that budget.
    The most lenient of the adult and minor limits is used. A contract's periods only must not
    overlap.
    """
    if kind in CONTRACT_KINDS or not slots:
        return len(slots)
    rest = _shortest_rest(config)
    longest = timedelta(hours=max(config.max_daily_hours, config.minor_max_daily_hours))
    holdable = [(start, end) for start, end in slots if end - start <= longest]
    apart, free_from = 0, datetime.min
    for start, end in sorted(holdable, key=lambda slot: slot[1]):
        if start >= free_from:
            apart, free_from = apart + 1, end + rest
    weekly = timedelta(hours=max(config.max_weekly_hours, config.minor_max_weekly_hours))
    span = max(end for _, end in slots) - min(start for start, _ in slots)
    budget = weekly * ceil(span / timedelta(days=7))
    within_week = 0
    for length in sorted(end - start for start, end in holdable):
        budget -= length
        if budget < timedelta(0):
            break
        within_week += 1
    return min(apart, within_week)


class Clearance:
    """Where one more period can go, given those a candidate holds, under the most lenient of the
    adult and minor limits. A contract's period must not overlap them. A shift must not come
    within a full rest of them either, nor meet a 7-day window they already fill to the weekly
    limit (``ruled_out``), nor lie wholly inside one they fill beyond the limit less its own
    length (``leaves_room``)."""

    def __init__(self, held: Sequence[tuple[datetime, datetime]], config: MatchingConfig):
        self.held, self.rest = held, _shortest_rest(config)
        self.weeks = _HeldWeeks(held, config)
        self.leaves_room = self.weeks.leaves_room
        self._ruled_out: dict[bool, list[tuple[datetime, datetime]]] = {}  # by kind, when first asked

    def ruled_out(self, contract: bool) -> list[tuple[datetime, datetime]]:
        """Where no period of this kind may go, whatever its length (merged, sorted)."""
        found = self._ruled_out.get(contract)
        if found is None:
            found = self._ruled_out[contract] = merge(self.held) if contract else merge(
                [*((start - self.rest, end + self.rest) for start, end in self.held), *self.weeks.full()])
        return found

    def windows(self, windows: list[tuple[datetime, datetime]], contract: bool) -> list[tuple[datetime, datetime]]:
        """The candidate's windows (merged, sorted) less what is ruled out for a period of this
        kind, whatever its length: a slot not inside them is never covered."""
        return subtract(windows, self.ruled_out(contract))

    def allows(self, start: datetime, end: datetime, contract: bool) -> bool:
        """Whether the engine may still give this slot (False only when it never would)."""
        ruled_out = self.ruled_out(contract)
        index = bisect_left(ruled_out, (end,)) - 1  # the last piece starting before the slot ends
        if index >= 0 and ruled_out[index][1] > start:
            return False
        return contract or self.leaves_room(start, end)


class _HeldWeeks:
    """The hours the periods held fill in the 7-day window starting at any moment: linear in the
    window's start between the moments when one of its edges meets a period's start or end.
    Windows are found from those moments, their edges rounded inwards to the minute, so that
    rounding never rules out a slot."""

    def __init__(self, held: Sequence[tuple[datetime, datetime]], config: MatchingConfig):
        self.limit = timedelta(hours=max(config.max_weekly_hours, config.minor_max_weekly_hours))
        pieces = merge(held)
        self.before = list(accumulate((end - start for start, end in pieces), initial=timedelta(0)))  # held before piece i
        self.starts, self.ends = [start for start, _ in pieces], [end for _, end in pieces]
        self.starts_refused: dict[timedelta, list[tuple[datetime, datetime]]] = {}  # by slot length

    def full(self) -> list[tuple[datetime, datetime]]:
        """The union of the 7-day windows already filled to the limit: a shift meeting one breaks it
        (e.g. around a week-long contract)."""
        return merge((first, last + WEEK) for first, last in self._starts_over(self.limit, strict=False))

    def leaves_room(self, start: datetime, end: datetime) -> bool:
        """False when a 7-day window holding the whole slot is filled beyond the limit less the
        slot's length: the slot would break the limit there."""
        length = end - start
        refused = self.starts_refused.get(length)
        if refused is None:
            refused = self.starts_refused[length] = merge(
                (first, last + WEEK - length) for first, last in self._starts_over(self.limit - length, strict=True))
        index = bisect_right(refused, (start, datetime.max)) - 1
        return index < 0 or start > refused[index][1]

    @cached_property
    def _turns(self) -> list[datetime]:
        """The window starts where one of its edges meets a piece's start or end."""
        return sorted({moment for start, end in zip(self.starts, self.ends, strict=True)
                       for moment in (start, end, start - WEEK, end - WEEK)})

    def _hours_from(self, moment: datetime) -> timedelta:
        """Held in [moment, moment + 7 days)."""
        until = moment + WEEK
        first, last = bisect_right(self.ends, moment), bisect_left(self.starts, until)  # the pieces meeting it
        if first >= last:
            return timedelta(0)
        return (self.before[last] - self.before[first] - max(timedelta(0), moment - self.starts[first])
                - max(timedelta(0), self.ends[last - 1] - until))

    def _starts_over(self, threshold: timedelta, strict: bool) -> list[tuple[datetime, datetime]]:
        """[first, last] ranges of the window starts whose hours reach ``threshold`` (exceed it
        when ``strict``), rounded inwards to the minute."""
        if self.before[-1] < threshold or (strict and self.before[-1] == threshold):
            return []

        def over(hours: timedelta) -> bool:
            return hours > threshold if strict else hours >= threshold

        found = []
        for (left, at_left), (right, at_right) in pairwise((moment, self._hours_from(moment)) for moment in self._turns):
            if not (over(at_left) or over(at_right)):
                continue
            # Where the line crosses the threshold: reached there, not exceeded.
            first = left if over(at_left) else left + (right - left) * ((threshold - at_left) / (at_right - at_left))
            last = right if over(at_right) else left + (right - left) * ((at_left - threshold) / (at_left - at_right))
            first = _minute_up(first) if over(at_left) or not strict else _minute_down(first) + timedelta(minutes=1)
            last = _minute_down(last) if over(at_right) or not strict else _minute_up(last) - timedelta(minutes=1)
            if first <= last:
                found.append((first, last))
        return found


def _minute_up(moment: datetime) -> datetime:
    down = _minute_down(moment)
    return down if down == moment else down + timedelta(minutes=1)


def _minute_down(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _shortest_rest(config: MatchingConfig) -> timedelta:
    """The rest between two shifts of the most lenient limits (adults' or minors')."""
    return timedelta(hours=min(config.min_rest_hours, config.minor_min_rest_hours))
