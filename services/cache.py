"""The shared cache: the ``cache_entry`` table by default, Redis when ``REDIS_URL`` is set.

Nothing is kept in process memory: several gunicorn workers on several machines read the
same entries. Both backends speak cachelib's ``BaseCache`` interface (cachelib's own
``RedisCache``, and ``DatabaseCache`` below for the table).

Values are JSON text, never pickle: reading an entry only parses JSON, so even someone able
to write into the cache (Redis, the table) could at worst make a page show wrong figures,
never run code in the app. Callers turn their dataclasses into plain dicts and back.

A cache failure never breaks a request: reads that fail count as misses and writes that fail
are dropped, both logged; the caller then computes as if there were no cache.
Use it in read-only requests: on SQLite a transaction that read before the cache's own write
committed can no longer become a writer (``begin_write`` starts a fresh one, as it must).
The expiry is checked against the ``now`` passed in (services take the time, tests fix it);
the backends' own expiry (Redis TTL, ``expires_at``) only reclaims space.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from cachelib import BaseCache, RedisCache
from cachelib.serializers import BaseRedisSerializer
from flask import current_app
from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from models import utcnow
from models.ops import CacheEntry

log = logging.getLogger(__name__)
T = TypeVar("T")

REDIS_PREFIX = "releve:cache:"
REDIS_TIMEOUT_S = 0.5  # a slow Redis must not hold a request: the page computes instead
LOCK_WAIT_MS = 200  # a cache write waits this long for a lock, then gives up


class TextRedisSerializer(BaseRedisSerializer):
    """cachelib's Redis serializer pickles; ours stores the (JSON) text as UTF-8 bytes."""

    def dumps(self, value: str, protocol: int | None = None) -> bytes:
        return value.encode()

    def loads(self, value: bytes | None) -> str | None:
        return None if value is None else value.decode()


class TextRedisCache(RedisCache):
    serializer = TextRedisSerializer()


class DatabaseCache(BaseCache):
    """cachelib's interface over the ``cache_entry`` table.

    Every call runs in its own short transaction on its own pooled connection, never in the
    request's session: a failed cache write cannot roll back (or lock) the request's work.
    """

    def __init__(self, engine: Engine, default_timeout: int = 300):
        super().__init__(default_timeout)
        self.engine = engine

    def get(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.scalar(select(CacheEntry.value).where(CacheEntry.key == key, CacheEntry.expires_at > utcnow()))

    def set(self, key: str, value: str, timeout: int | None = None) -> bool:
        now = utcnow()
        row = {"key": key, "value": value, "expires_at": now + timedelta(seconds=self._normalize_timeout(timeout))}
        dialect = sqlite if self.engine.dialect.name == "sqlite" else postgresql
        upsert = dialect.insert(CacheEntry).values(row)
        upsert = upsert.on_conflict_do_update(index_elements=[CacheEntry.key],
                                              set_={"value": row["value"], "expires_at": row["expires_at"]})
        with self.engine.begin() as conn:
            _wait_briefly_for_locks(conn)
            try:
                conn.execute(upsert)
                conn.execute(delete(CacheEntry).where(CacheEntry.expires_at <= now))  # opportunistic purge
            finally:
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql("PRAGMA busy_timeout=30000")  # the engine's setting (database.py)
        return True

    def delete(self, key: str) -> bool:
        with self.engine.begin() as conn:
            return conn.execute(delete(CacheEntry).where(CacheEntry.key == key)).rowcount > 0

    def has(self, key: str) -> bool:
        return self.get(key) is not None

    def clear(self) -> bool:
        with self.engine.begin() as conn:
            conn.execute(delete(CacheEntry))
        return True


def _wait_briefly_for_locks(conn) -> None:
    """A cache write waits at most ``LOCK_WAIT_MS`` for a lock (a long refresh may hold SQLite's
    write lock), then fails and is dropped instead of holding the request."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA busy_timeout={LOCK_WAIT_MS}")
    else:
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'")


def make_backend(redis_url: str | None, engine: Engine) -> BaseCache:
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S)
        return TextRedisCache(client, key_prefix=REDIS_PREFIX)
    return DatabaseCache(engine)


class SharedCache:
    """JSON values with an expiry checked against ``now``; failures logged, never raised."""

    def __init__(self, backend: BaseCache):
        self.backend = backend

    def get(self, key: str, *, now: datetime) -> Any | None:
        try:
            raw = self.backend.get(key)
            if raw is None:
                return None
            entry = json.loads(raw)
            if datetime.fromisoformat(entry["expires"]) <= now:
                return None
            return entry["value"]
        except Exception:  # noqa: BLE001 - a broken cache is a miss, never an error page
            log.warning("cache read failed for %s", key, exc_info=True)
            return None

    def set(self, key: str, value: Any, *, ttl: int, now: datetime) -> None:
        try:
            text = json.dumps({"expires": (now + timedelta(seconds=ttl)).isoformat(), "value": value},
                              ensure_ascii=False, separators=(",", ":"))
            self.backend.set(key, text, timeout=ttl)
        except Exception:  # noqa: BLE001 - the answer was computed: serve it uncached
            log.warning("cache write failed for %s", key, exc_info=True)

    def delete(self, key: str) -> None:
        try:
            self.backend.delete(key)
        except Exception:  # noqa: BLE001
            log.warning("cache delete failed for %s", key, exc_info=True)

    def fetch(self, key: str, compute: Callable[[], T], *, ttl: int, now: datetime,
              dump: Callable[[T], Any] = lambda value: value, load: Callable[[Any], T] = lambda value: value) -> T:
        """The cached value (through ``load``), or ``compute()`` stored (through ``dump``).

        An entry ``load`` cannot read (written by an older version of the code: a field added
        or renamed) counts as a miss and is replaced.
        """
        cached = self.get(key, now=now)
        if cached is not None:
            try:
                return load(cached)
            except (KeyError, IndexError, TypeError, ValueError):
                log.warning("cache entry %s does not fit its reader: recomputed", key, exc_info=True)
        value = compute()
        self.set(key, dump(value), ttl=ttl, now=now)
        return value


def cache_key(namespace: str, *parts: Any) -> str:
    """``namespace:<digest>`` of the parts (JSON, so any mix of str, int, dates, lists)."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return f"{namespace}:{hashlib.sha256(text.encode()).hexdigest()[:40]}"


def current_cache() -> SharedCache:
    """The app's cache; its backend (a client, no data) is built once per app from the config."""
    backend = current_app.extensions.get("shared_cache")
    if backend is None:
        from extensions import db

        backend = current_app.extensions["shared_cache"] = make_backend(current_app.config.get("REDIS_URL"), db.engine)
    return SharedCache(backend)


def ttl(name: str) -> int:
    """Seconds an entry of this kind lives (``config.CACHE_TTLS``, overridable per app)."""
    return int(current_app.config["CACHE_TTLS"][name])
