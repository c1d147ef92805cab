"""Editing the who-may-fill-which-post table: validated in French, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditLog, QualificationEquivalence

pytestmark = pytest.mark.usefixtures("restore_rules")


def _line(db, post, holder):
    return db.scalar(select(QualificationEquivalence).where(
        QualificationEquivalence.post_code == post, QualificationEquivalence.holder_code == holder))


def _form(line, **values):
    data = {"score": "0,8", "min_validated_years": "", "label": "Surqualifié(e)", "requires_nurse_on_duty": ""}
    data.update(values)
    return {f"line{line.id}-{k}": v for k, v in data.items() if v != ""}


def test_page_lists_the_table(client, admin, db):
    page = client.get("/admin/qualifications").get_data(as_text=True)
    assert "Poste AS" in page and "Poste IDE" in page


def test_edit_a_line_with_a_french_decimal(client, admin, db):
    line = _line(db, "AS", "ESI")
    response = client.post(f"/admin/qualifications/{line.id}",
                           data=_form(line, score="0,65", min_validated_years="2", requires_nurse_on_duty="y"))
    assert response.status_code == 302
    db.refresh(line)
    assert (line.score, line.min_validated_years, line.requires_nurse_on_duty, line.source) == (0.65, 2, True, "admin")
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "qualification_rule_change"))
    assert entry.details["change"] == "update"
    assert entry.details["after"]["score"] == 0.65


@pytest.mark.parametrize("values, message", [
    ({"score": "1,5"}, "Le score doit être compris entre 0 et 1 (par exemple 0,8)."),
    ({"score": ""}, "Indiquez un score entre 0 et 1."),
    ({"score": "beaucoup"}, "Saisissez un nombre, par exemple 0,8."),
    ({"min_validated_years": "12"}, "Le nombre d&#39;années validées doit être compris entre 0 et 10."),
])
def test_bad_values_are_refused_next_to_the_field(client, admin, db, values, message):
    line = _line(db, "AS", "ESI")
    before = (line.score, line.min_validated_years)
    response = client.post(f"/admin/qualifications/{line.id}", data=_form(line, **values))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.refresh(line)
    assert (line.score, line.min_validated_years) == before


def test_add_and_remove_a_line(client, admin, db):
    assert _line(db, "ES", "ME") is None
    response = client.post("/admin/qualifications", data={
        "post_code": "ES", "holder_code": "ME", "score": "0.7", "label": "Moniteur éducateur sur un poste d'éducateur"})
    assert response.status_code == 302
    line = _line(db, "ES", "ME")
    assert line.score == 0.7 and line.min_validated_years is None
    assert client.post(f"/admin/qualifications/{line.id}/supprimer").status_code == 302
    db.expire_all()
    assert _line(db, "ES", "ME") is None
    changes = db.scalars(select(AuditLog.details).where(AuditLog.action == "qualification_rule_change")).all()
    assert sorted(d["change"] for d in changes) == ["add", "remove"]


def test_duplicate_and_unknown_codes_are_refused(client, admin, db):
    response = client.post("/admin/qualifications", data={"post_code": "AS", "holder_code": "IDE", "score": "0.5"})
    assert response.status_code == 400
    assert "Cette qualification figure déjà pour ce poste" in response.get_data(as_text=True)
    response = client.post("/admin/qualifications", data={"post_code": "XX", "holder_code": "IDE", "score": "0.5"})
    assert response.status_code == 400


def test_unknown_line_is_a_french_404(client, admin):
    response = client.post("/admin/qualifications/999999", data={})
    assert response.status_code == 404
    assert "Cette ligne de la table des équivalences n&#39;existe pas." in response.get_data(as_text=True)
