"""Load test: the demo region (100,000 candidates) under gunicorn, driven by wrk on loopback.

    python bench/load_test.py [--candidates 100000] [--seconds 20] [--think-seconds 60] [--connections 50]

1. Seeds a file SQLite database with the CLI (db-upgrade, load-reference, seed-demo,
   refresh-ars-stats), once: ``bench/out/load.sqlite3`` is reused while it holds the same
   number of candidates and was built by the same migrations.
2. For each page, starts gunicorn (2 workers, 4 threads each: ``gthread``, see
   ``start_gunicorn``; ``--threads 1`` for sync workers) on 127.0.0.1 (a fresh server, so that the
   requests still queued from the previous page do not count), logs in the demo manager or the
   demo ARS user once through the real login form, and reuses the cookie.
3. Cold cache: the first request after the page's cache entry is gone (the cache table emptied;
   for the ARS board, after a ``refresh-ars-stats`` run, which changes its key), three times.
4. With wrk, for a bounded time each: one connection (the page alone, warm cache); 50
   connections in a closed loop (each sends its next request as soon as the previous answer
   arrives, no think time: the capacity figure); then the user model of the target, 50 users
   who each wait a random 1–5 s after every answer (wrk's ``delay()``; the latency measured
   excludes that wait). Reports requests/s, p50/p95/p99 latency, errors, the server's CPU time
   per request and the load average as JSON (``bench/out/load-results.json``) and Markdown.
Only loopback addresses are used; every run stops by itself.
"""

from __future__ import annotations

import argparse
import hashlib
import http.cookiejar
import json
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV_BIN = Path(sys.executable).parent
DEMO_PASSWORD = "Releve-demo-2026"
MANAGER, ARS = "etablissement@demo.releve.fr", "ars@demo.releve.fr"
TARGET_P95_MS = 300
THINK_MS = (1000, 5000)  # a person's pause between two pages, uniformly random
COLD_RUNS = 3
# path None: the first open need of the demo manager (its page ranks the candidates).
PAGES = [
    ("Recherche publique", {"path": "/missions?commune=Angers", "login": None}),
    ("Candidats classés d'un besoin", {"path": None, "login": MANAGER}),
    ("Tableau de bord ARS", {"path": "/ars/tableau-de-bord", "login": ARS}),
]


def _env(database: Path) -> dict:
    return dict(os.environ, RELEVE_ENV="demo", DATABASE_URL=f"sqlite:///{database}",
                RELEVE_INSTANCE_DIR=str(OUT / "instance"), MAIL_BACKEND="console")


def _flask(env: dict, *args: str) -> str:
    result = subprocess.run([str(VENV_BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True, timeout=3600)
    return result.stdout


def schema_digest() -> str:
    """The migrations the database was built with: a new table (the cache's) means a new seed."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def seed(database: Path, candidates: int) -> None:
    marker = database.with_suffix(".candidates")
    wanted = f"{candidates} {schema_digest()}"
    if database.exists() and marker.exists() and marker.read_text() == wanted:
        print(f"Base existante réutilisée : {database} ({candidates} candidats).")
        return
    for path in database.parent.glob(database.name + "*"):
        path.unlink()
    env = _env(database)
    started = time.perf_counter()
    _flask(env, "db-upgrade")
    _flask(env, "load-reference")
    print(_flask(env, "seed-demo", "--candidates", str(candidates)).strip())
    _flask(env, "refresh-ars-stats")
    marker.write_text(wanted)
    print(f"Base prête en {time.perf_counter() - started:.0f} s.")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(database: Path, workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    """``threads`` > 1: gthread workers, which wait for idle keep-alive connections without
    blocking (a sync worker blocks on a connection opened but not yet used: think time). Idle
    connections are kept longer than the longest think time, as a proxy in front would do
    (gunicorn's default, 2 s, would close them under the users' feet)."""
    port = _free_port()
    worker_class = ["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", str(THINK_MS[1] // 1000 + 5)]
    worker_class = worker_class if threads > 1 else []
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--workers", str(workers), *worker_class, "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "--log-level", "warning", "app:create_app()"],
        cwd=ROOT, env=_env(database))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310 - loopback http only
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn n'a pas démarré")


def login(base: str, email: str) -> tuple[str, urllib.request.OpenerDirector]:
    """Log in through the real form (CSRF token included); return the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/connexion", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": DEMO_PASSWORD}).encode()
    opener.open(base + "/connexion", data=data, timeout=30).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    assert "releve_session" in cookie, f"connexion impossible pour {email}"
    return cookie, opener


def ranked_need_path(base: str, opener) -> str:
    """An open need of the demo manager: its page ranks the candidates."""
    page = opener.open(base + "/etablissement/besoins?status=open", timeout=60).read().decode()
    ids = re.findall(r'href="/etablissement/besoins/(\d+)"', page)
    assert ids, "aucun besoin ouvert pour le responsable de démonstration"
    return f"/etablissement/besoins/{ids[0]}"


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU of the gunicorn master and its workers (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        pid, ppid = int(stat.parent.name), int(fields[1])
        if server.pid in (pid, ppid):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def run_wrk(server: subprocess.Popen, url: str, cookie: str | None, seconds: int, connections: int,
            think_ms: tuple[int, int] | None = None) -> dict:
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(ROOT / "bench" / "wrk_report.lua"), url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    env = dict(os.environ)
    if think_ms:
        env.update(WRK_THINK_MIN_MS=str(think_ms[0]), WRK_THINK_MAX_MS=str(think_ms[1]))
    load_before, cpu_before = os.getloadavg()[0], server_cpu_seconds(server)
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60, env=env).stdout
    result = json.loads(output.strip().splitlines()[-1])
    cpu = server_cpu_seconds(server) - cpu_before
    result.update(server_cpu_s=round(cpu, 1), cpu_ms_per_request=round(1000 * cpu / max(result["requests"], 1), 1),
                  load_average=[round(load_before, 2), round(os.getloadavg()[0], 2)])
    return result


def forget_cache(database: Path) -> None:
    """Empty the shared cache (the database backend: the ``cache_entry`` table)."""
    with sqlite3.connect(database, timeout=30) as conn:
        conn.execute("DELETE FROM cache_entry")


def cold_requests(database: Path, opener, url: str, ars: bool) -> dict:
    """The first request after the entry is gone; the ARS board's after a refresh (new key)."""
    opener = opener or urllib.request.build_opener()
    timings, refresh_s = [], []
    for _ in range(COLD_RUNS):
        if ars:
            started = time.perf_counter()
            _flask(_env(database), "refresh-ars-stats")
            refresh_s.append(round(time.perf_counter() - started, 1))
        else:
            forget_cache(database)
        started = time.perf_counter()
        with opener.open(url, timeout=120) as response:
            response.read()
        timings.append(round(1000 * (time.perf_counter() - started)))
    warm = []
    for _ in range(5):
        started = time.perf_counter()
        with opener.open(url, timeout=120) as response:
            response.read()
        warm.append(round(1000 * (time.perf_counter() - started)))
    return {"cold_ms": timings, "cold_median_ms": statistics.median(timings), "warm_median_ms": statistics.median(warm),
            "refresh_s": refresh_s}


def check_page(opener_or_none, url: str, times: int = 10) -> None:
    """A few requests first: the page must answer 200 (not a redirect to the login page), and
    both workers have loaded their code and templates before anything is measured."""
    opener = opener_or_none or urllib.request.build_opener()
    for _ in range(times):
        with opener.open(url, timeout=120) as response:
            response.read()
            assert response.status == 200 and "/connexion" not in response.url, url


def met(run: dict) -> str:
    return "oui" if run["p95_ms"] < TARGET_P95_MS and not sum(run["errors"].values()) else "non"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=20, help="durée de la boucle fermée par page (s)")
    parser.add_argument("--think-seconds", type=int, default=60, help="durée du modèle d'utilisateurs par page (s)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads par worker (1 : workers sync)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk est introuvable : apt-get install wrk")
    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / "load.sqlite3"
    seed(database, args.candidates)
    results = []
    for label, page in PAGES:
        # A fresh server per page: requests queued by the previous page's run would skew this one.
        server, base = start_gunicorn(database, args.workers, args.threads)
        try:
            cookie, opener = login(base, page["login"]) if page["login"] else (None, None)
            path = ranked_need_path(base, opener) if page["path"] is None else page["path"]
            check_page(opener, base + path)
            result = {"page": label, "path": path,
                      "cache": cold_requests(database, opener, base + path, ars=path.startswith("/ars/")),
                      "alone": run_wrk(server, base + path, cookie, min(args.seconds, 10), 1),
                      "closed_loop": run_wrk(server, base + path, cookie, args.seconds, args.connections),
                      "think_time": run_wrk(server, base + path, cookie, args.think_seconds, args.connections, THINK_MS)}
        finally:
            server.terminate()
            server.wait(timeout=60)
        results.append(result)
        print(json.dumps(result, ensure_ascii=False))
    report = {"candidates": args.candidates, "connections": args.connections, "workers": args.workers,
              "threads": args.threads,
              "seconds_closed_loop": args.seconds, "seconds_think_time": args.think_seconds, "think_ms": THINK_MS,
              "results": results}
    (OUT / "load-results.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    c = args.connections
    print(f"\n| Page | froid (ms) | chaud, seule : p50 (ms) | CPU/req (ms) | {c} sans pause : req/s | p50 | p95 "
          f"| {c} utilisateurs, pause 1–5 s : req/s | p50 | p95 | p99 | erreurs | p95 < {TARGET_P95_MS} ms |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        alone, closed, think = r["alone"], r["closed_loop"], r["think_time"]
        errors = sum(closed["errors"].values()) + sum(think["errors"].values())
        print(f"| {r['page']} | {r['cache']['cold_median_ms']:.0f} | {alone['p50_ms']:.0f} | {alone['cpu_ms_per_request']:.0f} "
              f"| {closed['rps']:.1f} | {closed['p50_ms']:.0f} | {closed['p95_ms']:.0f} "
              f"| {think['rps']:.1f} | {think['p50_ms']:.0f} | {think['p95_ms']:.0f} | {think['p99_ms']:.0f} | {errors} "
              f"| sans pause : {met(closed)} ; avec pause : {met(think)} |")


if __name__ == "__main__":
    main()
