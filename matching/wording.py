"""French wording shared by every reason a manager reads: numbers, plurals, durations."""

from __future__ import annotations


def decimal_fr(value: float, digits: int = 1) -> str:
    """4.25 → "4,3"; whole numbers lose their decimals: 25.0 → "25"."""
    rounded = round(value, digits)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.{digits}f}".replace(".", ",")


def km(value: float) -> str:
    """Distances always with one decimal ("4,0 km") so that a list reads evenly."""
    return f"{value:.1f}".replace(".", ",") + " km"


def hours(value: float) -> str:
    """11 → "11 h"; 10.5 → "10 h 30"."""
    whole = int(value)
    minutes = round((value - whole) * 60)
    if minutes == 60:
        whole, minutes = whole + 1, 0
    return f"{whole} h" if not minutes else f"{whole} h {minutes:02d}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """1 → "1 créneau"; 3 → "3 créneaux" (French: 0 and 1 take the singular)."""
    word = singular if count <= 1 else (plural_form or singular + "s")
    return f"{count} {word}"
