"""Official identifiers: FINESS and SIRET checks (domain-rules.md, "Identifiers")."""

from __future__ import annotations

import re

FINESS_RE = re.compile(r"^(\d{2}|2A|2B|97\d)\d{6,7}$")
LA_POSTE_SIREN = "356000000"


def luhn_valid(digits: str) -> bool:
    """Luhn checksum over a string of digits (the last one being the key)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_key(body: str) -> str:
    """The digit that makes ``body + key`` pass the Luhn check."""
    for key in "0123456789":
        if luhn_valid(body + key):
            return key
    raise ValueError(body)


def normalize_finess(value: str) -> str:
    return re.sub(r"[\s.-]", "", value or "").upper()


def finess_digits(finess: str) -> str:
    """Corsica's 2A and 2B are read as 21 and 22 for the key."""
    return finess.replace("2A", "21", 1).replace("2B", "22", 1) if finess[:2] in ("2A", "2B") else finess


def finess_departement(finess: str) -> str:
    """Département code of a FINESS: 2 characters, 3 for the overseas 97x."""
    return finess[:3] if finess.startswith("97") else finess[:2]


def finess_error(value: str, departement_code: str | None = None) -> str | None:
    """French message saying why ``value`` is not a valid FINESS, or None when it is."""
    finess = normalize_finess(value)
    if len(finess) != 9:
        return "Le numéro FINESS doit comporter 9 caractères."
    if not re.fullmatch(r"(\d{2}|2A|2B)\d{7}", finess):
        return "Le numéro FINESS commence par le département (2 chiffres, ou 2A, 2B) suivi de 7 chiffres."
    if not luhn_valid(finess_digits(finess)):
        return "La clé du numéro FINESS (dernier chiffre) est incorrecte : vérifiez la saisie."
    if departement_code and finess_departement(finess) != departement_code:
        return (f"Ce numéro FINESS appartient au département {finess_departement(finess)}, "
                f"mais l'adresse est dans le département {departement_code}.")
    return None


def normalize_siret(value: str) -> str:
    return re.sub(r"[\s.-]", "", value or "")


def siret_error(value: str) -> str | None:
    """French message saying why ``value`` is not a valid SIRET, or None when it is."""
    siret = normalize_siret(value)
    if not re.fullmatch(r"\d{14}", siret):
        return "Le numéro SIRET doit comporter 14 chiffres."
    if siret.startswith(LA_POSTE_SIREN):
        # La Poste's establishments share one SIREN: their SIRET digits add up to a multiple
        # of 5 (its head office, 356 000 000 00048, also passes the ordinary Luhn check).
        if sum(int(c) for c in siret) % 5 != 0 and not luhn_valid(siret):
            return "Ce numéro SIRET de La Poste est incorrect : vérifiez la saisie."
        return None
    if not luhn_valid(siret):
        return "La clé du numéro SIRET est incorrecte : vérifiez la saisie."
    return None
