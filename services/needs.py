"""Needs as a manager posts and runs them: slot patterns, kind rules, publish, close, cancel, reopen.

The limits of the kinds (PEC and service civique hours and durations) are read from the
engine's configuration, so the form and the matching never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from matching.timeslots import add_months
from models import Application, Assignment, Establishment, Need, QualificationRef, Slot, User
from models.enums import (
    CONTRACT_KINDS,
    ApplicationState,
    AssignmentState,
    ContractType,
    FrenchLevel,
    NeedKind,
    NeedStatus,
    Sector,
)
from services import notifications, pool
from services.applications import BookingRefused, release
from services.localtime import paris_from_utc
from services.matching_feed import engine_config
from services.permissions import can_manage_establishment, can_manage_need, managed_establishment_ids

MAX_SLOTS = 200
MAX_SHIFT_HOURS = 24
MAX_POSITIONS = 50
CIVIC_SERVICE_CODE = "SC"
PATTERN_MODES = ("single", "dates", "weekly", "period")


class NeedInvalid(Exception):
    """Field errors (field name → French message) of a need that cannot be saved as given."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class SlotPattern:
    """How the slots are given: one date, several dates, a weekly pattern, or a contract period."""

    mode: str
    dates: list[date] = field(default_factory=list)
    start_date: date | None = None
    end_date: date | None = None
    weekdays: int = 0  # bit 0 = Monday
    start_time: time | None = None
    end_time: time | None = None


@dataclass
class NeedDraft:
    establishment_id: int
    kind: NeedKind
    qualification_code: str
    pattern: SlotPattern
    positions: int = 1
    weekly_hours: float | None = None
    title: str = ""
    description: str = ""
    pay: str = ""
    contract_type: ContractType | None = None
    min_french_level: FrenchLevel | None = None
    requires_driving_licence: bool = False
    nurse_on_duty: bool = True
    urgent: bool = False
    duplicated_from_id: int | None = None


def expand(pattern: SlotPattern) -> list[tuple[datetime, datetime]]:
    """Concrete (start, end) pairs; a shift ending at or before its start time ends the next day,
    a contract period runs from its first day 00:00 to the day after its last day."""
    if pattern.mode == "period":
        if not (pattern.start_date and pattern.end_date) or pattern.end_date < pattern.start_date:
            return []
        return [(datetime.combine(pattern.start_date, time.min),
                 datetime.combine(pattern.end_date + timedelta(days=1), time.min))]
    if pattern.start_time is None or pattern.end_time is None:
        return []
    if pattern.mode == "weekly":
        days = []
        if pattern.start_date and pattern.end_date:
            day = pattern.start_date
            while day <= pattern.end_date and len(days) <= MAX_SLOTS:
                if pattern.weekdays & (1 << day.weekday()):
                    days.append(day)
                day += timedelta(days=1)
    else:
        days = sorted(set(pattern.dates))
    overnight = pattern.end_time <= pattern.start_time
    return [(datetime.combine(day, pattern.start_time),
             datetime.combine(day + timedelta(days=1) if overnight else day, pattern.end_time)) for day in days]


def check(session, manager: User, draft: NeedDraft, *, now: datetime) -> tuple[Establishment, list[tuple]]:
    """The establishment and the slots of a valid draft, or ``NeedInvalid`` with every field error."""
    errors: dict[str, str] = {}
    establishment = session.get(Establishment, draft.establishment_id)
    if establishment is None or not can_manage_establishment(manager, establishment):
        raise NeedInvalid({"establishment": "Choisissez un de vos établissements."})
    kind = NeedKind(draft.kind)
    contract = kind in CONTRACT_KINDS
    if session.get(QualificationRef, draft.qualification_code) is None:
        errors["qualification"] = "Choisissez une qualification de la liste."
    elif (kind == NeedKind.CIVIC_SERVICE) != (draft.qualification_code == CIVIC_SERVICE_CODE):
        errors["qualification"] = ("Une mission de service civique a pour qualification « Volontaire en service "
                                   "civique », et elle seule.")
    if kind in (NeedKind.CIVIC_SERVICE, NeedKind.PEC) and establishment.sector == Sector.PRIVATE:
        errors["kind"] = (f"{kind.label} : réservé aux établissements publics ou privés non lucratifs "
                          "(votre établissement est privé lucratif).")
    if not 1 <= draft.positions <= MAX_POSITIONS:
        errors["positions"] = f"Indiquez entre 1 et {MAX_POSITIONS} postes."
    if contract and draft.pattern.mode != "period":
        errors["slot_mode"] = "Pour un contrat, indiquez une période (premier et dernier jour)."
    if not contract and draft.pattern.mode == "period":
        errors["slot_mode"] = "Pour des vacations, indiquez des dates et des horaires."
    if contract and not draft.weekly_hours:
        errors["weekly_hours"] = "Indiquez la durée hebdomadaire du contrat."
    slots = expand(draft.pattern)
    errors.update(_slot_errors(draft.pattern, slots, paris_from_utc(now)))
    if contract and slots and "weekly_hours" not in errors:
        errors.update(_kind_errors(session, kind, draft.weekly_hours, slots[0]))
    if errors:
        raise NeedInvalid(errors)
    return establishment, slots


def _slot_errors(pattern: SlotPattern, slots, local_now: datetime) -> dict[str, str]:
    where = {"single": "date", "dates": "dates", "weekly": "start_date", "period": "start_date"}.get(pattern.mode, "slot_mode")
    if pattern.mode not in PATTERN_MODES:
        return {"slot_mode": "Choisissez comment saisir les créneaux."}
    if pattern.mode != "period" and (pattern.start_time is None or pattern.end_time is None):
        return {"start_time": "Indiquez l'heure de début et l'heure de fin."}
    if pattern.mode == "weekly" and not pattern.weekdays:
        return {"weekdays": "Cochez au moins un jour de la semaine."}
    if pattern.mode in ("weekly", "period") and pattern.start_date and pattern.end_date \
            and pattern.end_date < pattern.start_date:
        return {"end_date": "La date de fin doit suivre la date de début."}
    if not slots:
        return {where: "Indiquez au moins un créneau (dates et horaires)."}
    if len(slots) > MAX_SLOTS:
        return {where: f"Au plus {MAX_SLOTS} créneaux par besoin : découpez en plusieurs besoins."}
    if pattern.mode != "period" and pattern.start_time == pattern.end_time:
        return {"end_time": f"Un créneau dure au plus {MAX_SHIFT_HOURS} h : l'heure de fin doit différer du début."}
    if min(start for start, _ in slots) < local_now:
        return {where: "Un créneau est déjà passé : choisissez des dates à venir."}
    return {}


def _kind_errors(session, kind: NeedKind, weekly_hours: float, period: tuple) -> dict[str, str]:
    """PEC and service civique hours and durations, with the engine's numbers."""
    config = engine_config(session)
    start, end = period
    errors = {}
    if kind == NeedKind.PEC:
        if weekly_hours < config.pec_min_weekly_hours:
            errors["weekly_hours"] = f"Un contrat PEC compte au moins {config.pec_min_weekly_hours:g} h par semaine."
        if add_months(start, config.pec_min_months) > end:
            errors["end_date"] = f"Un contrat PEC dure au moins {config.pec_min_months} mois."
    elif kind == NeedKind.CIVIC_SERVICE:
        low, high = config.civic_service_min_weekly_hours, config.civic_service_max_weekly_hours
        if not low <= weekly_hours <= high:
            errors["weekly_hours"] = f"Une mission de service civique compte de {low:g} à {high:g} h par semaine."
        least, most = config.civic_service_min_months, config.civic_service_max_months
        if add_months(start, least) > end or end > add_months(start, most):
            errors["end_date"] = f"Une mission de service civique dure de {least} à {most} mois."
    return errors


def create(session, manager: User, draft: NeedDraft, *, publish: bool, now: datetime) -> Need:
    """Save the need as a draft, or publish it at once (verified establishments only)."""
    establishment, slots = check(session, manager, draft, now=now)
    need = Need(
        establishment=establishment, created_by_id=manager.id, kind=draft.kind,
        qualification_code=draft.qualification_code, title=draft.title.strip(), description=draft.description.strip(),
        positions=draft.positions, weekly_hours=draft.weekly_hours, min_french_level=draft.min_french_level,
        requires_driving_licence=draft.requires_driving_licence, nurse_on_duty=draft.nurse_on_duty,
        contract_type=draft.contract_type, pay=draft.pay.strip(), urgent=draft.urgent, status=NeedStatus.DRAFT,
        first_start=slots[0][0], last_end=max(end for _, end in slots), duplicated_from_id=draft.duplicated_from_id,
    )
    need.slots = [Slot(start=start, end=end, positions=draft.positions) for start, end in slots]
    session.add(need)
    session.flush()
    if publish:
        publish_need(session, manager, need, now=now)
    return need


def publish_need(session, manager: User, need: Need, *, now: datetime) -> None:
    """Open a draft to candidates; an urgent need alerts the establishment's pool first."""
    _require_manager(manager, need)
    if need.status != NeedStatus.DRAFT:
        raise BookingRefused("Seul un brouillon peut être publié.")
    if not need.establishment.is_verified:
        raise BookingRefused("Votre établissement n'est pas encore validé par l'ARS : vous pouvez enregistrer des "
                             "brouillons, mais pas encore les publier.")
    if need.first_start is not None and need.first_start < paris_from_utc(now):
        raise BookingRefused("Ce brouillon commence dans le passé : dupliquez-le avec de nouvelles dates.")
    need.status, need.published_at = NeedStatus.OPEN, now
    if need.urgent:
        pool.alert_of_urgent_need(session, need, now=now)


def close(session, manager: User, need: Need, *, now: datetime) -> None:
    """Stop taking applications; the bookings already made stay."""
    _require_manager(manager, need)
    if need.status not in (NeedStatus.OPEN, NeedStatus.FILLED):
        raise BookingRefused("Seul un besoin publié peut être clos.")
    need.status, need.closed_at = NeedStatus.CLOSED, now


def reopen(session, manager: User, need: Need, *, now: datetime) -> None:
    """A closed need takes applications again (filled if every position is already taken)."""
    _require_manager(manager, need)
    if need.status != NeedStatus.CLOSED:
        raise BookingRefused("Seul un besoin clos peut être rouvert.")
    if need.last_end is not None and need.last_end <= paris_from_utc(now):
        raise BookingRefused("Ce besoin est terminé : dupliquez-le pour le publier à nouveau.")
    free = any(s.filled < s.positions for s in need.slots)
    need.status, need.closed_at = (NeedStatus.OPEN if free else NeedStatus.FILLED), None


def cancel(session, manager: User, need: Need, *, reason: str, now: datetime) -> int:
    """Cancel with a reason: bookings are released, pending applications closed, holders told.

    Returns how many people were told.
    """
    _require_manager(manager, need)
    reason = (reason or "").strip()
    if not reason:
        raise BookingRefused("Indiquez le motif de l'annulation : il est transmis aux personnes retenues.")
    if len(reason) > 255:
        raise BookingRefused("Le motif dépasse 255 caractères.")
    if need.status == NeedStatus.CANCELLED:
        raise BookingRefused("Ce besoin est déjà annulé.")
    local_now = paris_from_utc(now)
    told = 0
    for application in session.scalars(select(Application).where(Application.need_id == need.id)):
        active = [a for a in application.assignments if a.state == AssignmentState.ACCEPTED and a.start > local_now]
        for assignment in active:
            release(session, assignment, AssignmentState.CANCELLED, actor=manager, reason=reason, now=now)
        if application.state in (ApplicationState.APPLIED, ApplicationState.INVITED) or active:
            application.state, application.decided_at = ApplicationState.CANCELLED, now
        if active and application.candidate is not None:
            notifications.notify(session, "need_cancelled", application.candidate.user,
                                 key=notifications.event_key("need_cancelled", need.id, now=now),
                                 need=need, slots=[a.slot for a in active], reason=reason)
            told += 1
    need.status, need.cancelled_at, need.cancel_reason = NeedStatus.CANCELLED, now, reason
    return told


def draft_from(need: Need) -> dict:
    """Form values to post the same need again (new dates to choose)."""
    pattern = "period" if need.is_contract else ("single" if len(need.slots) == 1 else "dates")
    first = need.slots[0] if need.slots else None
    return {
        "establishment": need.establishment_id, "kind": need.kind.value, "qualification": need.qualification_code,
        "positions": need.positions, "weekly_hours": need.weekly_hours, "title": need.title,
        "description": need.description, "pay": need.pay,
        "contract_type": need.contract_type.value if need.contract_type else "",
        "min_french_level": need.min_french_level.value if need.min_french_level else "",
        "requires_driving_licence": need.requires_driving_licence, "nurse_on_duty": need.nurse_on_duty,
        "urgent": need.urgent, "slot_mode": pattern, "duplicated_from": need.id,
        "start_time": first.start.time() if first and not need.is_contract else None,
        "end_time": first.end.time() if first and not need.is_contract else None,
    }


@dataclass
class NeedRow:
    need: Need
    filled: int
    posted: int
    next_slot: datetime | None
    waiting: int


def list_for_manager(session, manager: User, *, now: datetime, status: NeedStatus | None = None,
                     date_from: date | None = None, date_to: date | None = None) -> list[NeedRow]:
    """The manager's needs with positions filled/posted, next slot and applications waiting (4 queries)."""
    query = (select(Need).where(Need.establishment_id.in_(managed_establishment_ids(manager)))
             .order_by(Need.first_start.desc(), Need.id.desc()))
    if status is not None:
        query = query.where(Need.status == status)
    if date_from:
        query = query.where(Need.last_end >= datetime.combine(date_from, time.min))
    if date_to:
        query = query.where(Need.first_start < datetime.combine(date_to + timedelta(days=1), time.min))
    needs = list(session.scalars(query.limit(500)))
    ids = [n.id for n in needs]
    if not ids:
        return []
    local_now = paris_from_utc(now)
    counts = {row[0]: row[1:] for row in session.execute(
        select(Slot.need_id, func.sum(Slot.filled), func.sum(Slot.positions),
               func.min(Slot.start).filter(Slot.start >= local_now))
        .where(Slot.need_id.in_(ids)).group_by(Slot.need_id))}
    waiting = dict(session.execute(
        select(Application.need_id, func.count()).where(Application.need_id.in_(ids),
                                                        Application.state == ApplicationState.APPLIED)
        .group_by(Application.need_id)).all())
    return [NeedRow(n, int(counts.get(n.id, (0, 0, None))[0] or 0), int(counts.get(n.id, (0, 0, None))[1] or 0),
                    counts.get(n.id, (0, 0, None))[2], waiting.get(n.id, 0)) for n in needs]


def applications_of(session, need: Need) -> list[Application]:
    """Applications and invitations of a need, those waiting for an answer first."""
    order = {ApplicationState.APPLIED: 0, ApplicationState.INVITED: 1, ApplicationState.ACCEPTED: 2}
    found = list(session.scalars(select(Application).where(Application.need_id == need.id).order_by(Application.id)))
    return sorted(found, key=lambda a: order.get(a.state, 3))


def active_assignments(session, need: Need) -> list[Assignment]:
    """Bookings of the need that happened or will happen (not the cancelled or withdrawn ones)."""
    kept = [AssignmentState.ACCEPTED, AssignmentState.COMPLETED, AssignmentState.NO_SHOW]
    return list(session.scalars(select(Assignment).where(Assignment.need_id == need.id, Assignment.state.in_(kept))
                                .order_by(Assignment.start, Assignment.id)))


def _require_manager(manager: User, need: Need) -> None:
    if not can_manage_need(manager, need):
        raise BookingRefused("Vous ne gérez pas l'établissement de ce besoin.")
