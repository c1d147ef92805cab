"""The three journeys of Relève in a real browser (see issue 7).

Each journey seeds what it needs on the live server, then a person clicks through the pages
(screenshots in test-artifacts/e2e/); the main pages pass axe-core, and no page breaks the CSP.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from models import utcnow
from models.enums import ApplicationState
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import card_with, check, fill_date, submit

SHIFT_DAY = date(2027, 7, 20)  # inside the default availability of the builders' candidates


def _seed_establishment(seed, tag: str):
    manager = seed.user(email=f"direction.{tag}@exemple.fr", first_name="Claire", last_name="Martin")
    from models.enums import Role

    manager.role = Role.ESTABLISHMENT
    establishment = seed.establishment("49007", manager=manager, name=f"EHPAD Les Tilleuls {tag}")
    return manager, establishment


@pytest.mark.e2e
def test_manager_posts_a_night_shift_and_books_a_suggested_candidate(visit, seed):
    manager, _ = _seed_establishment(seed, "nuit")
    candidate = seed.candidate(email="ines.nuit@exemple.fr", prefers_nights=True, consent_visible=True)
    candidate.user.first_name, candidate.user.last_name = "Inès", "Moreau"
    seed.commit()

    desk = visit(DESKTOP, name="manager")
    desk.login(manager.email)
    desk.goto("/etablissement/besoins/nouveau")
    desk.shot("nouveau besoin")
    desk.assert_accessible()
    page = desk.page
    page.locator("[name=kind]").select_option("shift")
    page.locator("[name=qualification]").select_option("AS")
    page.locator("[name=title]").fill("Nuit AS unité Alzheimer")
    fill_date(page, "date", SHIFT_DAY)
    page.locator("[name=start_time]").fill("21:00")
    page.locator("[name=end_time]").fill("07:00")
    page.locator("[name=positions]").fill("1")
    submit(page, "Publier")
    assert re.search(r"/etablissement/besoins/\d+$", page.url), page.url
    need_url = page.url.removeprefix(desk.server.url)
    desk.shot("besoin publie")
    desk.assert_accessible()

    suggestion = page.locator("#suggestions ~ ul li", has_text="Inès")
    assert suggestion.count() == 1, "the available AS nearby is suggested"
    suggestion.get_by_role("button", name="Inviter").click()
    page.wait_for_load_state()
    desk.shot("candidate invitee")

    phone = visit(PHONE, name="manager-candidate")
    phone.login(candidate.user.email)
    phone.goto("/candidat/candidatures")
    phone.shot("invitation recue")
    card_with(phone.page, "Nuit AS unité Alzheimer").get_by_role("button", name="Accepter").click()
    phone.page.wait_for_load_state()
    phone.shot("invitation acceptee")

    desk.goto(need_url)
    booked = page.locator("#reservations ~ *", has_text="Inès").first
    assert booked.count() == 1
    desk.shot("personne retenue")


def _fill_profile_wizard(page) -> None:
    """The seven short steps of the candidate profile, one screen each on a phone."""
    check(page, "public", "professional")
    submit(page, "Continuer")
    fill_date(page, "birth_date", date(1998, 3, 14))
    submit(page, "Continuer")
    page.locator("[name=commune]").fill("Angers")
    submit(page, "Continuer")
    check(page, "qualification_codes", "AS")
    submit(page, "Continuer")
    check(page, "work_authorization", "oui")
    check(page, "driving_licence", "non")
    submit(page, "Continuer")
    check(page, "prefers_nights")
    submit(page, "Continuer")
    check(page, "consent_visible")
    submit(page, "Enregistrer mon profil")


@pytest.mark.e2e
def test_candidate_signs_up_on_a_phone_applies_and_sees_the_acceptance(visit, seed):
    manager, establishment = _seed_establishment(seed, "inscription")
    start = datetime.combine(SHIFT_DAY + timedelta(days=1), datetime.min.time()).replace(hour=21)
    need = seed.need(establishment=establishment, title="Nuit AS aux Tilleuls", slots=[(start, start + timedelta(hours=10))])
    seed.commit()

    phone = visit(PHONE, name="candidate")
    page = phone.page
    phone.goto("/inscription/candidat")
    phone.shot("inscription")
    page.locator("[name=first_name]").fill("Yanis")
    page.locator("[name=last_name]").fill("Benali")
    page.locator("[name=email]").fill("yanis.benali@exemple.fr")
    page.locator("[name=password]").fill("Une phrase de passe 2026")
    page.locator("[name=password_confirm]").fill("Une phrase de passe 2026")
    check(page, "consent")
    submit(page, "Créer mon compte")
    assert "/candidat/profil/etapes" in page.url, page.url
    phone.shot("profil etape 1")
    phone.assert_accessible()
    _fill_profile_wizard(page)

    assert "/candidat/disponibilites" in page.url, page.url
    phone.shot("disponibilites")
    phone.assert_accessible()
    check(page, "kind", "period")
    fill_date(page, "start_date", date(2027, 7, 1))
    fill_date(page, "end_date", date(2027, 8, 31))
    submit(page, "Ajouter")
    phone.shot("disponibilite ajoutee")

    phone.goto("/candidat/missions")
    phone.shot("missions")
    phone.assert_accessible()
    page.get_by_role("link", name="Nuit AS aux Tilleuls").click()
    page.wait_for_load_state()
    phone.shot("mission")
    submit(page, "Envoyer ma candidature")
    phone.goto("/candidat/candidatures")
    assert card_with(page, "Nuit AS aux Tilleuls").count() == 1
    phone.shot("candidature envoyee")

    desk = visit(DESKTOP, name="candidate-manager")
    desk.login(manager.email)
    desk.goto(f"/etablissement/besoins/{need.id}")
    desk.page.locator("#candidatures ~ *", has_text="Yanis").get_by_role("button", name="Accepter").first.click()
    desk.page.wait_for_load_state()
    desk.shot("candidature acceptee")

    phone.goto("/candidat/candidatures")
    accepted = card_with(page, "Nuit AS aux Tilleuls")
    assert ApplicationState.ACCEPTED.label in accepted.text_content()  # inner_text() is upper-cased by the CSS
    phone.shot("acceptation vue")
    phone.assert_accessible()


def _figure(page, title: str) -> str:
    return page.locator(".ars-figure", has=page.get_by_role("heading", name=title)).locator(".ars-figure__value").inner_text()


@pytest.mark.e2e
def test_ars_user_sees_the_figures_move_and_downloads_the_csv(visit, seed, live_server):
    from extensions import db
    from services import stats_store

    _, establishment = _seed_establishment(seed, "ars")
    ars = seed.ars_user("52", email="ars.e2e@exemple.fr")
    yesterday = datetime.combine(date.today() - timedelta(days=2), datetime.min.time()).replace(hour=21)
    need = seed.need(establishment=establishment, title="Nuit passée", slots=[(yesterday, yesterday + timedelta(hours=10))])
    application = seed.application(need, seed.candidate(email="sam.ars@exemple.fr"))
    seed.commit()
    stats_store.refresh(db.session, utcnow())
    db.session.commit()

    desk = visit(DESKTOP, name="ars")
    desk.login(ars.email)
    desk.goto("/ars/tableau-de-bord")
    desk.shot("tableau de bord")
    desk.assert_accessible()
    filled_before = int(_figure(desk.page, "Postes pourvus").replace("\u202f", "").replace(" ", ""))

    # The manager confirmed the candidate; the statistics job runs again.
    application.state = ApplicationState.ACCEPTED
    seed.assignment(application, need.slots[0], accepted_at=yesterday - timedelta(days=1))  # booked before the shift
    seed.commit()
    stats_store.refresh(db.session, utcnow())
    db.session.commit()

    desk.goto("/ars/tableau-de-bord")
    filled_after = int(_figure(desk.page, "Postes pourvus").replace("\u202f", "").replace(" ", ""))
    assert filled_after == filled_before + 1
    desk.shot("chiffres a jour")

    with desk.page.expect_download() as download_info:
        desk.page.get_by_role("link", name="Liste des besoins (CSV)").click()
    download = download_info.value
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert len(rows) >= 2
    assert any("Nuit passée" in ";".join(row) or establishment.name in ";".join(row) for row in rows[1:])
