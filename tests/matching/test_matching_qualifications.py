"""Who may fill which post (domain-rules.md), free text, and the table as data."""

from __future__ import annotations

import json

import pytest
from matching_builders import candidate, need

from matching import MatchingConfig, Qualification, QualificationRules, eligible_codes, evaluate
from matching.qualifications import DATA_FILE

FUZZY_MAX = 0.8  # DEFAULT_CONFIG.fuzzy_max_score, restated: a perfect free-text match scores 0.8 x table score


def fit(post: str, *codes: tuple[str, int | None], text: str | None = None, nurse_on_duty: bool = True):
    result = evaluate(need(qualification=post, nurse_on_duty=nurse_on_duty),
                      candidate(qualifications=tuple(Qualification(c, y) for c, y in codes), qualification_text=text))
    return result


@pytest.mark.parametrize(("post", "code", "expected"), [
    ("AS", "AS", 1.0), ("IDE", "IDE", 1.0), ("AES", "AES", 1.0), ("AP", "AP", 1.0), ("KINE", "KINE", 1.0),
    ("AS", "IDE", 0.8), ("AES", "AS", 0.8), ("AP", "IDE", 0.8), ("ME", "ES", 0.8),
    ("ASH", "ASH", 1.0), ("ASH", "ASH70", 1.0), ("ASH", "IDE", 0.6), ("ASH", "AS", 0.6),
])
def test_table_scores(post, code, expected):
    result = fit(post, (code, None))
    assert result.eligible
    assert result.components["qualification"] == expected


def test_over_qualified_nurse_scores_below_a_care_assistant_on_an_as_post():
    assert fit("AS", ("IDE", None)).score < fit("AS", ("AS", None)).score


def test_ash_post_takes_anyone_even_without_any_qualification():
    result = fit("ASH")
    assert result.eligible and result.components["qualification"] == 0.6
    assert "Poste sans diplôme requis" in result.reasons


@pytest.mark.parametrize(("code", "post"), [("ASH", "AS"), ("ASH70", "AS"), ("AS", "IDE"), ("AES", "AS")])
def test_never_pairs_are_excluded_with_their_reason(code, post):
    result = fit(post, (code, None))
    assert not result.eligible and result.score == 0
    assert result.exclusions == ["qualification_never"]
    assert "ne peut pas occuper" in result.reasons[0]


def test_a_never_code_does_not_hide_a_valid_one():
    assert fit("AS", ("ASH", None), ("AS", None)).eligible


@pytest.mark.parametrize(("post", "code", "enough"), [
    ("AS", "ESI", 1), ("AS", "EMED", 2), ("AS", "EMAI", 2), ("AS", "EODONTO", 3), ("IDE", "EMED", 5),
])
def test_student_years_thresholds(post, code, enough):
    below = fit(post, (code, enough - 1))
    assert not below.eligible and below.exclusions == ["student_years"]
    at_threshold = fit(post, (code, enough))
    assert at_threshold.eligible and at_threshold.components["qualification"] == 0.7


def test_student_without_validated_years_counts_zero():
    assert fit("AS", ("ESI", None)).exclusions == ["student_years"]


def test_students_on_an_as_post_need_a_nurse_on_duty():
    assert fit("AS", ("ESI", 2), nurse_on_duty=True).eligible
    without = fit("AS", ("ESI", 2), nurse_on_duty=False)
    assert not without.eligible and without.exclusions == ["nurse_on_duty"]
    assert fit("AS", ("AS", None), nurse_on_duty=False).eligible  # graduates do not need one


def test_student_codes_not_in_the_table_take_nothing():
    result = fit("AS", ("EAS", None))
    assert not result.eligible and result.exclusions == ["qualification"]
    assert result.reasons == ["aucune qualification reconnue pour le poste « Aide-soignant(e) »"]


@pytest.mark.parametrize(("text", "post", "table_score"), [
    ("aide soignante diplômée", "AS", 1.0),
    ("Aide-Soignant", "AS", 1.0),
    ("AMP", "AES", 1.0),
    ("AVS", "AES", 1.0),
    ("auxiliaire de vie", "AES", 1.0),
    ("infirmière", "IDE", 1.0),
    ("infirmier diplômé d'État", "AS", 0.8),
    ("ASHQ", "ASH", 1.0),
    ("agent d'entretien, bionettoyage", "ASH", 1.0),
])
def test_free_text_reads_as_a_code_below_the_declared_score(text, post, table_score):
    result = fit(post, text=text)
    assert result.eligible
    assert result.components["qualification"] == round(table_score * FUZZY_MAX, 3)
    assert "texte libre" in result.reasons[0]


@pytest.mark.parametrize("text", ["ASH", "ASHQ", "agent de service hospitalier", "agent d'entretien, bionettoyage",
                                  "ASH faisant fonction d'aide-soignante", "AES", "AMP"])
def test_free_text_never_turns_an_ash_or_aes_into_an_as(text):
    result = fit("AS", text=text)
    assert not result.eligible
    assert result.exclusions == ["qualification_never"]


def test_free_text_is_not_trusted_when_a_declared_code_is_a_never_pair():
    assert fit("AS", ("ASH", None), text="aide soignante").exclusions == ["qualification_never"]


def test_a_student_text_is_never_read_as_the_diploma():
    result = fit("IDE", text="étudiante infirmière 2e année")
    assert not result.eligible
    assert fit("AS", text="étudiante infirmière").exclusions == ["student_years"]  # years unknown from text


@pytest.mark.parametrize("text", ["auxiliaire", "aide à domicile", "ménage", "", "   "])
def test_vague_text_reads_as_nothing(text):
    assert fit("AS", text=text).exclusions == ["qualification"]


def test_declared_code_wins_over_text():
    result = fit("AS", ("AS", None), text="infirmière")
    assert result.components["qualification"] == 1.0


def test_ash_post_prefers_ash_text_over_anyone():
    assert fit("ASH", text="ASHQ").components["qualification"] == round(1.0 * FUZZY_MAX, 3)


def test_rules_round_trip_through_dict_and_json_file():
    rules = QualificationRules.default()
    data = rules.to_dict()
    assert QualificationRules.from_dict(data).to_dict() == data
    on_disk = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert QualificationRules.from_dict(on_disk).to_dict()["posts"] == on_disk["posts"]
    assert all(entry["source"] in on_disk["sources"] for entries in on_disk["posts"].values() for entry in entries)


def test_admin_edited_rules_change_the_result():
    data = QualificationRules.default().to_dict()
    data["posts"]["AES"] = [{"code": "AES", "min_validated_years": 0, "score": 1.0,
                             "requires_nurse_on_duty": False, "label": "AES"}]
    config = MatchingConfig(qualification_rules=QualificationRules.from_dict(data))
    assert not evaluate(need(qualification="AES"), candidate(), config).eligible
    assert evaluate(need(qualification="AES"), candidate()).eligible


@pytest.mark.parametrize("breakage", [
    lambda d: d["posts"]["AS"].append({"code": "ASH", "score": 0.5, "label": "x"}),  # contradicts a never pair
    lambda d: d["posts"]["AS"].append({"code": "NOPE", "score": 0.5, "label": "x"}),
    lambda d: d["posts"].update(NOPE=[]),
    lambda d: d["posts"]["AS"].append({"code": "IDE", "score": 1.5, "label": "x"}),
    lambda d: d.pop("qualifications"),
    lambda d: d["posts"]["AS"].append({"code": "IDE", "unknown_key": 1}),
])
def test_inconsistent_tables_are_refused(breakage):
    data = QualificationRules.default().to_dict()
    breakage(data)
    with pytest.raises(ValueError):
        QualificationRules.from_dict(data)


def test_eligible_codes_for_the_sql_prefilter():
    rules = QualificationRules.default()
    assert eligible_codes("AS", rules) == {"AS", "IDE", "ESI", "EMED", "EMAI", "EODONTO"}
    assert eligible_codes("IDE", rules) == {"IDE", "EMED"}
    assert eligible_codes("KINE", rules) == {"KINE"}
    assert eligible_codes("ASH", rules) == set(rules.codes)
    assert eligible_codes("EAS", rules) == {"EAS"}  # absent from the table: its own code only


def test_unknown_post_code_is_a_value_error():
    with pytest.raises(ValueError, match="unknown qualification code"):
        evaluate(need(qualification="NOPE"), candidate())


def test_a_student_reason_gives_the_table_rule_and_his_own_years():
    result = fit("AS", ("ESI", 2))
    assert result.reasons[0] == ("Étudiant(e) en soins infirmiers (1 année validée au moins), infirmier(ère) présent(e)"
                                 " ; 2 années validées")
