"""Small browser helpers shared by the journeys: fill DSFR fields by name, submit, read."""

from __future__ import annotations

from datetime import date


def fill_date(page, name: str, value: date) -> None:
    """Date inputs are ``type=date`` (ISO value) or text fields typed as jj/mm/aaaa."""
    field = page.locator(f"[name={name}]")
    field.fill(value.isoformat() if field.get_attribute("type") == "date" else value.strftime("%d/%m/%Y"))


def check(page, name: str, value: str | None = None) -> None:
    """DSFR hides the native box behind its label: check it through the input itself."""
    selector = f"input[name={name}]" + (f"[value='{value}']" if value is not None else "")
    page.locator(selector).check(force=True)


def submit(page, label: str) -> None:
    page.get_by_role("button", name=label).first.click()
    page.wait_for_load_state()


def card_with(page, text: str):
    """The DSFR card that mentions ``text``."""
    return page.locator(".fr-card", has_text=text).last
