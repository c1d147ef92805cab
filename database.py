"""One SQLAlchemy engine per process, one session per Flask application context.

Plain SQLAlchemy 2.0 (no Flask-SQLAlchemy) so that services, CLI and tests share the same
session API. A read replica (``DATABASE_REPLICA_URL``) serves the ARS statistics when set.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """Create an engine with the pragmas SQLite needs to behave under several workers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # Let SQLAlchemy emit BEGIN itself so that BEGIN IMMEDIATE can be used for locks.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            immediate = conn.get_execution_options().get("sqlite_write_lock")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    # No JIT: the ranking's queries are estimated costly enough to be compiled, and compiling
    # them takes longer (about 50 ms) than running them. A plan for the parameters given: psycopg
    # prepares a statement run five times, and PostgreSQL's generic plan for the ranking's
    # (grid squares, box, codes) guesses its rows from averages and can be ten times slower.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10,
                         connect_args={"options": "-c jit=off -c plan_cache_mode=force_custom_plan"})


class Database:
    """Holds the engines; ``db.session`` is the session of the current app context."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        replica_url = app.config.get("DATABASE_REPLICA_URL")
        replica = make_engine(replica_url) if replica_url else engine
        app.extensions["database"] = {
            "engine": engine,
            "factory": sessionmaker(engine, expire_on_commit=False),
            "replica_factory": sessionmaker(replica, expire_on_commit=False),
        }
        app.teardown_appcontext(self._close)

    @staticmethod
    def _state() -> dict:
        return current_app.extensions["database"]

    @property
    def engine(self) -> Engine:
        return self._state()["engine"]

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = self._state()["factory"]()
        return g.db_session

    @property
    def stats_session(self) -> Session:
        """Session on the read replica when configured: statistics never block the writers."""
        if "db_stats_session" not in g:
            g.db_stats_session = self._state()["replica_factory"]()
        return g.db_stats_session

    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @staticmethod
    def _close(_exc=None) -> None:
        for key in ("db_session", "db_stats_session"):
            session = g.pop(key, None)
            if session is not None:
                session.close()


db = Database()


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer.

    On SQLite this is ``BEGIN IMMEDIATE``: the write lock is taken before any read, so two
    requests that check-then-write (accept a position, book a candidate) run one after the
    other instead of failing on a stale snapshot. On PostgreSQL row locks do that job.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.new or session.dirty or session.deleted or session.info.get("flushed"):
            return  # already writing: SQLite holds the write lock since the first write
        # Typically the read that loaded the logged-in user: end it (objects stay loaded,
        # expire_on_commit is off) and start again as a writer.
        session.commit()
    session.connection(execution_options={"sqlite_write_lock": True})


@event.listens_for(Session, "after_flush")
def _remember_flush(session, _context):
    session.info["flushed"] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_flush(session, transaction):
    if transaction.parent is None:
        session.info.pop("flushed", None)
