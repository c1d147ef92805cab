"""Availability: adding and removing rules, French errors, the calendar and the reminder."""

from __future__ import annotations

from datetime import date, time, timedelta

from models import AvailabilityRule, CandidateProfile, utcnow
from models.enums import AvailabilityKind
from services.availability_calendar import FULL, NONE, OFF, PARTIAL, month_grids

PAGE = "/candidat/disponibilites"


def _rule(kind, start, end, weekdays=0, start_time=None, end_time=None):
    return AvailabilityRule(kind=kind, start_date=start, end_date=end, weekdays=weekdays, start_time=start_time, end_time=end_time)


def test_month_grid_shows_each_kind_of_day():
    rules = [
        _rule(AvailabilityKind.PERIOD, date(2027, 7, 1), date(2027, 7, 10)),
        _rule(AvailabilityKind.UNAVAILABLE, date(2027, 7, 5), date(2027, 7, 6)),
        # Saturdays (bit 5) from 14:00 to 20:00.
        _rule(AvailabilityKind.WEEKLY, date(2027, 7, 1), date(2027, 8, 31), weekdays=1 << 5,
              start_time=time(14), end_time=time(20)),
    ]
    months = month_grids(rules, today=date(2027, 7, 3), months=2)
    assert [m.first for m in months] == [date(2027, 7, 1), date(2027, 8, 1)]
    days = {d.day: d for m in months for week in m.weeks for d in week if d}
    assert days[date(2027, 7, 2)].status == FULL
    assert days[date(2027, 7, 5)].status == OFF
    assert days[date(2027, 7, 12)].status == NONE
    # 17 July 2027 is a Saturday outside the period: only the weekly hours.
    assert days[date(2027, 7, 17)].status == PARTIAL
    assert days[date(2027, 7, 17)].label == "Disponible une partie de la journée (14h00–20h00)"
    assert days[date(2027, 7, 3)].is_today
    # July 2027 starts on a Thursday: three empty cells before it in the first week.
    assert months[0].weeks[0][:3] == [None, None, None]


def test_add_a_period_and_see_it_in_the_calendar(client, build, login, db):
    profile = build.candidate(availability=[])
    profile.availability_updated_at = None
    build.commit()
    login(profile.user)
    start, end = date.today() + timedelta(days=1), date.today() + timedelta(days=3)
    response = client.post(PAGE, data={"kind": "period", "start_date": start.isoformat(), "end_date": end.isoformat()})
    assert response.status_code == 302
    db.expire_all()
    profile = db.get(CandidateProfile, profile.id)
    assert [(r.kind, r.start_date, r.end_date) for r in profile.availability_rules] == [(AvailabilityKind.PERIOD, start, end)]
    assert profile.availability_updated_at is not None
    page = client.get(PAGE).get_data(as_text=True)
    assert page.count('<td class="releve-day releve-day--full') == 3
    assert "Disponible toute la journée" in page


def test_weekly_pattern_stores_weekdays_as_a_bitmask(client, build, login, db):
    profile = build.candidate(availability=[])
    build.commit()
    login(profile.user)
    start = date.today() + timedelta(days=1)
    data = {"kind": "weekly", "start_date": start.isoformat(), "end_date": (start + timedelta(days=60)).isoformat(),
            "weekdays": ["5", "6"], "start_time": "21:00", "end_time": "07:00"}
    assert client.post(PAGE, data=data).status_code == 302
    db.expire_all()
    rule = db.get(CandidateProfile, profile.id).availability_rules[0]
    assert (rule.weekdays, rule.start_time, rule.end_time) == (0b1100000, time(21), time(7))
    assert "samedi, dimanche, de 21h00 à 07h00 (le lendemain)" in client.get(PAGE).get_data(as_text=True)


def test_end_before_start_is_refused_in_french(client, build, login, db):
    profile = build.candidate(availability=[])
    build.commit()
    login(profile.user)
    response = client.post(PAGE, data={"kind": "period", "start_date": "2030-07-10", "end_date": "2030-07-01"})
    assert response.status_code == 422
    assert "La date de fin doit être après la date de début." in response.get_data(as_text=True)
    weekly = client.post(PAGE, data={"kind": "weekly", "start_date": "2030-07-01", "end_date": "2030-07-10"})
    text = weekly.get_data(as_text=True)
    assert "Cochez au moins un jour de la semaine." in text
    assert "Indiquez l&#39;heure de début." in text or "Indiquez l'heure de début." in text
    db.expire_all()
    assert db.get(CandidateProfile, profile.id).availability_rules == []


def test_remove_only_his_own_rules(client, build, login, db):
    mine = build.candidate()
    other = build.candidate()
    build.commit()
    login(mine.user)
    assert client.post(f"{PAGE}/{other.availability_rules[0].id}/supprimer").status_code == 404
    assert client.post(f"{PAGE}/{mine.availability_rules[0].id}/supprimer").status_code == 302
    db.expire_all()
    assert db.get(CandidateProfile, mine.id).availability_rules == []
    assert len(db.get(CandidateProfile, other.id).availability_rules) == 1


def test_reminder_when_availability_is_older_than_30_days(client, build, login, db):
    profile = build.candidate()
    profile.availability_updated_at = utcnow() - timedelta(days=31)
    build.commit()
    login(profile.user)
    assert "Sont-elles toujours à jour ?" in client.get(PAGE).get_data(as_text=True)
    assert client.post(f"{PAGE}/confirmer").status_code == 302
    assert "Sont-elles toujours à jour ?" not in client.get(PAGE).get_data(as_text=True)
    db.expire_all()
    assert utcnow() - db.get(CandidateProfile, profile.id).availability_updated_at < timedelta(minutes=5)


def test_candidate_without_profile_is_sent_to_the_wizard(client, build, login):
    from models.enums import Role

    login(build.user(Role.CANDIDATE))
    build.commit()
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/candidat/profil/etapes")




def test_calendar_can_show_later_months(client, build, login):
    profile = build.candidate()  # available 1 July – 31 August 2027
    build.commit()
    login(profile.user)
    page = client.get(PAGE, query_string={"mois": "2027-07"}).get_data(as_text=True)
    assert "<caption>Juillet 2027</caption>" in page and "<caption>Septembre 2027</caption>" in page
    assert page.count('<td class="releve-day releve-day--full') == 31 + 31
    assert "mois=2027-10" in page and "mois=2027-04" in page
    assert client.get(PAGE, query_string={"mois": "juillet"}).status_code == 200
