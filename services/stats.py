"""ARS figures: fill rate, time to fill, tension, by territory, qualification and period.

Every figure is one SQL aggregation (GROUP BY, COUNT DISTINCT, CASE, window functions); no
Python loop ever walks the slots. The definitions shown to ARS users live in ``DEFINITIONS``.

Conventions (also written on the dashboard):
- The period is a range of local (Europe/Paris) calendar days; a slot belongs to the day of
  its start, so a night across midnight counts on its first evening and a need spanning two
  months counts in each month where one of its slots starts.
- A position is filled when an assignment was accepted before the slot started and was not
  cancelled or withdrawn before that start (event times, in UTC, are converted to Paris time
  in SQL before being compared with the slot start).
- Draft and cancelled needs never enter the rate; cancelled needs are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Float, Integer, and_, case, cast, distinct, func, or_, over, select, true
from sqlalchemy.orm import Session

from models import Assignment, Commune, Departement, Establishment, Need, QualificationRef, Slot, User
from models.enums import ACTIVE_ASSIGNMENT_STATES, EstablishmentType, NeedKind, NeedStatus, Role
from services.permissions import territory_scope
from services.stats_sql import bucket, hours_between, paris_time

PARIS = ZoneInfo("Europe/Paris")
URGENT_WINDOW = timedelta(hours=48)

DEFINITIONS = {
    "posted": "Somme des postes des créneaux qui ont commencé dans la période (besoins publiés, hors besoins annulés).",
    "filled": ("Postes pour lesquels une affectation a été acceptée avant le début du créneau et n'a été ni annulée "
               "ni retirée avant ce début."),
    "rate": "Postes pourvus ÷ postes publiés, pour les créneaux qui ont commencé dans la période.",
    "time_to_fill": ("Médiane, sur les besoins pourvus dont le premier créneau a commencé dans la période, du délai entre "
                     "la première publication et l'acceptation qui a pourvu le dernier poste."),
    "unfilled": ("Besoins dont le premier créneau a commencé dans la période sans que tous ses postes soient pourvus "
                 "à cette heure-là."),
    "urgent": "Besoins publiés, encore ouverts maintenant, dont le premier créneau commence dans les 48 heures.",
    "cancelled": "Besoins annulés dont le premier créneau tombait dans la période : comptés à part, hors taux.",
    "establishments": "Établissements ayant au moins un créneau publié commençant dans la période.",
    "candidates": "Candidats distincts ayant au moins un poste pourvu (au sens ci-dessus) dans la période.",
}

DIMENSIONS = ("departement", "qualification", "type", "kind", "period")
SORT_COLUMNS = ("key", "posted", "filled", "rate", "needs", "unfilled")
GRAINS = ("week", "month")


@dataclass(frozen=True)
class Scope:
    """What an ARS user asks for: his territory (through permissions), a period, a filter.

    ``start`` and ``end`` are local calendar days, both included. ``region_code`` narrows an
    admin (or is redundant for an ARS user, whose own scope still applies).
    """

    user: User
    start: date
    end: date
    region_code: str | None = None
    grain: str = "month"
    dimension: str | None = None
    value: str | None = None

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def end_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min)

    def unfiltered(self) -> Scope:
        return replace(self, dimension=None, value=None)

    def territory(self):
        """SQL condition on Establishment: the user's territory, narrowed to the chosen region."""
        condition = territory_scope(self.user, Establishment.region_code, Establishment.departement_code)
        if self.region_code:
            condition = and_(condition, Establishment.region_code == self.region_code)
        return condition

    def dimension_column(self, dimension: str):
        return {
            "departement": Establishment.departement_code,
            "qualification": Need.qualification_code,
            "type": Establishment.type,
            "kind": Need.kind,
            "period": bucket(Slot.start, self.grain),
            "establishment": Establishment.id,
        }[dimension]

    def filter_condition(self):
        if not self.dimension:
            return true()
        return self.dimension_column(self.dimension) == self.value


def paris_now(now_utc: datetime) -> datetime:
    return now_utc.replace(tzinfo=UTC).astimezone(PARIS).replace(tzinfo=None)


def published_not_cancelled():
    return and_(Need.published_at.is_not(None), Need.status.not_in((NeedStatus.DRAFT, NeedStatus.CANCELLED)),
                Need.cancelled_at.is_(None))


def held_at_start(scope: Scope):
    """The assignment counts for its slot: accepted before the start, not ended before it."""
    years = (scope.start.year - 1, scope.end.year + 1)
    return and_(
        paris_time(Assignment.accepted_at, *years) < Slot.start,
        or_(Assignment.state.in_(ACTIVE_ASSIGNMENT_STATES), Assignment.ended_at.is_(None),
            paris_time(Assignment.ended_at, *years) >= Slot.start),
    )


def in_period(scope: Scope):
    return and_(Slot.start >= scope.start_at, Slot.start < scope.end_before)


def slot_facts(scope: Scope):
    """One row per published slot of the period, with the positions filled at its start."""
    held = (
        select(Assignment.slot_id, func.count().label("held"))
        .join(Slot, Slot.id == Assignment.slot_id)
        .where(in_period(scope), held_at_start(scope))
        .group_by(Assignment.slot_id)
        .subquery("held")
    )
    held_count = func.coalesce(held.c.held, 0)
    return (
        select(
            Slot.id.label("slot_id"), Slot.need_id, Slot.start, Slot.positions,
            _least(held_count, Slot.positions).label("filled"),
            (Slot.start == Need.first_start).label("is_first"),
            Need.establishment_id, Need.qualification_code, Need.kind,
            Establishment.departement_code, Establishment.type,
        )
        .join(Need, Need.id == Slot.need_id)
        .join(Establishment, Establishment.id == Need.establishment_id)
        .outerjoin(held, held.c.slot_id == Slot.id)
        .where(in_period(scope), published_not_cancelled(), scope.territory(), scope.filter_condition())
        .cte("facts")
    )


def _least(value, ceiling):
    return case((value < ceiling, value), else_=ceiling)


def aggregates(facts):
    posted = cast(func.coalesce(func.sum(facts.c.positions), 0), Integer)
    filled = cast(func.coalesce(func.sum(facts.c.filled), 0), Integer)
    return [
        posted.label("posted"),
        filled.label("filled"),
        (cast(filled, Float) / func.nullif(posted, 0)).label("rate"),
        func.count(distinct(case((facts.c.is_first, facts.c.need_id)))).label("needs"),
        func.count(distinct(case((and_(facts.c.is_first, facts.c.filled < facts.c.positions), facts.c.need_id)))).label(
            "unfilled"),
    ]


@dataclass
class KeyFigures:
    posted: int
    filled: int
    rate: float | None
    needs: int
    unfilled: int
    unfilled_share: float | None
    median_hours: float | None
    urgent: int
    cancelled: int
    cancelled_positions: int
    establishments: int
    candidates: int


def key_figures(session: Session, scope: Scope, now_utc: datetime) -> KeyFigures:
    facts = slot_facts(scope)
    totals = session.execute(
        select(*aggregates(facts), func.count(distinct(facts.c.establishment_id)).label("establishments"))
    ).one()
    cancelled = cancelled_needs(session, scope)
    return KeyFigures(
        posted=totals.posted, filled=totals.filled, rate=totals.rate, needs=totals.needs, unfilled=totals.unfilled,
        unfilled_share=(totals.unfilled / totals.needs) if totals.needs else None,
        median_hours=median_time_to_fill(session, scope), urgent=urgent_open_needs(session, scope, now_utc),
        cancelled=cancelled.needs, cancelled_positions=cancelled.positions,
        establishments=totals.establishments, candidates=active_candidates(session, scope),
    )


def need_started_in_period(scope: Scope):
    return and_(Need.first_start >= scope.start_at, Need.first_start < scope.end_before)


def filled_needs_query(scope: Scope):
    """Needs whose first slot started in the period and that were completely filled."""
    return (
        select(Need.id, hours_between(Need.published_at, Need.filled_at).label("hours"))
        .join(Establishment, Establishment.id == Need.establishment_id)
        .where(need_started_in_period(scope), published_not_cancelled(), Need.filled_at.is_not(None),
               Need.filled_at >= Need.published_at, scope.territory(), _need_filter(scope))
    )


def median_time_to_fill(session: Session, scope: Scope) -> float | None:
    """Median in SQL with window functions: one portable query for SQLite and PostgreSQL."""
    delays = filled_needs_query(scope).subquery()
    ranked = select(
        delays.c.hours,
        over(func.row_number(), order_by=delays.c.hours).label("rank"),
        over(func.count()).label("total"),
    ).subquery()
    middle = (ranked.c.rank == (ranked.c.total + 1) // 2) | (ranked.c.rank == (ranked.c.total + 2) // 2)
    median = session.scalar(select(cast(func.avg(ranked.c.hours), Float)).where(middle))
    return None if median is None else round(median, 2)


def _need_filter(scope: Scope):
    """A dimension filter on needs; the period one needs a slot of the need in that bucket."""
    if scope.dimension == "period":
        return Need.id.in_(select(Slot.need_id).where(in_period(scope), scope.filter_condition()))
    return scope.filter_condition()


def urgent_needs_query(scope: Scope, now_utc: datetime):
    now = paris_now(now_utc)
    return (
        select(Need.id)
        .join(Establishment, Establishment.id == Need.establishment_id)
        .where(Need.status == NeedStatus.OPEN, Need.published_at.is_not(None), Need.cancelled_at.is_(None),
               Need.first_start >= now, Need.first_start < now + URGENT_WINDOW, scope.territory(), _need_filter(scope))
    )


def urgent_open_needs(session: Session, scope: Scope, now_utc: datetime) -> int:
    return session.scalar(select(func.count()).select_from(urgent_needs_query(scope, now_utc).subquery()))


def cancelled_needs_query(scope: Scope):
    return (
        select(Need.id)
        .join(Establishment, Establishment.id == Need.establishment_id)
        .where(need_started_in_period(scope), Need.published_at.is_not(None),
               or_(Need.status == NeedStatus.CANCELLED, Need.cancelled_at.is_not(None)),
               scope.territory(), _need_filter(scope))
    )


def cancelled_needs(session: Session, scope: Scope):
    ids = cancelled_needs_query(scope).subquery()
    return session.execute(
        select(func.count(distinct(Slot.need_id)).label("needs"),
               cast(func.coalesce(func.sum(Slot.positions), 0), Integer).label("positions"))
        .where(Slot.need_id.in_(select(ids.c.id)), in_period(scope))
    ).one()


def active_candidates(session: Session, scope: Scope) -> int:
    return session.scalar(
        select(func.count(distinct(Assignment.candidate_id)))
        .join(Slot, Slot.id == Assignment.slot_id)
        .join(Need, Need.id == Slot.need_id)
        .join(Establishment, Establishment.id == Need.establishment_id)
        .where(in_period(scope), held_at_start(scope), published_not_cancelled(), scope.territory(),
               scope.filter_condition())
    )


def breakdown(session: Session, scope: Scope, dimension: str, sort: str = "key", descending: bool = False) -> list:
    """Posted, filled, rate, needs started and needs unfilled at start, per value of a dimension."""
    if dimension not in DIMENSIONS or sort not in SORT_COLUMNS:
        raise ValueError(dimension)
    facts = slot_facts(scope)
    key = bucket(facts.c.start, scope.grain) if dimension == "period" else {
        "departement": facts.c.departement_code, "qualification": facts.c.qualification_code,
        "type": facts.c.type, "kind": facts.c.kind,
    }[dimension]
    figures = aggregates(facts)
    columns = {"key": key.label("key"), **{c.name: c for c in figures}}
    order = columns[sort] if sort != "key" else key
    order = order.desc() if descending else order.asc()
    query = select(key.label("key"), *figures).group_by(key).order_by(order.nulls_last(), key)
    return session.execute(query).all()


def labels(session: Session, dimension: str) -> dict[str, str]:
    """French labels of a dimension's keys (small reference tables)."""
    if dimension == "departement":
        return {code: f"{code} — {name}" for code, name in session.execute(select(Departement.code, Departement.name))}
    if dimension == "qualification":
        return dict(session.execute(select(QualificationRef.code, QualificationRef.label)).all())
    if dimension == "type":
        return dict(EstablishmentType.choices())
    if dimension == "kind":
        return dict(NeedKind.choices())
    return {}


def scope_for(user: User, start: date, end: date, region_code: str | None = None, grain: str = "month") -> Scope:
    """An admin may pick a region; an ARS user always stays in his own."""
    if user.role != Role.ADMIN:
        region_code = None
    return Scope(user=user, start=start, end=end, region_code=region_code or None, grain=grain)


def departement_points(session: Session, codes: list[str]) -> dict[str, list[tuple[float, float]]]:
    """Commune coordinates of the given départements, for the map (reference data, no figures)."""
    points: dict[str, list[tuple[float, float]]] = {code: [] for code in codes}
    rows = session.execute(select(Commune.departement_code, Commune.lat, Commune.lon)
                           .where(Commune.departement_code.in_(codes)))
    for code, lat, lon in rows:
        points[code].append((lat, lon))
    return {code: pts for code, pts in points.items() if pts}


def visible_departements(session: Session, scope: Scope) -> list[str]:
    """Départements the map shows: the user's territory, or those with activity for an admin
    looking at the whole country."""
    user = scope.user
    if user.role == Role.ARS and user.ars_departement_codes:
        return sorted(user.ars_departement_codes)
    region = scope.region_code or (user.ars_region_code if user.role == Role.ARS else None)
    if region:
        return list(session.scalars(select(Departement.code).where(Departement.region_code == region)
                                    .order_by(Departement.code)))
    return [row.key for row in breakdown(session, scope, "departement")]
