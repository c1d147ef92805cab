"""Scoring one need against one candidate: hard rules first, then the three components.

A ``NeedContext`` holds what depends on the need alone (its sorted slots, contract-level
exclusions, the qualification table lines, cached qualification fits), so that ranking many
candidates for one need does that work once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from matching.config import DEFAULT_CONFIG, MatchingConfig
from matching.geo import haversine_km, zone_component
from matching.models import Candidate, Need, Qualification, Slot, age_on
from matching.publics import candidate_exclusions, need_exclusions
from matching.qualification_fit import QualificationFit, assess_qualification
from matching.result import Exclusion, Result
from matching.timeslots import is_inside, merge
from matching.wording import decimal_fr, km, plural
from matching.worktime import WorkLimits, shift_conflict

NOUNS = {  # (singular, plural, past participle singular, plural) for what a slot is
    True: ("période", "périodes", "écartée", "écartées"),
    False: ("créneau", "créneaux", "écarté", "écartés"),
}


class NeedContext:
    """One need prepared for scoring many candidates."""

    def __init__(self, need: Need, config: MatchingConfig = DEFAULT_CONFIG) -> None:
        rules = config.qualification_rules
        if need.qualification not in rules.labels:
            raise ValueError(f"need {need.id!r}: unknown qualification code {need.qualification!r}")
        self.need = need
        self.config = config
        self.first_day: date = need.first_day
        self.slots = [(slot.start, slot.end) for slot in need.slots]
        self.order = sorted(range(len(self.slots)), key=lambda i: (self.slots[i], i))
        self.need_exclusions = need_exclusions(need, config)
        self.weights = config.weights
        self.weight_total = sum(self.weights.values())
        self._limits: dict[bool, WorkLimits] = {}
        self._fits: dict[tuple, QualificationFit] = {}
        self._choices: dict[tuple, tuple] = {}
        reach = timedelta(days=8)  # a week of rolling hours plus a day of slack
        self.horizon = (min(s for s, _ in self.slots) - reach, max(e for _, e in self.slots) + reach)

    def limits(self, age: int) -> WorkLimits:
        minor = age < self.config.adult_age
        if minor not in self._limits:
            self._limits[minor] = WorkLimits.for_age(age, self.config)
        return self._limits[minor]

    def qualification_fit(self, candidate: Candidate) -> QualificationFit:
        return self.fit_for(candidate.qualifications, candidate.qualification_text)

    def fit_for(self, qualifications: tuple[Qualification, ...], text: str | None) -> QualificationFit:
        """The qualification fit, cached: thousands of candidates share a few (codes, text) pairs."""
        key = (qualifications, text)
        fit = self._fits.get(key)
        if fit is None:
            config = self.config
            fit = self._fits[key] = assess_qualification(
                self.need.qualification, self.need.nurse_on_duty, qualifications, text,
                config.qualification_rules, config.fuzzy_min_similarity, config.fuzzy_max_score)
        return fit

    def evaluate(self, candidate: Candidate, booked: Iterable[Slot] = (), distance: float | None = None,
                 explain: bool = True) -> Result | None:
        """The full result; with ``explain=False``, None as soon as a hard rule fails (cheaper)."""
        need, config = self.need, self.config
        if distance is None:
            distance = haversine_km(need.lat, need.lon, candidate.lat, candidate.lon)
        distance = round(distance, 1)  # decide on the distance the manager sees
        age = age_on(candidate.birth_date, self.first_day)
        limits = self.limits(age)
        exclusions = list(self.need_exclusions)
        exclusions += candidate_exclusions(need, candidate, age, config, limits.max_weekly.total_seconds() / 3600)
        fit = self.qualification_fit(candidate)
        exclusions += fit.exclusions
        if distance > candidate.radius_km:
            zone = 0.0
            exclusions.append(Exclusion("distance", f"hors de son rayon de déplacement ({km(distance)} pour "
                                        f"{decimal_fr(candidate.radius_km)} km)"))
        else:
            zone = zone_component(distance, candidate.radius_km, config.close_km)
        if exclusions and not explain:
            return None
        covered, failures = self._cover(candidate, booked, limits)
        total = len(self.slots)
        if not covered:
            if not explain:
                return None
            exclusions += self._slot_exclusions(failures, limits)
        components = {"qualification": round(fit.score, 3), "zone": round(zone, 3),
                      "availability": round(len(covered) / total, 3)}
        if exclusions:
            unique = list(dict.fromkeys(exclusions))
            return Result(candidate.id, 0.0, False, components, distance, len(covered), covered,
                          [e.reason for e in unique], [e.code for e in unique])
        weighted = sum(self.weights[name] * value for name, value in components.items())
        score = round(100 * weighted / self.weight_total, 1)
        reasons = [fit.reason, f"à {km(distance)}", self._coverage_sentence(len(covered), total)]
        reasons += [self._dropped_sentence(code, count, limits) for code, count in failures.items()
                    if code != "availability"]
        return Result(candidate.id, score, True, components, distance, len(covered), covered, reasons, [])

    def _cover(self, candidate: Candidate, booked: Iterable[Slot], limits: WorkLimits):
        """Slots the candidate can take, chosen in chronological order, and why the others fail.

        Each taken shift becomes one more shift held for the next ones, so the slots returned
        can all be held together (rest, daily and weekly limits included). Shifts held more
        than 7 days away from the need cannot matter; without any nearer, the answer depends
        only on which slots are available and on the limits, and is cached.
        """
        windows = merge([(s.start, s.end) for s in candidate.availability])
        slots = self.slots
        available = tuple([i for i in self.order if is_inside(*slots[i], windows)])
        low, high = self.horizon
        held = [(s.start, s.end) for s in candidate.busy if s.end > low and s.start < high]
        if booked:
            held += [(s.start, s.end) for s in booked if s.end > low and s.start < high]
        if held:
            return self._choose(available, merge(held), limits)
        key = (available, limits)
        found = self._choices.get(key)
        if found is None:
            found = self._choices[key] = self._choose(available, [], limits)
        return found

    def _choose(self, available: tuple[int, ...], held: list, limits: WorkLimits):
        contract = self.need.is_contract
        covered: list[int] = []
        failures: Counter[str] = Counter()
        unavailable = len(self.slots) - len(available)
        if unavailable:
            failures["availability"] = unavailable
        for index in available:
            start, end = self.slots[index]
            if contract:
                conflict = "overlap" if any(s < end and start < e for s, e in held) else None
            else:
                conflict = shift_conflict(start, end, held, limits)
            if conflict:
                failures[conflict] += 1
                continue
            covered.append(index)
            if not contract:
                held = merge([*held, (start, end)])
        return tuple(sorted(covered)), failures

    def _slot_exclusions(self, failures: Counter, limits: WorkLimits) -> list[Exclusion]:
        total = len(self.slots)
        found = []
        for code, count in failures.items():
            if code == "availability":
                singular, plural_form = NOUNS[self.need.is_contract][:2]
                reason = (f"n'est disponible sur aucun{'e' if self.need.is_contract else ''} des "
                          f"{plural(total, singular, plural_form)}" if count == total and total > 1 else
                          f"n'est pas disponible sur {count} {singular if count <= 1 else plural_form} sur {total}")
                found.append(Exclusion(code, reason))
            else:
                found.append(Exclusion(code, self._dropped_sentence(code, count, limits)))
        return found

    def _coverage_sentence(self, covered: int, total: int) -> str:
        singular, plural_form = NOUNS[self.need.is_contract][:2]
        return f"disponible sur {covered} {singular if covered <= 1 else plural_form} sur {total}"

    def _dropped_sentence(self, code: str, count: int, limits: WorkLimits) -> str:
        singular, plural_form, dropped, dropped_plural = NOUNS[self.need.is_contract]
        noun = plural(count, singular, plural_form)
        return f"{noun} {dropped if count <= 1 else dropped_plural} : {limits.reason(code)}"


def evaluate(need: Need, candidate: Candidate, config: MatchingConfig = DEFAULT_CONFIG, *,
             booked: Iterable[Slot] | None = None) -> Result:
    """Score one pair. ``booked``: shifts held on the platform, treated like ``candidate.busy``."""
    return NeedContext(need, config).evaluate(candidate, booked or ())
