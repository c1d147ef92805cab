"""The application and booking lifecycle, one transaction at a time (concurrency: test_booking_concurrency)."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from models import Notification, PoolMember
from models.enums import ApplicationState, AssignmentState, NeedStatus
from services import applications
from services.applications import BookingRefused
from tests.builders import BASE_DAY

NOW = datetime(2027, 7, 1, 8, 0)
NIGHT = datetime.combine(BASE_DAY, time(21))
AFTER = datetime(2027, 7, 20, 8, 0)


@pytest.fixture
def setting(build):
    manager = build.manager()
    need = build.need(manager.establishments[0], positions=1)
    return manager, need


def outbox(db, kind):
    return [(n.to_email, n.subject) for n in db.scalars(select(Notification).where(Notification.kind == kind))]


def test_apply_then_accept_books_and_fills_the_need(build, db, setting):
    manager, need = setting
    profile = build.candidate()
    application = applications.apply(db, profile, need, message="Disponible", now=NOW)
    assert applications.apply(db, profile, need, now=NOW) is application  # a second click changes nothing
    assert outbox(db, "applied") == [(manager.email, "Relève : nouvelle candidature pour « Vacation de nuit »")]
    booked = applications.accept(db, manager, application, message="Bienvenue", now=NOW)
    assert [(a.slot_id, a.state) for a in booked] == [(need.slots[0].id, AssignmentState.ACCEPTED)]
    assert need.slots[0].filled == 1
    assert (need.status, need.filled_at, application.state) == (NeedStatus.FILLED, NOW, ApplicationState.ACCEPTED)
    assert outbox(db, "accepted") == [(profile.user.email, "Relève : votre mission est confirmée")]


def test_apply_is_refused_with_the_engine_reasons(build, db, setting):
    _, need = setting
    ash = build.candidate(qualifications=(("ASH", None),))
    with pytest.raises(BookingRefused) as refused:
        applications.apply(db, ash, need, now=NOW)
    assert refused.value.message.startswith("Candidature impossible : ")
    draft = build.need(need.establishment, status=NeedStatus.DRAFT)
    with pytest.raises(BookingRefused, match="n'est pas ouvert"):
        applications.apply(db, build.candidate(), draft, now=NOW)


def test_apply_on_a_slot_overlapping_his_booking_is_refused(build, db, setting):
    manager, need = setting
    profile = build.candidate()
    other = build.need(build.establishment(), slots=[(NIGHT + timedelta(hours=1), NIGHT + timedelta(hours=9))])
    build.assignment(build.application(other, profile, state=ApplicationState.ACCEPTED), other.slots[0])
    with pytest.raises(BookingRefused, match="chevauche"):
        applications.apply(db, profile, need, slot_ids=[need.slots[0].id], now=NOW)


def test_accept_some_slots_only_keeps_the_need_open(build, db):
    manager = build.manager()
    second = NIGHT + timedelta(days=2)
    need = build.need(manager.establishments[0], slots=[(NIGHT, NIGHT + timedelta(hours=10)),
                                                        (second, second + timedelta(hours=10))])
    application = applications.apply(db, build.candidate(), need, now=NOW)
    booked = applications.accept(db, manager, application, slot_ids=[need.slots[1].id], now=NOW)
    assert [a.slot_id for a in booked] == [need.slots[1].id]
    assert [s.filled for s in need.slots] == [0, 1] and need.status == NeedStatus.OPEN


def test_rest_time_with_a_booking_elsewhere_refuses_the_booking(build, db, setting):
    manager, need = setting  # 12 July 21:00 – 13 July 07:00
    profile = build.candidate()
    day = datetime.combine(BASE_DAY, time(7))
    other = build.need(build.establishment(), slots=[(day, day + timedelta(hours=6))])  # ends 13:00: 8 h of rest
    application = build.application(need, profile)
    build.assignment(build.application(other, profile, state=ApplicationState.ACCEPTED), other.slots[0])
    with pytest.raises(BookingRefused, match="repos"):
        applications.accept(db, manager, application, now=NOW)


def test_withdraw_frees_the_position_and_reopens_the_need(build, db, setting):
    manager, need = setting
    profile = build.candidate()
    application = applications.apply(db, profile, need, now=NOW)
    applications.accept(db, manager, application, now=NOW)
    applications.withdraw(db, profile, application, now=NOW)
    assert (need.slots[0].filled, need.status, need.filled_at) == (0, NeedStatus.OPEN, None)
    assert application.state == ApplicationState.WITHDRAWN
    assert application.assignments[0].state == AssignmentState.WITHDRAWN
    assert [to for to, _ in outbox(db, "withdrawn")] == [manager.email]


def test_decline_notifies_the_candidate(build, db, setting):
    manager, need = setting
    profile = build.candidate()
    application = applications.apply(db, profile, need, now=NOW)
    applications.decline(db, manager, application, message="Poste pourvu en interne", now=NOW)
    assert application.state == ApplicationState.DECLINED
    assert outbox(db, "declined") == [(profile.user.email, "Relève : réponse à votre candidature")]
    with pytest.raises(BookingRefused):
        applications.accept(db, manager, application, now=NOW)


def test_invitation_accepted_by_the_candidate_books_him(build, db, setting):
    manager, need = setting
    profile = build.candidate()
    application = applications.invite(db, manager, need, profile, message="Nous pensons à vous", now=NOW)
    assert [to for to, _ in outbox(db, "invited")] == [profile.user.email]
    with pytest.raises(BookingRefused, match="déjà postulé ou été invitée"):
        applications.invite(db, manager, need, profile, now=NOW)
    booked = applications.respond_to_invitation(db, profile, application, accept=True, now=NOW)
    assert len(booked) == 1 and need.status == NeedStatus.FILLED
    assert application.state == ApplicationState.ACCEPTED


def test_another_manager_cannot_act_on_the_need(build, db, setting):
    _, need = setting
    stranger = build.manager()
    application = applications.apply(db, build.candidate(), need, now=NOW)
    with pytest.raises(BookingRefused, match="ne gérez pas"):
        applications.accept(db, stranger, application, now=NOW)


def test_cancel_assignment_needs_a_reason_and_reopens(build, db, setting):
    manager, need = setting
    profile = build.candidate()
    application = applications.apply(db, profile, need, now=NOW)
    assignment = applications.accept(db, manager, application, now=NOW)[0]
    with pytest.raises(BookingRefused, match="motif"):
        applications.cancel_assignment(db, manager, assignment, reason="  ", now=NOW)
    applications.cancel_assignment(db, manager, assignment, reason="Fermeture de l'unité", now=NOW)
    assert (assignment.state, need.status, application.state) == (
        AssignmentState.CANCELLED, NeedStatus.OPEN, ApplicationState.CANCELLED)
    assert [to for to, _ in outbox(db, "need_cancelled")] == [profile.user.email]


def test_outcome_only_after_the_slot_and_completion_joins_the_pool(build, db, setting):
    manager, need = setting
    profile = build.candidate()
    assignment = applications.accept(db, manager, applications.apply(db, profile, need, now=NOW), now=NOW)[0]
    with pytest.raises(BookingRefused, match="une fois le créneau terminé"):
        applications.mark_outcome(db, manager, assignment, outcome="completed", now=NOW)
    with pytest.raises(BookingRefused, match="200"):
        applications.mark_outcome(db, manager, assignment, outcome="completed", note="x" * 201, now=AFTER)
    with pytest.raises(BookingRefused, match="1 à 5"):
        applications.mark_outcome(db, manager, assignment, outcome="completed", reliability=6, now=AFTER)
    applications.mark_outcome(db, manager, assignment, outcome="completed", reliability=5, note="Ponctuelle", now=AFTER)
    assert (assignment.state, assignment.reliability, assignment.application.state) == (
        AssignmentState.COMPLETED, 5, ApplicationState.COMPLETED)
    member = db.scalar(select(PoolMember))
    assert (member.candidate_id, member.establishment_id, member.missions_completed) == (
        profile.id, need.establishment_id, 1)
