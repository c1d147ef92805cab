"""Applications and bookings: apply, invite, accept, decline, withdraw, cancel, record the outcome.

Every function works in the caller's transaction and commits nothing: the caller commits on
success and rolls back on ``BookingRefused``. Booking holds under concurrency because
  * a slot's ``filled`` only moves by a conditional UPDATE (``filled < positions``), so two
    managers accepting at once can never exceed the positions;
  * a candidate's bookings are serialised by bumping ``candidate_profile.booking_version``
    first (a row lock on PostgreSQL; on SQLite ``begin_write`` takes the write lock), then his
    active assignments are re-read and checked by the engine (overlap, rest, daily and weekly
    hours), across establishments;
  * the need row is locked next (always candidate, then need: no deadlock between bookings),
    so that "every slot full → filled" is decided on committed counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from database import begin_write
from models import Application, Assignment, CandidateProfile, Need, Slot, User
from models.enums import ApplicationOrigin, ApplicationState, AssignmentState, NeedStatus
from services import need_summary, notifications, pool
from services.localtime import paris_from_utc
from services.matching_feed import evaluate_pair, open_slots
from services.permissions import can_manage_need

ACTIVE_STATES = {ApplicationState.APPLIED, ApplicationState.INVITED, ApplicationState.ACCEPTED}
NOTE_MAX = 200
MESSAGE_MAX = 1000
ERASED_CANDIDATE = "Un(e) candidat(e) qui a supprimé son compte"  # named in managers' e-mails instead of him


class BookingRefused(Exception):
    """A booking step that the rules refuse; ``message`` is the French sentence to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- candidate side ------------------------------------------------------------------------------

def apply(session, profile: CandidateProfile, need: Need, *, slot_ids: Sequence[int] | None = None,
          message: str | None = None, now: datetime) -> Application:
    """The candidate applies for the need (all the open slots he can take, or ``slot_ids``).

    Applying states availability for the chosen slots; the engine still checks everything
    else (qualification, distance, public, age, working time with his other bookings).
    """
    _require_open(need)
    existing = _existing(session, need, profile)
    if existing is not None and existing.state in ACTIVE_STATES:
        return existing
    if existing is not None and existing.state != ApplicationState.WITHDRAWN:
        raise BookingRefused("Vous avez déjà eu une réponse pour ce besoin : vous ne pouvez pas postuler à nouveau.")
    slots = _chosen_slots(need, slot_ids, now)
    result = _verdict(session, need, profile, now=now, slots=slots, assume_available=True)
    if not result.eligible:
        raise BookingRefused("Candidature impossible : " + " ; ".join(result.reasons) + ".")
    if slot_ids and result.covered_slots < len(slots):
        raise BookingRefused("Vous ne pouvez pas prendre tous les créneaux choisis : "
                             + " ; ".join(result.reasons[3:]) + ".")
    message = _clean(message, MESSAGE_MAX, "Votre message")
    if existing is not None:  # a withdrawn candidate applies again
        application = existing
        application.state, application.origin = ApplicationState.APPLIED, ApplicationOrigin.CANDIDATE
        application.slot_ids, application.message, application.score = list(slot_ids or []), message, result.score
        application.decided_at = application.decided_by_id = None
    else:
        application, created = _insert_once(session, Application(
            need=need, candidate=profile, origin=ApplicationOrigin.CANDIDATE, state=ApplicationState.APPLIED,
            slot_ids=list(slot_ids or []), message=message, score=result.score))
        if not created:
            return application  # a concurrent request (a double click) created it first
    notifications.notify_managers(session, "applied", need, key=notifications.event_key("applied", application.id, now=now))
    return application


def withdraw(session, profile: CandidateProfile, application: Application, *, now: datetime,
             account_erased: bool = False) -> None:
    """The candidate withdraws: his future bookings are released at once and the managers told
    (without his name when he withdraws by erasing his account: the e-mail outlives it)."""
    _require_owner(profile, application)
    if application.state not in ACTIVE_STATES:
        raise BookingRefused("Cette candidature n'est plus en cours.")
    begin_write(session)
    active = _active_assignments(session, application)
    local_now = paris_from_utc(now)
    if any(a.start <= local_now for a in active):
        raise BookingRefused("La mission a commencé : contactez directement l'établissement.")
    for assignment in active:
        release(session, assignment, AssignmentState.WITHDRAWN, actor=profile.user, reason="Retrait du candidat", now=now)
    application.state = ApplicationState.WITHDRAWN
    application.decided_at = now
    notifications.notify_managers(session, "withdrawn", application.need,
                                  key=notifications.event_key("withdrawn", application.id, now=now),
                                  candidate_name=ERASED_CANDIDATE if account_erased else profile.user.display_name,
                                  freed=len(active))


def respond_to_invitation(session, profile: CandidateProfile, application: Application, *, accept: bool,
                          slot_ids: Sequence[int] | None = None, now: datetime) -> list[Assignment]:
    """The candidate answers an invitation; accepting books the slots (all he can take, or ``slot_ids``)."""
    _require_owner(profile, application)
    if application.state != ApplicationState.INVITED:
        raise BookingRefused("Cette invitation n'attend plus de réponse.")
    need = application.need
    booked: list[Assignment] = []
    if accept:
        _require_open(need)
        booked = _book(session, application, slot_ids, strict=bool(slot_ids), actor=profile.user, now=now)
        application.state = ApplicationState.ACCEPTED
    else:
        application.state = ApplicationState.DECLINED
    application.decided_at = now
    notifications.notify_managers(session, "invitation_answered", need,
                                  key=notifications.event_key("answered", application.id, now=now),
                                  candidate_name=profile.user.display_name, accepted=accept)
    return booked


# --- manager side --------------------------------------------------------------------------------

def invite(session, manager: User, need: Need, profile: CandidateProfile, *, message: str | None = None,
           now: datetime) -> Application:
    """Invite a suggested candidate; refused when the engine excludes him or he already answered."""
    _require_manager(manager, need)
    _require_open(need)
    if not profile.consent_visible:
        raise BookingRefused("Cette personne ne souhaite pas être proposée aux établissements.")
    if _existing(session, need, profile) is not None:
        raise BookingRefused("Cette personne a déjà postulé ou été invitée sur ce besoin.")
    result = _verdict(session, need, profile, now=now)
    if not result.eligible:
        raise BookingRefused("Invitation impossible : " + " ; ".join(result.reasons) + ".")
    application, created = _insert_once(session, Application(
        need=need, candidate=profile, origin=ApplicationOrigin.INVITATION, state=ApplicationState.INVITED,
        manager_message=_clean(message, MESSAGE_MAX, "Le message"), score=result.score,
        decided_by_id=manager.id))
    if not created:
        raise BookingRefused("Cette personne a déjà postulé ou été invitée sur ce besoin.")
    notifications.notify(session, "invited", profile.user, key=notifications.event_key("invited", application.id, now=now),
                         need=need, message=application.manager_message)
    return application


def accept(session, manager: User, application: Application, *, slot_ids: Sequence[int] | None = None,
           message: str | None = None, now: datetime) -> list[Assignment]:
    """Book the candidate on his slots (or ``slot_ids``, a subset: partial acceptance)."""
    need = application.need
    _require_manager(manager, need)
    if application.state != ApplicationState.APPLIED:
        raise BookingRefused("Cette candidature n'attend pas de réponse.")
    _require_open(need)
    booked = _book(session, application, slot_ids or application.slot_ids, strict=bool(slot_ids), actor=manager, now=now)
    application.state = ApplicationState.ACCEPTED
    application.manager_message = _clean(message, MESSAGE_MAX, "Le message")
    application.decided_at, application.decided_by_id = now, manager.id
    notifications.notify(session, "accepted", application.candidate.user,
                         key=notifications.event_key("accepted", application.id, now=now),
                         need=need, slots=[a.slot for a in booked], message=application.manager_message)
    return booked


def decline(session, manager: User, application: Application, *, message: str | None = None, now: datetime) -> None:
    _require_manager(manager, application.need)
    if application.state != ApplicationState.APPLIED:
        raise BookingRefused("Cette candidature n'attend pas de réponse.")
    application.state = ApplicationState.DECLINED
    application.manager_message = _clean(message, MESSAGE_MAX, "Le message")
    application.decided_at, application.decided_by_id = now, manager.id
    if application.candidate is not None:
        notifications.notify(session, "declined", application.candidate.user,
                             key=notifications.event_key("declined", application.id, now=now),
                             need=application.need, message=application.manager_message)


def cancel_assignment(session, manager: User, assignment: Assignment, *, reason: str, now: datetime) -> None:
    """The establishment cancels one booking before it starts; the position reopens at once."""
    need = assignment.need
    _require_manager(manager, need)
    reason = _clean(reason, 255, "Le motif")
    if not reason:
        raise BookingRefused("Indiquez le motif de l'annulation.")
    if assignment.state != AssignmentState.ACCEPTED:
        raise BookingRefused("Cette réservation n'est plus active.")
    if assignment.start <= paris_from_utc(now):
        raise BookingRefused("Ce créneau a commencé : indiquez plutôt si la mission a été réalisée.")
    begin_write(session)
    release(session, assignment, AssignmentState.CANCELLED, actor=manager, reason=reason, now=now)
    application = assignment.application
    if not _active_assignments(session, application):
        application.state = ApplicationState.CANCELLED
    if application.candidate is not None:
        notifications.notify(session, "need_cancelled", application.candidate.user,
                             key=notifications.event_key("cancelled", assignment.id, now=now),
                             need=need, slots=[assignment.slot], reason=reason)


def mark_outcome(session, manager: User, assignment: Assignment, *, outcome: AssignmentState | str,
                 reliability: int | None = None, note: str | None = None, now: datetime) -> None:
    """After the slot: completed or no-show, an optional reliability mark (1–5) and a short professional note."""
    _require_manager(manager, assignment.need)
    outcome = AssignmentState(outcome)
    if outcome not in (AssignmentState.COMPLETED, AssignmentState.NO_SHOW):
        raise BookingRefused("Choisissez « mission réalisée » ou « absence non prévenue ».")
    if assignment.state != AssignmentState.ACCEPTED:
        raise BookingRefused("Le résultat de cette mission est déjà enregistré ou elle a été annulée.")
    if assignment.end > paris_from_utc(now):
        raise BookingRefused("Vous pourrez indiquer le résultat une fois le créneau terminé.")
    if reliability is not None and not 1 <= reliability <= 5:
        raise BookingRefused("La fiabilité se note de 1 à 5.")
    note = _clean(note, NOTE_MAX, "La note")
    assignment.state, assignment.ended_at, assignment.ended_by_id = outcome, now, manager.id
    assignment.reliability, assignment.professional_note = reliability, note
    application = assignment.application
    if not _active_assignments(session, application):
        done = session.scalars(select(Assignment.state).where(Assignment.application_id == application.id)).all()
        application.state = ApplicationState.COMPLETED if AssignmentState.COMPLETED in done else ApplicationState.NO_SHOW
    profile = application.candidate
    if outcome == AssignmentState.COMPLETED and profile is not None and profile.consent_pool:
        pool.record_mission(session, assignment.need.establishment_id, profile, now=now)


# --- shared with services/needs ------------------------------------------------------------------

def release(session, assignment: Assignment, state: AssignmentState, *, actor: User | None, reason: str,
            now: datetime) -> None:
    """End an active booking and free its position; a filled need opens again."""
    _lock_need(session, assignment.need_id)
    assignment.state, assignment.ended_at = state, now
    assignment.ended_by_id, assignment.end_reason = (actor.id if actor else None), reason
    session.execute(update(Slot.__table__).where(Slot.__table__.c.id == assignment.slot_id, Slot.__table__.c.filled > 0)
                    .values(filled=Slot.__table__.c.filled - 1))
    session.execute(update(Need.__table__).where(Need.__table__.c.id == assignment.need_id,
                                                 Need.__table__.c.status == NeedStatus.FILLED.value)
                    .values(status=NeedStatus.OPEN.value, filled_at=None))
    session.flush()
    need_summary.refresh(session.connection(), [assignment.need_id])  # the ORM saw neither the position nor the reopening
    session.expire(assignment.slot, ["filled"])
    session.expire(assignment.need, ["status", "filled_at"])


# --- internals -----------------------------------------------------------------------------------

def _book(session, application: Application, slot_ids: Sequence[int] | None, *, strict: bool, actor: User,
          now: datetime) -> list[Assignment]:
    """Book the candidate of ``application`` on ``slot_ids`` (default: all open slots).

    ``strict``: every slot must be taken or nothing is; otherwise the slots still free that
    he can take are booked (at least one).
    """
    profile, need = application.candidate, application.need
    if profile is None:
        raise BookingRefused("Cette personne a supprimé son compte.")
    begin_write(session)
    table = CandidateProfile.__table__
    session.execute(update(table).where(table.c.id == profile.id).values(booking_version=table.c.booking_version + 1))
    _lock_need(session, need.id)
    session.refresh(need, ["status"])
    _require_open(need)
    for slot in need.slots:
        session.expire(slot, ["filled"])
    slots = _chosen_slots(need, slot_ids, now, strict=strict)
    held = set(session.scalars(select(Assignment.slot_id).where(
        Assignment.application_id == application.id, Assignment.state == AssignmentState.ACCEPTED)))
    slots = [s for s in slots if s.id not in held]
    if not slots:
        raise BookingRefused("Aucun créneau libre à réserver pour cette personne.")
    result = _verdict(session, need, profile, now=now, slots=slots, assume_available=True)
    if not result.eligible or (strict and result.covered_slots < len(slots)):
        raise BookingRefused("Réservation impossible : " + " ; ".join(result.reasons) + ".")
    booked = []
    for index in result.covered_slot_indexes:
        slot = slots[index]
        if _take_position(session, slot):
            booked.append(Assignment(application=application, slot=slot, need_id=need.id, candidate_id=profile.id,
                                     state=AssignmentState.ACCEPTED, start=slot.start, end=slot.end,
                                     accepted_at=now, accepted_by_id=actor.id))
        elif strict:
            raise BookingRefused(f"Le créneau du {slot.start:%d/%m/%Y à %H:%M} est déjà complet.")
    if not booked:
        raise BookingRefused("Tous les créneaux de cette personne sont déjà pourvus.")
    session.add_all(booked)
    session.flush()
    _mark_filled_if_complete(session, need, now)
    need_summary.refresh(session.connection(), [need.id])  # the positions taken, which the ORM did not see
    return booked


def _take_position(session, slot: Slot) -> bool:
    table = Slot.__table__
    taken = session.execute(update(table).where(table.c.id == slot.id, table.c.filled < table.c.positions)
                            .values(filled=table.c.filled + 1)).rowcount == 1
    session.expire(slot, ["filled"])
    return taken


def _mark_filled_if_complete(session, need: Need, now: datetime) -> None:
    free = session.scalar(select(Slot.id).where(Slot.need_id == need.id, Slot.filled < Slot.positions).limit(1))
    if free is None:
        need.status, need.filled_at = NeedStatus.FILLED, now


def _lock_need(session, need_id: int) -> None:
    """Row lock on the need (PostgreSQL); SQLite already holds the database write lock."""
    begin_write(session)
    session.execute(select(Need.id).where(Need.id == need_id).with_for_update())


def _chosen_slots(need: Need, slot_ids: Sequence[int] | None, now: datetime, *, strict: bool = True) -> list[Slot]:
    """The open slots among ``slot_ids`` (all open slots when none); ``strict``: each must be open."""
    available = open_slots(need, now)
    if slot_ids:
        wanted = {int(i) for i in slot_ids}
        if strict and wanted - {s.id for s in available}:
            raise BookingRefused("Un des créneaux choisis est déjà complet, passé ou n'appartient pas à ce besoin.")
        available = [s for s in available if s.id in wanted]
    if not available:
        raise BookingRefused("Ce besoin n'a plus de créneau libre à venir.")
    return available


def _active_assignments(session, application: Application) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(
        Assignment.application_id == application.id, Assignment.state == AssignmentState.ACCEPTED)))


def _existing(session, need: Need, profile: CandidateProfile) -> Application | None:
    return session.scalar(select(Application).where(Application.need_id == need.id,
                                                    Application.candidate_id == profile.id))


def _insert_once(session, application: Application) -> tuple[Application, bool]:
    """Insert, or return the row a concurrent request inserted first (unique need/candidate),
    with whether this call created it."""
    need, profile = application.need, application.candidate
    try:
        with session.begin_nested():
            session.add(application)
    except IntegrityError:
        existing = _existing(session, need, profile)
        if existing is None:
            raise
        return existing, False
    return application, True


def _require_open(need: Need) -> None:
    if need.status != NeedStatus.OPEN or need.published_at is None:
        raise BookingRefused(f"Ce besoin n'est pas ouvert ({NeedStatus(need.status).label.lower()}).")


def _require_owner(profile: CandidateProfile, application: Application) -> None:
    if application.candidate_id != profile.id:
        raise BookingRefused("Cette candidature n'est pas la vôtre.")


def _require_manager(manager: User, need: Need) -> None:
    if not can_manage_need(manager, need):
        raise BookingRefused("Vous ne gérez pas l'établissement de ce besoin.")


def _clean(text: str | None, limit: int, what: str) -> str | None:
    text = (text or "").strip()
    if len(text) > limit:
        raise BookingRefused(f"{what} dépasse {limit} caractères.")
    return text or None


def _verdict(session, need: Need, profile: CandidateProfile, *, now: datetime, slots=None,
             assume_available: bool = False):
    """The engine's verdict, or a French refusal when the need itself can no longer be matched."""
    try:
        return evaluate_pair(session, need, profile, now=now, slots=slots, assume_available=assume_available)
    except ValueError as error:
        raise BookingRefused("Ce besoin ne peut plus être pourvu tel quel : l'établissement doit le modifier.") from error
