"""Fixed-window rate limits shared by every worker: in the database, or Redis when configured.

Counters are keyed by a hash of the identifier (an e-mail or an IP address), so the table
holds no personal data in clear. The database counter is one atomic upsert
(``INSERT … ON CONFLICT DO UPDATE SET count = count + 1``) on SQLite and PostgreSQL alike, run
on its own connection so that it is committed even when the request's transaction is not.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from extensions import db
from models import RateLimitHit, utcnow

EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class Limit:
    name: str
    max_hits: int
    window_seconds: int


LOGIN_PER_EMAIL = Limit("login-email", 10, 15 * 60)
LOGIN_PER_IP = Limit("login-ip", 30, 15 * 60)
RESET_PER_EMAIL = Limit("reset-email", 5, 60 * 60)
RESET_PER_IP = Limit("reset-ip", 5, 60 * 60)
# Accounts created from one address: enough for a class of students behind one school network.
SIGNUP_PER_IP = Limit("signup-ip", 40, 60 * 60)


def enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _key(limit: Limit, identifier: str) -> str:
    digest = hashlib.sha256(f"{current_app.config['SECRET_KEY']}:{identifier.strip().lower()}".encode()).hexdigest()
    return f"{limit.name}:{digest[:40]}"


def window_start(limit: Limit, now: datetime) -> datetime:
    seconds = int((now - EPOCH).total_seconds())
    return EPOCH + timedelta(seconds=seconds - seconds % limit.window_seconds)


def _database_hit(key: str, start: datetime) -> int:
    engine = db.engine
    dialect_insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    statement = dialect_insert(RateLimitHit).values(key=key, window_start=start, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=[RateLimitHit.key, RateLimitHit.window_start],
        set_={"count": RateLimitHit.count + 1},
    ).returning(RateLimitHit.count)
    with engine.begin() as connection:
        count = connection.execute(statement).scalar_one()
        # Old windows of this key are useless: the table stays as small as the active keys.
        connection.execute(delete(RateLimitHit).where(RateLimitHit.key == key, RateLimitHit.window_start < start))
    return count


def _redis_limiter():
    from limits.storage import storage_from_string
    from limits.strategies import FixedWindowRateLimiter

    state = current_app.extensions.setdefault("rate_limit", {})
    if "limiter" not in state:
        state["limiter"] = FixedWindowRateLimiter(storage_from_string(current_app.config["REDIS_URL"]))
    return state["limiter"]


def hit(limit: Limit, identifier: str, now: datetime | None = None) -> bool:
    """Count one attempt; False when ``identifier`` went over ``limit`` in the current window."""
    if not enabled() or not identifier:
        return True
    key = _key(limit, identifier)
    if current_app.config.get("REDIS_URL"):
        from limits import RateLimitItemPerSecond

        return _redis_limiter().hit(RateLimitItemPerSecond(limit.max_hits, limit.window_seconds), key)
    return _database_hit(key, window_start(limit, now or utcnow())) <= limit.max_hits


def hit_all(attempts: list[tuple[Limit, str]], now: datetime | None = None) -> bool:
    """Count an attempt against several limits (every counter moves); True if all allow it."""
    results = [hit(limit, identifier, now) for limit, identifier in attempts]
    return all(results)
