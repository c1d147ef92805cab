"""The shared cache on both backends: hit, expiry by the time passed in, JSON storage,
the opportunistic purge, and failures that never reach the caller."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

import redis
from sqlalchemy import select, update

from models import utcnow
from models.ops import CacheEntry
from services.cache import REDIS_PREFIX, DatabaseCache, cache_key, current_cache

NOW = datetime(2027, 7, 1, 10, 0)
VALUE = {"ids": [3, 1, 2], "label": "Aide-soignant(e) à Angers", "rate": 0.727, "none": None}


def test_a_value_comes_back_until_its_expiry(db, backend):
    cache = current_cache()
    cache.set("test:k", VALUE, ttl=60, now=NOW)
    assert cache.get("test:k", now=NOW) == VALUE
    assert cache.get("test:k", now=NOW + timedelta(seconds=59)) == VALUE
    assert cache.get("test:k", now=NOW + timedelta(seconds=60)) is None
    assert cache.get("test:other", now=NOW) is None


def test_fetch_computes_once_then_serves_the_stored_value(db, backend):
    cache = current_cache()
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    assert cache.fetch("test:f", compute, ttl=30, now=NOW) == {"n": 1}
    assert cache.fetch("test:f", compute, ttl=30, now=NOW + timedelta(seconds=29)) == {"n": 1}
    assert cache.fetch("test:f", compute, ttl=30, now=NOW + timedelta(seconds=30)) == {"n": 2}
    assert len(calls) == 2


def test_delete_forgets_an_entry(db, backend):
    cache = current_cache()
    cache.set("test:d", [1], ttl=60, now=NOW)
    cache.delete("test:d")
    assert cache.get("test:d", now=NOW) is None


def test_entries_are_json_text_not_pickle(app, db, backend, redis_url):
    current_cache().set("test:j", VALUE, ttl=60, now=NOW)
    if backend == "redis":
        client = redis.Redis.from_url(redis_url)
        raw = client.get(REDIS_PREFIX + "test:j").decode()
        assert 0 < client.ttl(REDIS_PREFIX + "test:j") <= 60  # Redis reclaims the space itself
        client.close()
    else:
        raw = db.scalar(select(CacheEntry.value).where(CacheEntry.key == "test:j"))
    assert json.loads(raw) == {"expires": "2027-07-01T10:01:00", "value": VALUE}


def test_keys_are_short_and_depend_on_every_part():
    key = cache_key("ranking", 12, ["a" * 500], datetime(2027, 7, 1))
    assert key.startswith("ranking:") and len(key) == len("ranking:") + 40
    assert key == cache_key("ranking", 12, ["a" * 500], datetime(2027, 7, 1))
    assert key != cache_key("ranking", 13, ["a" * 500], datetime(2027, 7, 1))
    assert key != cache_key("ranking", 12, ["a" * 500], datetime(2027, 7, 2))


def test_writing_an_entry_purges_the_expired_rows(app, db):
    db.add(CacheEntry(key="old", value="{}", expires_at=utcnow() - timedelta(seconds=1)))
    db.add(CacheEntry(key="fresh", value="{}", expires_at=utcnow() + timedelta(hours=1)))
    db.commit()
    DatabaseCache(app.extensions["database"]["engine"]).set("new", "{}", timeout=60)
    assert sorted(db.scalars(select(CacheEntry.key))) == ["fresh", "new"]


def test_a_failing_backend_is_a_miss_and_writes_are_dropped(db, broken_cache, caplog):
    cache = current_cache()
    with caplog.at_level(logging.WARNING, logger="services.cache"):
        cache.set("test:x", VALUE, ttl=60, now=NOW)
        assert cache.get("test:x", now=NOW) is None
        assert cache.fetch("test:x", lambda: "computed", ttl=60, now=NOW) == "computed"
        cache.delete("test:x")
    assert broken_cache.calls == 5
    assert "cache read failed for test:x" in caplog.text and "cache write failed for test:x" in caplog.text


def test_an_unreachable_redis_is_a_miss(app, db, caplog):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app.extensions.pop("shared_cache", None)
    cache = current_cache()
    with caplog.at_level(logging.WARNING, logger="services.cache"):
        assert cache.fetch("test:r", lambda: [1, 2], ttl=60, now=NOW) == [1, 2]
    assert "cache read failed" in caplog.text and "cache write failed" in caplog.text
    app.extensions.pop("shared_cache")._write_client.close()


def test_a_locked_entry_is_not_waited_for(app, db, caplog):
    """Another transaction holds the row (PostgreSQL) or the write lock (SQLite): the cache
    write gives up after a short wait instead of holding the request."""
    cache = current_cache()
    cache.set("test:l", "old", ttl=60, now=NOW)
    with app.extensions["database"]["engine"].connect() as other:
        other.execute(update(CacheEntry).where(CacheEntry.key == "test:l").values(value="locked"))
        with caplog.at_level(logging.WARNING, logger="services.cache"):
            cache.set("test:l", "new", ttl=60, now=NOW)
        other.rollback()
    assert "cache write failed for test:l" in caplog.text
    assert cache.get("test:l", now=NOW) == "old"


def test_a_cache_write_never_commits_the_request_work(app, db):
    """The entry is written on its own connection: the request's pending work stays pending.
    (On SQLite the request holds the only write lock, so the entry is dropped; on PostgreSQL
    it is written at once, in its own transaction.)"""
    db.add(CacheEntry(key="request-work", value="{}", expires_at=utcnow() + timedelta(hours=1)))
    db.flush()
    current_cache().set("test:s", "value", ttl=60, now=NOW)
    db.rollback()
    assert db.get(CacheEntry, "request-work") is None
    expected = None if db.get_bind().dialect.name == "sqlite" else "value"
    assert current_cache().get("test:s", now=NOW) == expected


def test_an_entry_its_reader_cannot_read_is_recomputed(db, backend, caplog):
    """An entry written by an older version of the code (a field renamed) is a miss."""
    cache = current_cache()
    cache.set("test:v", {"old_field": 1}, ttl=60, now=NOW)
    with caplog.at_level(logging.WARNING, logger="services.cache"):
        value = cache.fetch("test:v", lambda: {"new_field": 2}, ttl=60, now=NOW, load=lambda v: {"new_field": v["new_field"]})
    assert value == {"new_field": 2}
    assert cache.get("test:v", now=NOW) == {"new_field": 2}
    assert "cache entry test:v does not fit its reader" in caplog.text
