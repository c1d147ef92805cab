"""Real-browser harness: the app served on loopback, Debian's Chromium driven by Playwright.

The server runs in a thread (werkzeug) on its own SQLite file with the reference data; each
test seeds the people and needs it uses. Every page a journey visits is screenshotted to
``test-artifacts/e2e/`` and checked for Content-Security-Policy violations (the strict CSP
is on, as in production); the main pages also go through axe-core.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import COMMUNES_CSV

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
AXE = ROOT / "static" / "vendor" / "axe" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


class LiveServer:
    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from app import create_app
    from cli.database import upgrade
    from cli.reference import load_qualifications, load_territories
    from extensions import db
    from refdata.communes import load_communes

    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'releve.sqlite3'}"
    upgrade(url)
    app = create_app({
        "ENV_NAME": "test", "SECRET_KEY": "e2e-secret", "DATABASE_URL": url, "WTF_CSRF_ENABLED": True,
        "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False, "MAIL_BACKEND": "console",
        "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
    })
    with app.app_context():
        load_territories(db.session, load_communes(COMMUNES_CSV))
        load_qualifications(db.session)
        db.session.commit()
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()
    app.extensions["database"]["engine"].dispose()


@pytest.fixture
def seed(live_server):
    """Builders on the live server's database (commit before the browser looks)."""
    from extensions import db
    from tests.builders import Builder

    with live_server.app.app_context():
        builder = Builder(db.session)
        yield builder
        db.session.rollback()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One browser context: pages, screenshots, CSP violations and accessibility checks."""

    def __init__(self, browser, server: LiveServer, name: str, viewport: dict):
        self.server = server
        self.name = name
        self.context = browser.new_context(viewport=viewport, locale="fr-FR", accept_downloads=True)
        self.page = self.context.new_page()
        self.csp_violations: list[str] = []
        self.page.on("console", self._console)
        self._shots = 0

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            where = message.location.get("url", "")
            self.csp_violations.append(f"{self.page.url} ({where}:{message.location.get('lineNumber')}): {message.text}")

    def goto(self, path: str):
        response = self.page.goto(self.server.url + path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        return response

    def shot(self, label: str) -> Path:
        self._shots += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{self._shots:02d}-{re.sub(r'[^a-z0-9]+', '-', label.lower())}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def login(self, email: str, password: str = "Mot-de-passe-2026"):
        self.goto("/connexion")
        self.page.get_by_label("Adresse e-mail").fill(email)
        self.page.get_by_label("Mot de passe").fill(password)
        self.page.get_by_role("button", name="Se connecter").click()
        self.page.wait_for_load_state()
        assert "/connexion" not in self.page.url, "login failed"

    def assert_accessible(self):
        """axe-core on the current page: no serious or critical violation (loaded from /static: CSP-safe)."""
        self.page.add_script_tag(url=self.server.url + "/static/vendor/axe/axe.min.js")
        violations = self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
        )
        blocking = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not blocking, f"{self.page.url}: {blocking}"

    def close(self):
        self.context.close()
        assert not self.csp_violations, self.csp_violations


@pytest.fixture
def visit(browser, live_server, request):
    """``visit(viewport=PHONE)`` opens a browser context named after the test."""
    opened = []

    def open_visit(viewport: dict = DESKTOP, name: str | None = None) -> Visit:
        visit = Visit(browser, live_server, name or request.node.name, viewport)
        opened.append(visit)
        return visit

    yield open_visit
    for visit in opened:
        visit.close()
