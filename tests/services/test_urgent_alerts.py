"""Urgent needs: the pool hears first at publication; others who opted in get one digest at most every 3 h."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from models import Notification
from models.enums import NeedStatus
from services import needs
from services.pool import add as add_to_pool
from services.urgent_digest import send_urgent_digest
from tests.builders import BASE_DAY

NOW = datetime(2027, 7, 1, 8, 0)
NIGHT = datetime.combine(BASE_DAY, time(21))


def sent(db, kind):
    return sorted(n.to_email for n in db.scalars(select(Notification).where(Notification.kind == kind)))


def urgent_need(build, establishment, day_offset=0, status=NeedStatus.OPEN):
    start = NIGHT + timedelta(days=day_offset)
    return build.need(establishment, slots=[(start, start + timedelta(hours=10))], urgent=True, status=status,
                      published_at=NOW - timedelta(hours=1) if status == NeedStatus.OPEN else None)


def test_publishing_an_urgent_need_alerts_the_eligible_pool_members(build, db):
    manager = build.manager()
    establishment = manager.establishments[0]
    need = urgent_need(build, establishment, status=NeedStatus.DRAFT)
    member = build.candidate(email="vivier@exemple.fr")
    unqualified = build.candidate(email="ash@exemple.fr", qualifications=(("ASH", None),))
    build.candidate(email="autre@exemple.fr")
    for profile in (member, unqualified):
        add_to_pool(db, establishment, profile, by=manager, now=NOW)
    needs.publish_need(db, manager, need, now=NOW)
    assert need.status == NeedStatus.OPEN and need.last_alert_at == NOW
    assert sent(db, "urgent_pool") == ["vivier@exemple.fr"]


def test_one_digest_lists_several_urgent_needs_then_waits_three_hours(build, db):
    establishment = build.establishment()
    first, second = urgent_need(build, establishment), urgent_need(build, establishment, day_offset=2)
    build.need(establishment, title="Pas urgent")
    opted_in = build.candidate(email="alertes@exemple.fr", consent_alerts=True)
    build.candidate(email="sans-alertes@exemple.fr", consent_alerts=False)
    assert send_urgent_digest(db, now=NOW) == 1
    digest = db.scalar(select(Notification).where(Notification.kind == "urgent_digest"))
    assert digest.to_email == "alertes@exemple.fr"
    assert digest.subject == "Relève : 2 besoins urgents près de chez vous"
    assert digest.body.count("Vacation de nuit") == 2
    assert opted_in.last_digest_at == NOW

    third = urgent_need(build, establishment, day_offset=4)
    third.published_at = NOW + timedelta(hours=1)
    assert send_urgent_digest(db, now=NOW + timedelta(hours=2, minutes=59)) == 0
    assert send_urgent_digest(db, now=NOW + timedelta(hours=3)) == 1
    latest = db.scalars(select(Notification).where(Notification.kind == "urgent_digest")
                        .order_by(Notification.id.desc())).first()
    assert latest.subject == "Relève : 1 besoin urgent près de chez vous"  # only the one published since
    assert latest.body.count("Vacation de nuit") == 1 and first.id != second.id
