"""SQLite write transactions start with BEGIN IMMEDIATE, even after a read in the request."""

from sqlalchemy import event, select

from database import begin_write
from models import User


def test_begin_write_after_a_read_takes_the_write_lock(app, db):
    sqlite = db.get_bind().dialect.name == "sqlite"
    statements = []
    event.listen(db.get_bind(), "before_cursor_execute", lambda *a: statements.append(a[2]))
    db.execute(select(User).limit(1))  # like Flask-Login loading the user
    begin_write(db)
    db.execute(select(User).limit(1))
    db.rollback()
    # PostgreSQL relies on row locks and conditional UPDATEs: nothing special is issued there.
    assert ("BEGIN IMMEDIATE" in statements) is sqlite
