"""Load test: the demo region (100,000 candidates) under gunicorn, driven by wrk on loopback.

    python bench/load_test.py [--candidates 100000] [--seconds 20] [--connections 50]

1. Seeds a file SQLite database with the CLI (db-upgrade, load-reference, seed-demo,
   refresh-ars-stats), once: ``bench/out/load.sqlite3`` is reused while it holds the same
   number of candidates.
2. For each page, starts gunicorn (2 sync workers) on 127.0.0.1 (a fresh server, so that the
   requests still queued from the previous page do not count), logs in the demo manager or the
   demo ARS user once through the real login form, and reuses the cookie.
3. Drives the page with wrk, first with one connection (the page alone), then with 50 (closed
   loop: every connection sends its next request as soon as the previous answer arrives, no
   think time), for a bounded time; reports requests/s, p50/p95 latency and errors as JSON
   (``bench/out/load-results.json``) and a Markdown table.
Only loopback addresses are used; every run stops by itself.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
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


def seed(database: Path, candidates: int) -> None:
    marker = database.with_suffix(".candidates")
    if database.exists() and marker.exists() and marker.read_text() == str(candidates):
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
    marker.write_text(str(candidates))
    print(f"Base prête en {time.perf_counter() - started:.0f} s.")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(database: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "120",
         "--log-level", "warning", "app:create_app()"],
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


def run_wrk(url: str, cookie: str | None, seconds: int, connections: int) -> dict:
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(ROOT / "bench" / "wrk_report.lua"), url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    return json.loads(output.strip().splitlines()[-1])


def check_page(opener_or_none, url: str) -> None:
    """One request first: the page must answer 200 (not a redirect to the login page)."""
    opener = opener_or_none or urllib.request.build_opener()
    with opener.open(url, timeout=120) as response:
        assert response.status == 200 and "/connexion" not in response.url, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=20, help="durée par page (s)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk est introuvable : apt-get install wrk")
    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / "load.sqlite3"
    seed(database, args.candidates)
    results = []
    for label, page in PAGES:
        # A fresh server per page: requests queued by the previous page's run would skew this one.
        server, base = start_gunicorn(database, args.workers)
        try:
            cookie, opener = login(base, page["login"]) if page["login"] else (None, None)
            path = ranked_need_path(base, opener) if page["path"] is None else page["path"]
            check_page(opener, base + path)
            result = {"page": label, "path": path,
                      "alone": run_wrk(base + path, cookie, min(args.seconds, 10), 1),
                      "loaded": run_wrk(base + path, cookie, args.seconds, args.connections)}
        finally:
            server.terminate()
            server.wait(timeout=60)
        results.append(result)
        print(json.dumps(result, ensure_ascii=False))
    report = {"candidates": args.candidates, "connections": args.connections, "workers": args.workers,
              "seconds_per_page": args.seconds, "results": results}
    (OUT / "load-results.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"\n| Page | seule : p50 (ms) | {args.connections} connexions : req/s | p50 (ms) | p95 (ms) | erreurs "
          f"| p95 < {TARGET_P95_MS} ms |\n|---|---|---|---|---|---|---|")
    for r in results:
        alone, loaded = r["alone"], r["loaded"]
        errors = sum(loaded["errors"].values())
        print(f"| {r['page']} | {alone['p50_ms']:.0f} | {loaded['rps']:.1f} | {loaded['p50_ms']:.0f} | {loaded['p95_ms']:.0f} "
              f"| {errors} | {'oui' if loaded['p95_ms'] < TARGET_P95_MS and not errors else 'non'} |")


if __name__ == "__main__":
    main()
