"""A small fixed data set for the ARS figures, built by hand; expected values are in the tests.

Region 52 (Pays de la Loire): E1, an EHPAD in Angers (49); E2, a hospital in Nantes (44).
Region 53 (Bretagne): E3, an EHPAD in Rennes (35). July 2026 is summer time: Paris = UTC+2.

need  est  qual kind           slots (local)                 positions  held at start
N1    E1   AS   shift          5 Jul 08:00                   2          2 (one cancelled after the start)
N2    E1   IDE  shift          10 Jul 09:00                  2          1 (one withdrawn before)
N3    E2   AS   shift          31 Jul 21:00 → 1 Aug 07:00    1          1 (night across midnight)
N4    E2   ASH  shift          30 Jul 08:00, 2 Aug 08:00     1 + 1      1 + 0 (accepted 08:30 Paris)
N5    E1   AS   shift          15 Jul (cancelled need)       3          —
N6    E1   AES  replacement    20 → 27 Jul                   1          0
N7    E2   IDE  shift          29 Jul 20:00 (urgent, open)   1          0
N8    E2   AS   shift          12 Jul 08:00                  1          1 (a first one cancelled before)
N9    E1   ASH  pec            19 Jul → 18 Jan               1          1
N10   E2   SC   civic_service  26 Jul 09:00                  1          1
N11   E3   AS   shift          10 Jul 08:00 (other region)   5          2
N12   E1   AS   shift          16 Jul (draft)                1          —
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from models import PlanTarget
from models.enums import (
    ApplicationState,
    AssignmentState,
    EstablishmentType,
    NeedKind,
    NeedStatus,
    PlanIndicator,
    Public,
    Role,
    VerificationStatus,
)
from tests.builders import valid_finess

FACTS_AT = datetime(2026, 8, 5, 12, 0)  # UTC: every slot of the data set has started
URGENT_NOW = datetime(2026, 7, 28, 10, 0)  # UTC: noon in Paris, N7 starts the next evening
JULY = (date(2026, 7, 1), date(2026, 7, 31))


def at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute)


@dataclass
class Data:
    e1: object
    e2: object
    e3: object
    needs: dict
    ars: object
    ars_other: object
    ars_44: object
    admin: object
    manager: object
    candidate_user: object


def _hire(build, need, candidate, slot_index=0, accepted=None, state=AssignmentState.ACCEPTED, ended=None):
    application = build.application(need, candidate, state=ApplicationState.ACCEPTED)
    return build.assignment(application, need.slots[slot_index], state=state, accepted_at=accepted, ended_at=ended)


@pytest.fixture
def data(build, db) -> Data:
    e1 = build.establishment("49007", name="EHPAD Les Tilleuls", type=EstablishmentType.EHPAD)
    e2 = build.establishment("44109", name="CHU de Nantes", type=EstablishmentType.HOPITAL)
    e3 = build.establishment("35238", name="EHPAD de Rennes", type=EstablishmentType.EHPAD)
    people = {name: build.candidate(public=public) for name, public in (
        ("student", Public.STUDENT), ("pro1", Public.PROFESSIONAL), ("pro2", Public.PROFESSIONAL),
        ("refugee", Public.REFUGEE), ("pec", Public.PEC), ("civic", Public.CIVIC_SERVICE),
        ("refugee2", Public.REFUGEE),
    )}

    def need(est, qual, slots, positions=1, **fields):
        return build.need(est, slots=slots, qualification_code=qual, positions=positions, **fields)

    n = {}
    n[1] = need(e1, "AS", [(at(7, 5, 8), at(7, 5, 16))], 2, published_at=at(7, 1, 10), filled_at=at(7, 3, 8),
                status=NeedStatus.FILLED)
    _hire(build, n[1], people["student"], accepted=at(7, 2, 10))
    _hire(build, n[1], people["pro1"], accepted=at(7, 3, 8), state=AssignmentState.CANCELLED, ended=at(7, 5, 9))
    n[2] = need(e1, "IDE", [(at(7, 10, 9), at(7, 10, 17))], 2, published_at=at(7, 1, 10))
    _hire(build, n[2], people["pro2"], accepted=at(7, 2, 9))
    _hire(build, n[2], people["pro1"], accepted=at(7, 2, 11), state=AssignmentState.WITHDRAWN, ended=at(7, 9, 10))
    n[3] = need(e2, "AS", [(at(7, 31, 21), at(8, 1, 7))], published_at=at(7, 20, 0), filled_at=at(7, 20, 12),
                status=NeedStatus.FILLED)
    _hire(build, n[3], people["refugee"], accepted=at(7, 20, 12))
    n[4] = need(e2, "ASH", [(at(7, 30, 8), at(7, 30, 16)), (at(8, 2, 8), at(8, 2, 16))],
                published_at=at(7, 20, 6, 30), filled_at=at(8, 2, 6, 30), status=NeedStatus.FILLED)
    _hire(build, n[4], people["pro2"], 0, accepted=at(7, 25, 9))
    _hire(build, n[4], people["pro1"], 1, accepted=at(8, 2, 6, 30))  # 08:30 in Paris: after the 08:00 start
    n[5] = need(e1, "AS", [(at(7, 15, 8), at(7, 15, 16))], 3, published_at=at(7, 1, 10),
                status=NeedStatus.CANCELLED, cancelled_at=at(7, 4, 10), cancel_reason="Besoin couvert en interne")
    n[6] = need(e1, "AES", [(at(7, 20, 8), at(7, 27, 18))], kind=NeedKind.REPLACEMENT, published_at=at(7, 10, 8))
    n[7] = need(e2, "IDE", [(at(7, 29, 20), at(7, 30, 8))], published_at=at(7, 27, 8), urgent=True)
    n[8] = need(e2, "AS", [(at(7, 12, 8), at(7, 12, 20))], published_at=at(7, 5, 12), filled_at=at(7, 11, 12),
                status=NeedStatus.FILLED)
    _hire(build, n[8], people["student"], accepted=at(7, 6, 9), state=AssignmentState.CANCELLED, ended=at(7, 11, 8))
    _hire(build, n[8], people["pro2"], accepted=at(7, 11, 12))
    n[9] = need(e1, "ASH", [(at(7, 19, 9), at(1, 18, 17, year=2027))], kind=NeedKind.PEC, published_at=at(7, 8, 9),
                filled_at=at(7, 10, 9), status=NeedStatus.FILLED)
    _hire(build, n[9], people["pec"], accepted=at(7, 10, 9), state=AssignmentState.COMPLETED)
    n[10] = need(e2, "SC", [(at(7, 26, 9), at(7, 26, 17))], kind=NeedKind.CIVIC_SERVICE, published_at=at(7, 20, 9),
                 filled_at=at(7, 21, 9), status=NeedStatus.FILLED)
    _hire(build, n[10], people["civic"], accepted=at(7, 21, 9))
    n[11] = need(e3, "AS", [(at(7, 10, 8), at(7, 10, 16))], 5, published_at=at(7, 1, 8))
    _hire(build, n[11], people["refugee2"], accepted=at(7, 2, 8))
    _hire(build, n[11], people["pro1"], accepted=at(7, 2, 9))
    n[12] = need(e1, "AS", [(at(7, 16, 8), at(7, 16, 16))], status=NeedStatus.DRAFT, published_at=None)

    for region in ("52", "53"):
        for indicator, target in ((PlanIndicator.PEC, 500), (PlanIndicator.CIVIC_SERVICE, 200),
                                  (PlanIndicator.REFUGEE, 50), (PlanIndicator.STUDENT, 300)):
            db.add(PlanTarget(region_code=region, indicator=indicator, target=target,
                              period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)))
    manager = build.manager(e1)
    result = Data(
        e1=e1, e2=e2, e3=e3, needs=n, ars=build.ars_user("52"), ars_other=build.ars_user("53"),
        ars_44=build.ars_user("52", ars_departement_codes=["44"]), admin=build.user(Role.ADMIN),
        manager=manager, candidate_user=people["pro1"].user,
    )
    build.commit()
    return result


@pytest.fixture
def pending(build):
    """Two establishments of region 52 waiting for validation, and one of region 53."""
    good = build.establishment("44109", name="Résidence Océane", verification_status=VerificationStatus.PENDING)
    # A FINESS of Maine-et-Loire for an address in Nantes: refused when rechecked.
    wrong = build.establishment("44109", name="Foyer Mauvais Numéro", finess=valid_finess("49", 999),
                                verification_status=VerificationStatus.PENDING)
    other = build.establishment("35238", name="Foyer Breton", verification_status=VerificationStatus.PENDING)
    build.manager(good)
    build.commit()
    return good, wrong, other


def login(client, user) -> None:
    """Log a user in through the session cookie (Flask-Login's own keys)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.fixture
def facts(data, db):
    """The data set's facts, computed once every slot has started."""
    from services.stats_store import refresh

    refresh(db, FACTS_AT)
    db.commit()
    return data
