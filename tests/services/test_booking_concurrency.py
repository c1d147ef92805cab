"""Bookings under real concurrency: threads, each with its own app context and connection, real commits.

Runs on the SQLite file database and, with DATABASE_URL set, on PostgreSQL.
"""

import threading
from datetime import datetime, timedelta

from sqlalchemy import func, select

from database import begin_write
from extensions import db as database
from models import Application, Assignment, Need, Slot, User
from models.enums import AssignmentState, NeedStatus
from services import applications
from services.applications import BookingRefused
from tests.builders import BASE_DAY

NOW = datetime(2027, 7, 1, 8, 0)
THREADS = 8


def run_in_threads(app, jobs):
    """Start every job at the same moment (a barrier); collect 'booked', 'refused' or the unexpected error."""
    barrier = threading.Barrier(len(jobs))
    outcomes = []

    def worker(job):
        with app.app_context():
            session = database.session
            barrier.wait()
            try:
                begin_write(session)
                job(session)
                session.commit()
                outcomes.append("booked")
            except BookingRefused:
                session.rollback()
                outcomes.append("refused")
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                session.rollback()
                outcomes.append(repr(error))

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(outcomes)


def accept_job(manager_id, application_id):
    def job(session):
        applications.accept(session, session.get(User, manager_id), session.get(Application, application_id), now=NOW)
    return job


def test_parallel_accepts_never_exceed_the_positions(app, build, db):
    manager = build.manager()
    need = build.need(manager.establishments[0], positions=3)
    application_ids = [build.application(need, build.candidate()).id for _ in range(THREADS)]
    build.commit()
    outcomes = run_in_threads(app, [accept_job(manager.id, a) for a in application_ids])
    assert outcomes == ["booked"] * 3 + ["refused"] * (THREADS - 3)
    db.expire_all()
    active = db.scalar(select(func.count()).select_from(Assignment).where(Assignment.state == AssignmentState.ACCEPTED))
    slot = db.scalar(select(Slot).where(Slot.need_id == need.id))
    refreshed = db.get(Need, need.id)
    assert (active, slot.filled, refreshed.status) == (3, 3, NeedStatus.FILLED)
    assert refreshed.filled_at == NOW


def test_one_candidate_accepted_by_two_establishments_at_once_is_booked_once(app, build, db):
    profile = build.candidate()
    night = datetime.combine(BASE_DAY, datetime.min.time()).replace(hour=21)
    jobs = []
    for offset in (0, 2):  # 21:00–07:00 and 23:00–09:00 the same night: overlapping
        manager = build.manager()
        start = night + timedelta(hours=offset)
        need = build.need(manager.establishments[0], slots=[(start, start + timedelta(hours=10))])
        jobs.append(accept_job(manager.id, build.application(need, profile).id))
    build.commit()
    assert run_in_threads(app, jobs) == ["booked", "refused"]
    db.expire_all()
    booked = db.scalars(select(Assignment).where(Assignment.candidate_id == profile.id,
                                                 Assignment.state == AssignmentState.ACCEPTED)).all()
    assert len(booked) == 1


def test_parallel_withdraw_and_accept_keep_the_count_exact(app, build, db):
    manager = build.manager()
    need = build.need(manager.establishments[0], positions=1)
    holder = build.candidate()
    held = build.application(need, holder)
    build.commit()
    applications.accept(db, manager, held, now=NOW)
    waiting = build.application(need, build.candidate())
    db.commit()

    def withdraw(session):
        applications.withdraw(session, session.get(type(holder), holder.id), session.get(Application, held.id), now=NOW)

    outcomes = run_in_threads(app, [withdraw, accept_job(manager.id, waiting.id)])
    db.expire_all()
    slot = db.scalar(select(Slot).where(Slot.need_id == need.id))
    active = db.scalar(select(func.count()).select_from(Assignment).where(Assignment.state == AssignmentState.ACCEPTED))
    assert slot.filled == active
    assert outcomes in (["booked", "booked"], ["booked", "refused"])
