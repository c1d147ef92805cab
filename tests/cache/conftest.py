"""The shared cache under test on both backends: the database table and a real Redis.

Redis is ``REDIS_TEST_URL`` when set, otherwise a throwaway ``redis-server`` started here on
a free loopback port (Debian's ``redis-server``, installed by ``.ci/run``). Without either the
Redis tests fail: the backend must never go untested silently.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest

# The ARS data set and the manager's log-in, shared with those areas' tests.
from tests.ars.conftest import data, facts  # noqa: F401
from tests.establishment.conftest import login  # noqa: F401

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    url = os.environ.get("REDIS_TEST_URL")
    if url:
        yield url
        return
    if not os.path.exists(REDIS_SERVER):
        pytest.fail("redis-server introuvable : apt-get install redis-server, ou REDIS_TEST_URL=redis://…")
    port = _free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("redis-server n'a pas démarré")
            time.sleep(0.05)
    client.close()
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(params=["database", "redis"])
def backend(request, app):
    """The app's cache on each backend (Redis emptied after the test, like the tables)."""
    app.extensions.pop("shared_cache", None)
    if request.param == "database":
        app.config["REDIS_URL"] = None
        yield request.param
        return
    url = request.getfixturevalue("redis_url")
    app.config["REDIS_URL"] = url
    yield request.param
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    backend = app.extensions.pop("shared_cache", None)
    if backend is not None:
        backend._write_client.close()


class BrokenBackend:
    """A cache server that fails on every call (Redis down, table locked)."""

    def __init__(self):
        self.calls = 0

    def _fail(self, *_args, **_kwargs):
        self.calls += 1
        raise ConnectionError("cache down")

    get = set = delete = _fail


@pytest.fixture
def broken_cache(app):
    broken = BrokenBackend()
    app.extensions["shared_cache"] = broken
    return broken
