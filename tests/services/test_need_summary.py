"""need_place follows the open, published needs through every change of their life, whichever
way it is made (services.need_summary)."""

from datetime import datetime, time, timedelta

from sqlalchemy import delete, select

from models import NeedPlace
from models.enums import FrenchLevel, NeedKind, NeedStatus
from services import applications, need_summary, needs
from tests.builders import BASE_DAY

NOW = datetime(2027, 7, 1, 8, 0)


def place(db, need):
    """The need's need_place row as (post, first start, last end, kind, open days and shape,
    French level, licence, nurse on duty, positions, weekly hours, establishment), or None."""
    row = db.execute(select(NeedPlace.__table__).where(NeedPlace.need_id == need.id)).one_or_none()
    if row is None:
        return None
    return (row.qualification_code, row.first_start, row.last_end, row.kind,
            (row.open_days, row.open_shape), row.min_french_level,
            row.requires_driving_licence, row.nurse_on_duty, row.positions, row.weekly_hours, row.establishment_id)


def test_an_open_published_need_has_its_row_and_a_draft_none(build, db):
    start = datetime.combine(BASE_DAY, time(7))
    need = build.need(slots=[(start, start + timedelta(hours=12)), (start + timedelta(days=2), start + timedelta(days=2, hours=12))],
                      min_french_level=FrenchLevel.B1, requires_driving_licence=True, nurse_on_duty=False, positions=2)
    days = 1 << BASE_DAY.weekday() | 1 << (BASE_DAY + timedelta(days=2)).weekday()
    assert place(db, need) == (
        "AS", start, start + timedelta(days=2, hours=12), NeedKind.SHIFT, (days, sum(1 << hour for hour in range(7, 19))),
        FrenchLevel.B1, True, False, 2, None, need.establishment_id)
    assert place(db, build.need(status=NeedStatus.DRAFT)) is None


def test_the_row_follows_publication_closing_reopening_and_cancelling(build, db):
    manager = build.manager()
    need = build.need(manager.establishments[0], status=NeedStatus.DRAFT)
    needs.publish_need(db, manager, need, now=NOW)
    db.flush()
    assert place(db, need) is not None
    needs.close(db, manager, need, now=NOW)
    db.flush()
    assert place(db, need) is None
    needs.reopen(db, manager, need, now=NOW)
    db.flush()
    assert place(db, need) is not None
    needs.cancel(db, manager, need, reason="Service fermé", now=NOW)
    db.flush()
    assert place(db, need) is None


def test_a_filled_need_leaves_and_comes_back_when_a_booking_is_cancelled(build, db):
    """Filling goes through the ORM; reopening on a cancelled booking is a conditional UPDATE."""
    manager = build.manager()
    need = build.need(manager.establishments[0])
    application = applications.apply(db, build.candidate(), need, now=NOW)
    [assignment] = applications.accept(db, manager, application, now=NOW)
    db.flush()
    assert need.status == NeedStatus.FILLED and place(db, need) is None
    applications.cancel_assignment(db, manager, assignment, reason="Imprévu", now=NOW)
    db.flush()
    assert need.status == NeedStatus.OPEN and place(db, need) is not None


def open_slots(db, need) -> list[tuple[datetime, datetime]]:
    """The open slots the need's row holds, checked against the days it holds too."""
    text, days = db.execute(select(NeedPlace.open_slots, NeedPlace.open_days).where(NeedPlace.need_id == need.id)).one()
    slots = need_summary.decode_slots(text)
    assert days == sum({1 << start.weekday() for start, _ in slots})
    return slots


def test_the_open_slots_follow_bookings_and_edits(build, db):
    """Positions are taken and freed by conditional UPDATEs the ORM does not see: a slot leaves the
    row when its last position is booked and comes back when the booking is cancelled; a slot
    added, moved or deleted through the ORM moves with it."""
    manager = build.manager()
    night = datetime.combine(BASE_DAY, time(21))
    times = [(night + timedelta(days=day), night + timedelta(days=day, hours=10)) for day in (2, 0, 1)]
    need = build.need(manager.establishments[0], slots=times)
    assert open_slots(db, need) == sorted(times)
    application = applications.apply(db, build.candidate(), need, now=NOW)
    first = next(slot for slot in need.slots if slot.start == night)
    [assignment] = applications.accept(db, manager, application, slot_ids=[first.id], now=NOW)
    db.flush()
    assert need.status == NeedStatus.OPEN and open_slots(db, need) == sorted(times)[1:]
    applications.cancel_assignment(db, manager, assignment, reason="Imprévu", now=NOW)
    db.flush()
    assert open_slots(db, need) == sorted(times)
    later = next(slot for slot in need.slots if slot.start == night + timedelta(days=2))
    later.start, later.end = later.start + timedelta(days=7), later.end + timedelta(days=7)
    db.delete(first)
    db.flush()
    assert open_slots(db, need) == [(night + timedelta(days=1), night + timedelta(days=1, hours=10)),
                                    (night + timedelta(days=9), night + timedelta(days=9, hours=10))]


def test_an_edited_need_moves_its_row_and_a_deleted_one_takes_it_along(build, db):
    need = build.need()
    later = need.first_start + timedelta(days=3)
    need.qualification_code, need.first_start = "ASH", later
    db.flush()
    assert place(db, need)[:2] == ("ASH", later)
    db.delete(need)
    db.flush()
    assert db.scalars(select(NeedPlace.need_id)).all() == []


def test_refreshing_every_row_rebuilds_what_the_changes_kept(build, db):
    kept = [build.need(), build.need(qualification_code="IDE"), build.need(status=NeedStatus.CLOSED)]
    rows = db.execute(select(NeedPlace.__table__).order_by(NeedPlace.need_id)).all()
    assert [row.need_id for row in rows] == [kept[0].id, kept[1].id]
    db.execute(delete(NeedPlace))
    assert need_summary.refresh(db.connection()) == 2
    assert db.execute(select(NeedPlace.__table__).order_by(NeedPlace.need_id)).all() == rows
