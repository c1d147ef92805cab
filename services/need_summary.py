"""``need_place``: the open, published needs, narrow, for the recommendations.

Recommendations read a candidate's nearest establishments' needs of the posts he may take, a
few establishments at a time. From ``need`` each read visits rows spread over the whole table
(a row holds titles and descriptions, and closed needs stay), most of which his hours or the
dates then leave out; ``need_place`` (models.need) holds only the open needs' columns those
reads test and return, in one index.

A row is derived from its need alone (``place_row``). It is rewritten after every ORM flush
that touched a need (the listener below), whichever page or command made the change; after the
one Core UPDATE that reopens a need (services.applications.release); and by ``flask
refresh-summaries``. The demo's bulk writer writes rows from ``place_row`` too. A need deleted
takes its row with it (foreign key).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.orm import Session

from models import Need, NeedPlace
from models.enums import NeedStatus
from models.need import NEED_PLACE_COPIED

COPIED = ("establishment_id", "qualification_code", "first_start", *NEED_PLACE_COPIED)
_WATCHED = (*COPIED, "status", "published_at")  # a change to any of them rewrites the row
_CHUNK = 500


def place_row(need: Mapping) -> dict | None:
    """The need_place row of a need (its columns by name); None unless it is open and published."""
    if NeedStatus(need["status"]) != NeedStatus.OPEN or need["published_at"] is None or need["first_start"] is None:
        return None
    return {"need_id": need["id"], **{name: need[name] for name in COPIED}}


def refresh(connection, need_ids: Iterable[int] | None = None) -> int:
    """Rewrite the rows of these needs (of every need when None); returns how many rows now exist
    for them."""
    needs, places = Need.__table__, NeedPlace.__table__
    columns = select(needs.c.id, needs.c.status, needs.c.published_at, *(needs.c[name] for name in COPIED))
    if need_ids is None:
        connection.execute(delete(places))
        return _write(connection, connection.execute(columns.where(needs.c.status == NeedStatus.OPEN)).mappings())
    ids, written = sorted(set(need_ids)), 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        connection.execute(delete(places).where(places.c.need_id.in_(chunk)))
        written += _write(connection, connection.execute(columns.where(needs.c.id.in_(chunk))).mappings())
    return written


def _write(connection, needs: Iterable[Mapping]) -> int:
    rows = [row for row in map(place_row, needs) if row is not None]
    if rows:
        connection.execute(insert(NeedPlace.__table__), rows)
    return len(rows)


@event.listens_for(Session, "after_flush")
def _refresh_touched(session: Session, _context) -> None:
    touched = {need.id for need in (*session.new, *session.dirty)
               if isinstance(need, Need) and (need in session.new or _changed(need))}
    if touched:
        refresh(session.connection(), touched)


def _changed(need: Need) -> bool:
    attributes = inspect(need).attrs
    return any(attributes[name].history.has_changes() for name in _WATCHED)
