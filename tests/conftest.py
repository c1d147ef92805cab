"""Shared fixtures: ``app``, ``client``, ``db``, ``runner``, ``auth``, ``smtp_server``, ``build``.

One database per test session (SQLite file, or PostgreSQL when ``DATABASE_URL`` is set),
created by the Alembic migrations, with a small set of real communes. Every test starts from
the reference data only: the other tables are emptied after each test.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from models import Base

TESTS_DIR = Path(__file__).resolve().parent
COMMUNES_CSV = TESTS_DIR / "data" / "communes.csv"
REFERENCE_TABLES = {"region", "departement", "commune", "postcode", "qualification_ref", "qualification_equivalence"}


def pytest_addoption(parser):
    parser.addoption("--e2e", action="store_true", default=False, help="run the real-browser tests")


def pytest_collection_modifyitems(config, items):
    """Browser tests run only under ``make e2e`` (they are selected, not skipped, there)."""
    if config.getoption("--e2e"):
        return
    selected = [item for item in items if "e2e" not in item.keywords]
    deselected = [item for item in items if "e2e" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
        engine = create_engine(url)
        with engine.begin() as conn:  # a clean schema for this run
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _schema(database_url):
    """Migrate an empty database to head and load the reference data once."""
    from app import create_app
    from cli.database import upgrade
    from cli.reference import load_qualifications, load_territories
    from refdata.communes import load_communes

    upgrade(database_url)
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context():
        from extensions import db

        load_territories(db.session, load_communes(COMMUNES_CSV))
        load_qualifications(db.session)
        db.session.commit()
    _dispose_engines(app)
    return database_url


@pytest.fixture
def app(_schema, tmp_path):
    from app import create_app

    app = create_app({
        "TESTING": True,
        "ENV_NAME": "test",
        "GC_FREEZE": False,  # an app per test: frozen garbage would pile up
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": _schema,
        "WTF_CSRF_ENABLED": False,
        "MAIL_BACKEND": "smtp",
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": 1,  # no server unless a test starts one (smtp_server fixture)
        "SESSION_COOKIE_SECURE": False,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "REDIS_URL": None,  # the shared cache in the tables emptied after each test (tests/cache tests Redis)
    })

    @app.before_request
    def _forget_cached_user():
        # The ``db`` fixture keeps one app context open, so requests share ``g``: drop the user
        # Flask-Login cached there, as a new request in production would.
        from flask import g

        g.pop("_login_user", None)

    yield app
    _empty_tables(app)
    _dispose_engines(app)


def _dispose_engines(app) -> None:
    """Close pooled connections now: psycopg warns (an error here) about connections left to the GC."""
    state = app.extensions["database"]
    state["engine"].dispose()
    state["replica_factory"].kw["bind"].dispose()


def _empty_tables(app) -> None:
    from extensions import db

    with app.app_context():
        engine = db.engine
        tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())


@pytest.fixture
def db(app):
    """The session of an app context that stays open for the test."""
    from extensions import db as database

    with app.app_context():
        yield database.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def build(db):
    """Builders with fixed defaults (see tests/builders.py)."""
    from tests.builders import Builder

    return Builder(db)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = "Mot-de-passe-2026"):
        return self._client.post("/connexion", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/deconnexion")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on loopback (aiosmtpd); the app sends its e-mails there."""
    from tests.smtp import running_smtp_server

    with running_smtp_server() as server:
        app.config.update(MAIL_HOST=server.host, MAIL_PORT=server.port, MAIL_BACKEND="smtp")
        yield server


@pytest.fixture
def tmp_dir():
    with tempfile.TemporaryDirectory() as path:
        yield Path(path)
