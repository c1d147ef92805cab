"""CSV exports in French spreadsheet format, the Excel file of the period, and their audit."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from models import AuditLog
from tests.ars.conftest import login

JULY_ARGS = "debut=2026-07-01&fin=2026-07-31"


def download(client, user, url):
    login(client, user)
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_breakdown_csv_has_bom_semicolons_french_header_and_decimal_comma(facts, client):
    response = download(client, facts.ars, f"/ars/export/departement.csv?{JULY_ARGS}")
    assert response.mimetype == "text/csv"
    assert 'filename="releve-departement-20260701-20260731.csv"' in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    lines = response.data.decode("utf-8-sig").split("\r\n")
    assert lines == [
        "Code;Libellé;Postes publiés;Postes pourvus;Taux de pourvoi (%);Besoins commencés;Besoins non pourvus à leur début",
        "44;44 — Loire-Atlantique;5;4;80,0;5;1",
        "49;49 — Maine-et-Loire;6;4;66,7;4;2",
        "",
    ]


def test_every_breakdown_exports(facts, client):
    expected_rows = {"qualification": 5, "type": 2, "kind": 4, "period": 1}
    for name, count in expected_rows.items():
        lines = download(client, facts.ars, f"/ars/export/{name}.csv?{JULY_ARGS}").data.decode("utf-8-sig").splitlines()
        assert len(lines) == 1 + count
    kinds = download(client, facts.ars, f"/ars/export/kind.csv?{JULY_ARGS}").data.decode("utf-8-sig").splitlines()
    assert kinds[-1] == "shift;Vacation(s);8;6;75,0;6;2"


def test_needs_csv_lists_the_figure_behind_with_local_times(facts, client):
    data = download(client, facts.ars, f"/ars/export/besoins.csv?{JULY_ARGS}&indicateur=time_to_fill").data
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == ("N° du besoin;Établissement;Département;Qualification;Type de besoin;Début du premier créneau;"
                        "Postes;Postes pourvus;Délai de pourvoi (heures)")
    assert lines[1] == f"{facts.needs[1].id};EHPAD Les Tilleuls;49;Aide-soignant(e);Vacation(s);05/07/2026 08:00;2;;46,0"
    assert len(lines) == 7  # N1, N8, N9, N10, N4, N3


def test_establishments_csv(facts, client):
    lines = download(client, facts.ars, f"/ars/export/etablissements.csv?{JULY_ARGS}").data.decode("utf-8-sig").splitlines()
    assert lines[1:] == [f"{facts.e2.id};CHU de Nantes;44;Hôpital;5;4;80,0;5;1",
                         f"{facts.e1.id};EHPAD Les Tilleuls;49;EHPAD;6;4;66,7;4;2"]


def test_excel_file_of_the_period(facts, client):
    response = download(client, facts.ars, f"/ars/export/periode.xlsx?{JULY_ARGS}")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        needs_sheet = archive.read("xl/worksheets/sheet8.xml").decode()
    for title in ("Indicateurs", "Par département", "Par qualification", "Établissements", "Besoins"):
        assert f'name="{title}"' in workbook
    assert len(sheets) == 8
    assert "Début du premier créneau" in needs_sheet  # constant_memory mode writes strings inline
    assert needs_sheet.count("<row ") == 1 + 9  # header and the 9 needs started in July


def test_exports_are_audited(facts, client, db):
    download(client, facts.ars, f"/ars/export/qualification.csv?{JULY_ARGS}&dim=departement&val=44")
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "data_export"))
    assert entry.actor_user_id == facts.ars.id
    assert (entry.target_type, entry.target_id) == ("ars_table", "qualification")
    assert entry.details == {"format": "csv", "start": "2026-07-01", "end": "2026-07-31", "region": None,
                             "dimension": "departement", "value": "44"}


def test_unknown_table_and_bad_period(facts, client):
    login(client, facts.ars)
    assert client.get(f"/ars/export/candidats.csv?{JULY_ARGS}").status_code == 404
    response = client.get("/ars/export/departement.csv?debut=2026-07-31&fin=2026-07-01")
    assert response.status_code == 400
    assert "La date de fin doit être postérieure ou égale à la date de début." in response.get_data(as_text=True)
