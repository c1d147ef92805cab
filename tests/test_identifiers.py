"""FINESS and SIRET checks against real published numbers (domain-rules.md, "Identifiers")."""

from __future__ import annotations

import pytest

from services.identifiers import finess_error, siret_error

KEY_FINESS = "La clé du numéro FINESS (dernier chiffre) est incorrecte : vérifiez la saisie."
KEY_SIRET = "La clé du numéro SIRET est incorrecte : vérifiez la saisie."


@pytest.mark.parametrize("finess", [
    "440000289",    # CHU de Nantes
    "750712184",    # AP-HP
    "2B0000020",    # Centre hospitalier de Bastia (read as 220000020 for the key)
    "2B0005342",    # Centre hospitalier de Calvi
    "44 000 028 9",  # spaces are ignored
])
def test_real_finess_numbers_are_valid(finess):
    assert finess_error(finess) is None


@pytest.mark.parametrize("finess, message", [
    ("440000288", KEY_FINESS),
    ("750712185", KEY_FINESS),
    ("2B0000021", KEY_FINESS),
    ("44000028", "Le numéro FINESS doit comporter 9 caractères."),
    ("4400002890", "Le numéro FINESS doit comporter 9 caractères."),
    ("2C0000020", "Le numéro FINESS commence par le département (2 chiffres, ou 2A, 2B) suivi de 7 chiffres."),
    ("", "Le numéro FINESS doit comporter 9 caractères."),
])
def test_wrong_finess_numbers_say_why(finess, message):
    assert finess_error(finess) == message


def test_finess_departement_must_match_the_commune():
    assert finess_error("440000289", "44") is None
    assert finess_error("2B0000020", "2B") is None
    assert finess_error("440000289", "49") == (
        "Ce numéro FINESS appartient au département 44, mais l'adresse est dans le département 49.")


@pytest.mark.parametrize("siret", [
    "73282932000074",  # the classic published example (Luhn)
    "35600000000048",  # La Poste head office: an ordinary Luhn number
    "35600000049837",  # a La Poste establishment: not Luhn, its digits add up to 45, a multiple of 5
    "732 829 320 00074",
])
def test_real_siret_numbers_are_valid(siret):
    assert siret_error(siret) is None


@pytest.mark.parametrize("siret, message", [
    ("73282932000075", KEY_SIRET),
    ("35600000049838", "Ce numéro SIRET de La Poste est incorrect : vérifiez la saisie."),  # sum 46, not Luhn
    ("7328293200007", "Le numéro SIRET doit comporter 14 chiffres."),
    ("7328293200007A", "Le numéro SIRET doit comporter 14 chiffres."),
])
def test_wrong_siret_numbers_say_why(siret, message):
    assert siret_error(siret) == message
