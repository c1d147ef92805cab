"""Rules that depend on who the candidate is (public, age, right to work, language, licence)
and on the kind of contract, not on qualifications, place or time slots.

Sources: domain-rules.md, "Publics" (service civique: Code du service national L120-1;
PEC: CUI-CAE; minors: Code du travail) and the file contract.
"""

from __future__ import annotations

from matching.config import MatchingConfig
from matching.models import FRENCH_LEVELS, PAID_KINDS, Candidate, Need
from matching.result import Exclusion
from matching.timeslots import add_months
from matching.wording import decimal_fr

LEVEL_RANK = {level: rank for rank, level in enumerate(FRENCH_LEVELS)}
NATIVE_LEVEL = "C2"  # absent level: native speaker or not assessed


def need_exclusions(need: Need, config: MatchingConfig) -> tuple[Exclusion, ...]:
    """Limits on the contract itself (hours, duration): they exclude every candidate alike.

    Kept as exclusions with a reason, not as invalid input, so that a need published under
    older settings still gets an explanation when an administrator tightens them.
    """
    found: list[Exclusion] = []
    hours = need.weekly_hours
    if need.kind == "civic_service":
        low, high = config.civic_service_min_weekly_hours, config.civic_service_max_weekly_hours
        if hours is not None and not low <= hours <= high:
            found.append(Exclusion("civic_service_hours", f"mission de service civique de {decimal_fr(hours)} h par "
                                   f"semaine : de {decimal_fr(low)} à {decimal_fr(high)} h requises"))
        if not all(_months_between(need, config.civic_service_min_months, config.civic_service_max_months)):
            found.append(Exclusion("civic_service_duration", "mission de service civique hors de la durée permise "
                                   f"(de {config.civic_service_min_months} à {config.civic_service_max_months} mois)"))
    elif need.kind == "pec":
        if hours is not None and hours < config.pec_min_weekly_hours:
            found.append(Exclusion("pec_hours", f"contrat PEC de {decimal_fr(hours)} h par semaine : "
                                   f"{decimal_fr(config.pec_min_weekly_hours)} h au moins"))
        if not all(_months_between(need, config.pec_min_months, None)):
            found.append(Exclusion("pec_duration", f"contrat PEC de moins de {config.pec_min_months} mois"))
    return tuple(found)


def _months_between(need: Need, least: int, most: int | None):
    """For each contract period: does it last between ``least`` and ``most`` calendar months?

    A period is [start, end): 1 January 00:00 to 1 July 00:00 is exactly 6 months.
    """
    for slot in need.slots:
        yield add_months(slot.start, least) <= slot.end and (most is None or slot.end <= add_months(slot.start, most))


def candidate_exclusions(need: Need, candidate: Candidate, age: int, config: MatchingConfig,
                         max_weekly_hours: float) -> list[Exclusion]:
    """Every rule on the person and the kind of need that this pair breaks, in reading order."""
    found: list[Exclusion] = []
    volunteer = candidate.public == "civic_service"
    if need.kind == "civic_service":
        limit = config.civic_service_max_age_disability if candidate.disability else config.civic_service_max_age
        if not volunteer:
            found.append(Exclusion("civic_service_reserved", "mission réservée aux volontaires du service civique"))
        elif not config.civic_service_min_age <= age <= limit:
            found.append(Exclusion("civic_service_age", f"n'a pas l'âge requis pour un service civique ({age} ans ; "
                                   f"de {config.civic_service_min_age} à {limit} ans{_disability_note(candidate)})"))
    elif volunteer:
        found.append(Exclusion("civic_service_only",
                               "un(e) volontaire en service civique ne prend que des missions de service civique"))
    if need.kind == "pec" and candidate.public != "pec":
        found.append(Exclusion("pec_reserved", "contrat PEC réservé aux personnes orientées en Parcours Emploi "
                               "Compétences"))
    if need.kind in PAID_KINDS:
        if age < config.min_working_age:
            found.append(Exclusion("minor_under_16", f"a moins de {config.min_working_age} ans : aucun emploi rémunéré"))
        if not candidate.work_authorization:
            found.append(Exclusion("work_authorization", "n'a pas d'autorisation de travail"))
    required = need.min_french_level
    if required and LEVEL_RANK[candidate.french_level or NATIVE_LEVEL] < LEVEL_RANK[required]:
        found.append(Exclusion("french_level", f"niveau de français {candidate.french_level} pour {required} requis"))
    if need.requires_driving_licence and not candidate.driving_licence:
        found.append(Exclusion("driving_licence", "permis de conduire requis"))
    if need.is_contract and need.weekly_hours is not None and need.weekly_hours > max_weekly_hours:
        found.append(Exclusion("weekly_hours", f"contrat de {decimal_fr(need.weekly_hours)} h par semaine : "
                               f"{decimal_fr(max_weekly_hours)} h au plus{' pour un(e) mineur(e)' if age < config.adult_age else ''}"))
    return found


def _disability_note(candidate: Candidate) -> str:
    return " avec un handicap reconnu" if candidate.disability else ""

