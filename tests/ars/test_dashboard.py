"""The dashboard and drill-down pages: figures with their definitions, sorting, charts, map,
French errors on a bad period, lists behind a figure without candidate data."""

from __future__ import annotations

import html as html_lib
import re

from tests.ars.conftest import login

JULY_ARGS = "debut=2026-07-01&fin=2026-07-31"


def page(client, user, url):
    login(client, user)
    response = client.get(url)
    return response, response.get_data(as_text=True)


def test_dashboard_shows_figures_and_their_definitions(facts, client):
    response, html = page(client, facts.ars, f"/ars/tableau-de-bord?{JULY_ARGS}")
    assert response.status_code == 200
    assert "Du 1 juillet 2026 au 31 juillet 2026" in html
    assert re.search(r"Taux de pourvoi</h3>\s*<p class=\"ars-figure__value\">72,7\s%</p>", html)
    assert re.search(r"Délai médian de pourvoi</h3>\s*<p class=\"ars-figure__value\"><a [^>]+>47 h</a>", html)
    assert "3 sur 9 (33,3\u00a0%)" in html
    assert "1 besoin, 3 postes" in html
    assert "Postes pourvus ÷ postes publiés, pour les créneaux qui ont commencé dans la période." in html
    assert "CHU de Nantes" not in html  # figures only, no list on the dashboard


def test_breakdown_tables_sort_on_the_server_with_aria_sort(facts, client):
    _, html = page(client, facts.ars, f"/ars/tableau-de-bord?{JULY_ARGS}&tri=qualification.rate&ordre=desc")
    table = html[html.index('id="tableau-qualification"'):html.index('id="tableau-type"')]
    assert 'aria-sort="descending"' in table
    labels = [html_lib.unescape(label) for label in re.findall(r'<th scope="row"><a [^>]+>([^<]+)</a>', table)]
    assert labels == ["Aide-soignant(e)", "Agent(e) de service hospitalier", "Volontaire en service civique",
                      "Infirmier(ère) diplômé(e) d'État", "Accompagnant(e) éducatif(ve) et social(e)"]
    other = html[html.index('id="tableau-departement"'):html.index('id="tableau-qualification"')]
    assert 'aria-sort="ascending"' in other  # the other tables keep their default order


def test_unknown_sort_falls_back_to_the_default(facts, client):
    response, html = page(client, facts.ars, f"/ars/tableau-de-bord?{JULY_ARGS}&tri=qualification.password")
    assert response.status_code == 200
    assert 'aria-sort="descending"' not in html


def test_charts_and_map_are_inline_svg_with_text_alternatives(facts, client):
    _, html = page(client, facts.ars, f"/ars/tableau-de-bord?{JULY_ARGS}")
    assert '<title id="trend-title">Évolution du taux de pourvoi</title>' in html
    assert "juillet 2026 : 72,7\u00a0%" in html
    assert '<title id="bars-title">Taux de pourvoi par qualification</title>' in html
    map_table = html[html.index("<caption>Tensions par département</caption>"):]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="ars-num">([^<]+)</td><td class="ars-num">([^<]+)</td>',
                      map_table)
    assert rows[:5] == [("44 — Loire-Atlantique", "80\u00a0%", "1"), ("49 — Maine-et-Loire", "66,7\u00a0%", "2"),
                        ("53 — Mayenne", "—", "0"), ("72 — Sarthe", "—", "0"), ("85 — Vendée", "—", "0")]
    assert 'class="ars-rate-2 ars-shape"' in html  # 44 at 80 %
    assert "<script>" not in html and "onclick" not in html and "style=" not in html


def test_bad_period_gives_french_errors_next_to_the_fields(facts, client):
    response, html = page(client, facts.ars, "/ars/tableau-de-bord?debut=2026-02-30&fin=2026-07-31")
    assert response.status_code == 400
    assert "Date invalide : saisissez une date au format JJ/MM/AAAA." in html
    response, html = page(client, facts.ars, "/ars/tableau-de-bord?debut=2026-07-31&fin=2026-07-01")
    assert response.status_code == 400
    assert "La date de fin doit être postérieure ou égale à la date de début." in html


def test_french_day_first_dates_are_accepted(facts, client):
    response, html = page(client, facts.ars, "/ars/tableau-de-bord?debut=01/07/2026&fin=31/07/2026")
    assert response.status_code == 200
    assert "72,7\u00a0%" in html


def test_before_the_first_refresh_the_page_says_so(data, client):
    response, html = page(client, data.ars, f"/ars/tableau-de-bord?{JULY_ARGS}")
    assert response.status_code == 503
    assert "Service momentanément indisponible" in html


def test_drill_down_lists_the_needs_behind_a_figure(facts, client):
    response, html = page(client, facts.ars, f"/ars/detail?{JULY_ARGS}&indicateur=unfilled")
    assert response.status_code == 200
    assert re.findall(r'<th scope="row">n° (\d+)</th>', html) == [str(facts.needs[n].id) for n in (2, 6, 7)]
    assert "3 lignes" in html


def test_drill_down_with_a_dimension_filter(facts, client):
    _, html = page(client, facts.ars, f"/ars/detail?{JULY_ARGS}&indicateur=unfilled&dim=qualification&val=IDE")
    assert re.findall(r'<th scope="row">n° (\d+)</th>', html) == [str(facts.needs[n].id) for n in (2, 7)]
    assert "qualification : Infirmier(ère) diplômé(e) d&#39;État" in html


def test_drill_down_of_establishments_shows_counts_only(facts, client):
    _, html = page(client, facts.ars, f"/ars/detail?{JULY_ARGS}&indicateur=establishments")
    assert "EHPAD Les Tilleuls" in html and "CHU de Nantes" in html and "EHPAD de Rennes" not in html
    candidate = facts.candidate_user
    assert candidate.email not in html and candidate.last_name not in html


def test_drill_down_of_one_establishment(facts, client):
    _, html = page(client, facts.ars, f"/ars/detail?{JULY_ARGS}&indicateur=posted&dim=establishment&val={facts.e2.id}")
    assert re.findall(r'<th scope="row">n° (\d+)</th>', html) == [str(facts.needs[n].id) for n in (8, 10, 7, 4, 3)]


def test_drill_down_rejects_unknown_figures_and_filters(facts, client):
    login(client, facts.ars)
    assert client.get(f"/ars/detail?{JULY_ARGS}&indicateur=salaire").status_code == 400
    assert client.get(f"/ars/detail?{JULY_ARGS}&dim=nationalite&val=x").status_code == 400
    assert client.get(f"/ars/detail?{JULY_ARGS}&dim=establishment&val=999999").status_code == 404
