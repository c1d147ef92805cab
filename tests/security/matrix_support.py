"""What the authorisation matrix compares: expected answers and the database before/after."""

from __future__ import annotations

from sqlalchemy import select

from models import Base
from tests.conftest import REFERENCE_TABLES
from tests.security.actors import ACTORS

LOGIN = "login"  # 302 to the login page
# Rows a read may legitimately write: the audit trail (exports are audited), rate-limit counters and
# the shared cache's entries (services/cache.py).
READ_MAY_WRITE = {"audit_log", "rate_limit_hit", "cache_entry"}
IGNORED_COLUMNS = {("user_account", "last_seen_at")}


def grid(default, **per_actor) -> dict:
    """Expected answer per actor: ``default`` for every actor not named."""
    unknown = set(per_actor) - set(ACTORS)
    assert not unknown, unknown
    return {actor: per_actor.get(actor, default) for actor in ACTORS}


def roles(allowed: tuple[str, ...], status=200, denied=403, anonymous=LOGIN) -> dict:
    """``allowed`` actors get ``status``, other logged-in actors ``denied``, anonymous visitors ``anonymous``."""
    return grid(denied, anonymous=anonymous, **{actor: status for actor in allowed})


def outcome(response) -> int | str:
    if response.status_code == 302 and response.headers["Location"].split("?")[0].endswith("/connexion"):
        return LOGIN
    return response.status_code


def fingerprint(engine) -> dict:
    """Every row of every table a request may change, to prove a request changed nothing."""
    tables = [t for t in Base.metadata.sorted_tables if t.name not in REFERENCE_TABLES | READ_MAY_WRITE]
    state = {}
    with engine.connect() as conn:
        for table in tables:
            columns = [c for c in table.columns if (table.name, c.name) not in IGNORED_COLUMNS]
            state[table.name] = sorted(map(repr, conn.execute(select(*columns)).all()))
    return state
