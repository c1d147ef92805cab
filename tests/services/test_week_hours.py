"""A need's open days and shape, and the test a read makes of them: never skips a need with a slot
the candidate's hours of the week hold, and skips the others when its slots share one shape."""

from datetime import datetime, timedelta
from math import ceil

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import BigInteger, SmallInteger, create_engine, literal, select

from services.week_hours import ANY_SHAPE, day_shape, hours_of, may_hold_one, open_day_columns, rooms

TUESDAY = datetime(2027, 7, 13)


def bits(*numbers: int) -> int:
    return sum(1 << number for number in set(numbers))


def test_a_slot_has_the_shape_of_its_hours_from_its_day():
    assert day_shape(TUESDAY + timedelta(hours=21), TUESDAY + timedelta(hours=31)) == (1, bits(*range(21, 31)))
    sunday = TUESDAY + timedelta(days=5)
    assert day_shape(sunday + timedelta(hours=21), sunday + timedelta(hours=31)) == (6, bits(*range(21, 31)))
    assert day_shape(TUESDAY + timedelta(hours=10, minutes=30), TUESDAY + timedelta(hours=11, minutes=15)) == (1, bits(10, 11))
    assert day_shape(sunday + timedelta(hours=22), sunday + timedelta(days=8)) == (6, ANY_SHAPE)  # a week and more


def test_a_need_keeps_its_slots_days_and_the_hours_all_of_them_touch():
    night = (TUESDAY + timedelta(hours=21), TUESDAY + timedelta(hours=31))
    late = (TUESDAY + timedelta(days=1, hours=23), TUESDAY + timedelta(days=2, hours=7))
    day = (TUESDAY + timedelta(days=1, hours=8), TUESDAY + timedelta(days=1, hours=20))
    assert open_day_columns([night, late]) == {"open_days": 0b110, "open_shape": bits(*range(23, 31))}
    assert open_day_columns([night, day]) == {"open_days": 0b110, "open_shape": 0}
    assert open_day_columns([]) == {"open_days": 0, "open_shape": ANY_SHAPE}


def test_the_room_of_each_day_is_his_hours_from_that_day():
    tuesday_night = bits(*range(24 + 20, 2 * 24 + 8))  # Tuesday 20 h to Wednesday 8 h
    found = rooms(tuesday_night)
    assert found[bits(*range(20, 32))] == 1 << 1  # from Tuesday 0 h
    assert found[bits(*range(44, 56))] == 1 << 0  # from Monday 0 h: the night starts 44 h later
    assert found[bits(*range(0, 8))] == 1 << 2  # from Wednesday 0 h: its morning
    assert found[0] == 0b1111000  # Thursday to Sunday: none of it within 56 h
    assert rooms((1 << 168) - 1) == {ANY_SHAPE: 0b1111111}


_ENGINE = create_engine("sqlite://")
periods = st.tuples(st.integers(0, 14 * 24 * 60), st.integers(1, 9 * 24 * 60)).map(
    lambda pair: (TUESDAY + timedelta(minutes=pair[0]), TUESDAY + timedelta(minutes=pair[0] + pair[1])))
blocks = st.lists(st.tuples(st.integers(0, 167), st.integers(1, 60)), max_size=6).map(
    lambda spans: sum(bits(*((start + hour) % 168 for hour in range(length))) for start, length in spans))


@settings(max_examples=300, deadline=None)
@given(slots=st.lists(periods, min_size=1, max_size=4), mask=blocks)
def test_a_need_with_a_slot_in_his_hours_is_always_read(slots, mask):
    """In SQL, on a real database: a need with a slot all of whose hours are in his is read; a
    need of one slot that fits in a shape is read only then."""
    columns = open_day_columns(slots)
    with _ENGINE.connect() as connection:
        read = connection.scalar(select(may_hold_one(literal(columns["open_days"], SmallInteger),
                                                     literal(columns["open_shape"], BigInteger), mask)))
    held = any(hours_of(start, end) & ~mask == 0 for start, end in slots)
    if held:
        assert read
    [(start, end)] = slots[:1]
    if len(slots) == 1 and start.hour + ceil((end - start.replace(minute=0)) / timedelta(hours=1)) <= 56:
        assert bool(read) == held
