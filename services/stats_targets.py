"""The regional plans' targets (PEC, service civique, refugees, students) and their progress.

Definitions (written on the page):
- PEC and service civique: contracts signed = distinct applications (one candidate on one need)
  of kind ``pec`` / ``civic_service`` with at least one assignment accepted and not cancelled
  nor withdrawn (accepted, completed or no-show).
- Refugees and students placed: distinct candidates of that public with such an assignment
  on a paid need (any kind but service civique). Erased accounts are no longer counted.
- Each contract or person counts once, in the month (Paris time) of its first acceptance,
  if that day falls within the target's period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, and_, cast, func, over, select
from sqlalchemy.orm import Session

from cli.reference import DEFAULT_TARGETS
from models import Application, Assignment, CandidateProfile, Establishment, Need, PlanTarget, User
from models.enums import ACTIVE_ASSIGNMENT_STATES, NeedKind, PlanIndicator, Public
from services.audit import record
from services.permissions import territory_scope
from services.stats_sql import bucket, paris_time

DEFINITIONS = {
    PlanIndicator.PEC: "Contrats distincts (un candidat sur un besoin PEC) avec une affectation acceptée, non annulée ni retirée.",
    PlanIndicator.CIVIC_SERVICE: ("Contrats distincts (un volontaire sur une mission de service civique) avec une affectation "
                                  "acceptée, non annulée ni retirée."),
    PlanIndicator.REFUGEE: ("Personnes réfugiées distinctes ayant au moins une affectation acceptée, non annulée ni retirée, "
                            "sur un besoin rémunéré."),
    PlanIndicator.STUDENT: ("Étudiants ou élèves distincts ayant au moins une affectation acceptée, non annulée ni retirée, "
                            "sur un besoin rémunéré."),
}


@dataclass
class Progress:
    indicator: PlanIndicator
    target: int
    period_start: date
    period_end: date
    achieved: int
    months: list  # rows (month 'YYYY-MM-01', count, cumulative)

    @property
    def share(self) -> float | None:
        return self.achieved / self.target if self.target else None


def targets_of(session: Session, region_code: str, today: date | None = None) -> dict[PlanIndicator, PlanTarget]:
    """The region's targets; the plan's defaults (not yet saved) where none is set."""
    today = today or date.today()
    rows = {t.indicator: t for t in session.scalars(select(PlanTarget).where(PlanTarget.region_code == region_code))}
    for indicator, default in DEFAULT_TARGETS.items():
        rows.setdefault(indicator, PlanTarget(region_code=region_code, indicator=indicator, target=default,
                                              period_start=date(today.year, 1, 1), period_end=date(today.year, 12, 31)))
    return rows


def set_targets(session: Session, user: User, region_code: str, values: dict[PlanIndicator, int], now: datetime) -> None:
    for indicator, target in targets_of(session, region_code, now.date()).items():
        target.target = values[indicator]
        target.updated_by_id = user.id
        session.add(target)
    record(session, user, "plan_target_change", "region", region_code, at=now,
           **{indicator.value: value for indicator, value in values.items()})


def _unit_and_condition(indicator: PlanIndicator):
    paid = Need.kind != NeedKind.CIVIC_SERVICE
    return {
        PlanIndicator.PEC: (Assignment.application_id, Need.kind == NeedKind.PEC),
        PlanIndicator.CIVIC_SERVICE: (Assignment.application_id, Need.kind == NeedKind.CIVIC_SERVICE),
        PlanIndicator.REFUGEE: (Assignment.candidate_id, and_(paid, CandidateProfile.public == Public.REFUGEE)),
        PlanIndicator.STUDENT: (Assignment.candidate_id, and_(paid, CandidateProfile.public == Public.STUDENT)),
    }[indicator]


def monthly(session: Session, user: User, region_code: str, target: PlanTarget) -> list:
    """Per month: new contracts (or people) and the running total, in one SQL statement."""
    unit, condition = _unit_and_condition(target.indicator)
    years = (target.period_start.year - 1, target.period_end.year + 1)
    firsts = (
        select(unit.label("unit"), func.min(paris_time(Assignment.accepted_at, *years)).label("first"))
        .join(Application, Application.id == Assignment.application_id)
        .join(Need, Need.id == Assignment.need_id)
        .join(Establishment, Establishment.id == Need.establishment_id)
        .outerjoin(CandidateProfile, CandidateProfile.id == Assignment.candidate_id)
        .where(Assignment.state.in_(ACTIVE_ASSIGNMENT_STATES), unit.is_not(None), condition,
               Establishment.region_code == region_code,
               territory_scope(user, Establishment.region_code, Establishment.departement_code))
        .group_by(unit)
        .subquery()
    )
    start = datetime.combine(target.period_start, datetime.min.time())
    end = datetime.combine(target.period_end + timedelta(days=1), datetime.min.time())
    month = bucket(firsts.c.first, "month")
    per_month = (
        select(month.label("month"), func.count().label("count"))
        .where(firsts.c.first >= start, firsts.c.first < end)
        .group_by(month)
        .subquery()
    )
    running = cast(over(func.sum(per_month.c.count), order_by=per_month.c.month), Integer)
    return session.execute(
        select(per_month.c.month, cast(per_month.c.count, Integer).label("count"), running.label("cumulative"))
        .order_by(per_month.c.month)
    ).all()


def progress(session: Session, user: User, region_code: str, targets: dict[PlanIndicator, PlanTarget]) -> list[Progress]:
    result = []
    for indicator in PlanIndicator:
        target = targets[indicator]
        months = monthly(session, user, region_code, target)
        result.append(Progress(indicator, target.target, target.period_start, target.period_end,
                               months[-1].cumulative if months else 0, months))
    return result
