"""``need_place``: the open, published needs, narrow, for the recommendations.

Recommendations read a candidate's nearest establishments' needs of the posts he may take, a
few establishments at a time. From ``need`` each read visits rows spread over the whole table
(a row holds titles and descriptions, and closed needs stay), most of which his hours or the
dates then leave out; ``need_place`` (models.need) holds only the open needs' columns those
reads test and return, in one index, and the times of their open slots, so that a read joins
no slot rows.

A row is derived from its need and its slots (``place_row``). It is rewritten after every ORM
flush that touched a need or a slot (the listener below), whichever page or command made the
change; after the Core UPDATEs that take and free a position (services.applications); and by
``flask refresh-summaries``. The demo's bulk writer writes rows from ``place_row`` too. A need
deleted takes its row with it (foreign key).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.orm import Session

from models import Need, NeedPlace, Slot
from models.enums import NeedStatus
from models.need import NEED_PLACE_COPIED
from services import week_hours

COPIED = ("establishment_id", "qualification_code", "first_start", *NEED_PLACE_COPIED)
_WATCHED = (*COPIED, "status", "published_at")  # a change to any of them rewrites the row
_SLOT_WATCHED = ("start", "end", "positions", "filled")
_CHUNK = 500


def place_row(need: Mapping, open_slots: Sequence[tuple[datetime, datetime]]) -> dict | None:
    """The need_place row of a need (its columns by name) with these open slots (start, end),
    soonest first; None unless the need is open and published."""
    if NeedStatus(need["status"]) != NeedStatus.OPEN or need["published_at"] is None or need["first_start"] is None:
        return None
    return {"need_id": need["id"], **{name: need[name] for name in COPIED}, "open_slots": encode_slots(open_slots),
            **week_hours.open_day_columns(open_slots)}


def encode_slots(slots: Iterable[tuple[datetime, datetime]]) -> str:
    """``start|end`` in ISO format, comma-separated: the same text on every database, read back exactly."""
    return ",".join(f"{start.isoformat()}|{end.isoformat()}" for start, end in slots)


def decode_slots(text: str) -> list[tuple[datetime, datetime]]:
    parse = datetime.fromisoformat
    return [(parse(start), parse(end)) for start, end in (pair.split("|") for pair in text.split(","))] if text else []


def refresh(connection, need_ids: Iterable[int] | None = None) -> int:
    """Rewrite the rows of these needs (of every need when None); returns how many rows now exist
    for them."""
    needs, places = Need.__table__, NeedPlace.__table__
    columns = select(needs.c.id, needs.c.status, needs.c.published_at, *(needs.c[name] for name in COPIED))
    if need_ids is None:
        connection.execute(delete(places))
        is_open = needs.c.status == NeedStatus.OPEN
        return _write(connection, connection.execute(columns.where(is_open)).mappings(),
                      _open_slots(connection, Slot.need_id.in_(select(needs.c.id).where(is_open))))
    ids, written = sorted(set(need_ids)), 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        connection.execute(delete(places).where(places.c.need_id.in_(chunk)))
        written += _write(connection, connection.execute(columns.where(needs.c.id.in_(chunk))).mappings(),
                          _open_slots(connection, Slot.need_id.in_(chunk)))
    return written


def _open_slots(connection, which) -> dict[int, list[tuple[datetime, datetime]]]:
    """The open slots (start, end) of the needs ``which`` selects, by need, soonest first."""
    found: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for need_id, start, end in connection.execute(select(Slot.need_id, Slot.start, Slot.end)
                                                  .where(which, Slot.filled < Slot.positions)
                                                  .order_by(Slot.need_id, Slot.start, Slot.id)):
        found[need_id].append((start, end))
    return found


def _write(connection, needs: Iterable[Mapping], open_slots: Mapping[int, list]) -> int:
    rows = [row for row in (place_row(need, open_slots.get(need["id"], ())) for need in needs) if row is not None]
    if rows:
        connection.execute(insert(NeedPlace.__table__), rows)
    return len(rows)


@event.listens_for(Session, "after_flush")
def _refresh_touched(session: Session, _context) -> None:
    touched = {need.id for need in (*session.new, *session.dirty)
               if isinstance(need, Need) and (need in session.new or _changed(need, _WATCHED))}
    touched |= {slot.need_id for slot in (*session.new, *session.dirty, *session.deleted)
                if isinstance(slot, Slot) and (slot not in session.dirty or _changed(slot, _SLOT_WATCHED))}
    touched.discard(None)
    if touched:
        refresh(session.connection(), touched)


def _changed(instance, watched: Sequence[str]) -> bool:
    attributes = inspect(instance).attrs
    return any(attributes[name].history.has_changes() for name in watched)
