"""Public pages in a real browser: they render under the strict CSP and pass axe-core."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import DESKTOP, PHONE

PUBLIC_PAGES = ["/", "/missions", "/confidentialite", "/connexion", "/inscription/candidat",
                "/inscription/etablissement", "/mot-de-passe-oublie"]


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["ordinateur", "telephone"])
def test_public_pages_are_accessible_and_csp_clean(visit, viewport):
    browser = visit(viewport)
    for path in PUBLIC_PAGES:
        browser.goto(path)
        assert browser.page.locator("html").get_attribute("lang") == "fr"
        assert browser.page.locator("h1").count() >= 1
        browser.shot(path.strip("/") or "accueil")
        browser.assert_accessible()


@pytest.mark.e2e
def test_dsfr_menu_opens_on_a_phone(visit):
    """The DSFR JavaScript runs under the CSP: the burger menu opens its modal."""
    browser = visit(PHONE)
    browser.goto("/")
    browser.page.locator("#menu-button").click()
    browser.page.wait_for_selector("#menu-modal.fr-modal--opened")
    browser.shot("menu-ouvert")


@pytest.mark.e2e
def test_the_browser_refuses_an_injected_inline_script(visit):
    """What the CSP is for: a script smuggled into the page does not run, and the harness sees it."""
    browser = visit(DESKTOP)
    browser.goto("/")
    ran = browser.page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.body.appendChild(script);
        return window.injected === true;
    }""")
    for _ in range(100):  # console messages arrive asynchronously: poll for at most ~5 s
        if browser.csp_violations:
            break
        browser.page.wait_for_timeout(50)
    assert ran is False
    assert any("script-src" in text for text in browser.csp_violations)
    browser.csp_violations.clear()
