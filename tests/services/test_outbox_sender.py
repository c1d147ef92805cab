"""The outbox over a real SMTP server on loopback: sent once, retried with backoff, claims respected."""

from datetime import datetime, timedelta
from email.header import decode_header, make_header

from sqlalchemy import select

from models import Notification, utcnow
from models.enums import NotificationStatus
from services import applications
from services.outbox_sender import MAX_ATTEMPTS, message_id, send_due

NOW = datetime(2027, 7, 1, 8, 0)


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def booked_world(build, db):
    manager = build.manager(email="cadre@ehpad.fr")
    need = build.need(manager.establishments[0])
    profile = build.candidate(email="camille@exemple.fr")
    application = applications.apply(db, profile, need, now=NOW)
    applications.accept(db, manager, application, message="Merci, à lundi", now=NOW)
    db.commit()
    return manager, profile


def test_cli_sends_each_mail_once_over_smtp(build, db, runner, smtp_server):
    booked_world(build, db)
    result = runner.invoke(args=["send-notifications"])
    assert result.exit_code == 0 and "2 e-mail(s) envoyé(s)" in result.output
    messages = smtp_server.wait_for(2)
    by_recipient = {m["X-Envelope-To"]: m for m in messages}
    assert sorted(by_recipient) == ["cadre@ehpad.fr", "camille@exemple.fr"]
    confirmed = by_recipient["camille@exemple.fr"]
    assert subject(confirmed) == "Relève : votre mission est confirmée"
    body = smtp_server.body(confirmed)
    assert "lundi 12 juillet 2027, 21h00 → 07h00 (lendemain)" in body and "« Merci, à lundi »" in body
    stored = db.scalar(select(Notification).where(Notification.to_email == "camille@exemple.fr"))
    assert confirmed["Message-ID"] == message_id(stored.dedup_key)

    again = runner.invoke(args=["send-notifications"])
    assert "0 e-mail(s) envoyé(s)" in again.output
    assert len(smtp_server.messages) == 2


def test_a_failure_is_retried_later_then_given_up(build, db):
    booked_world(build, db)  # no SMTP server listens on port 1 in the app fixture
    report = send_due(db, now=NOW, batch=1)
    assert (report.sent, report.retried) == (0, 1)
    row = db.scalar(select(Notification).where(Notification.attempts == 1))
    assert (row.status, row.next_attempt_at, row.claimed_until) == (NotificationStatus.PENDING, NOW + timedelta(minutes=1), None)
    assert send_due(db, now=NOW + timedelta(seconds=59), batch=1).retried == 1  # the other row, not this one yet
    db.refresh(row)
    assert row.attempts == 1
    moment = NOW
    for attempt in range(2, MAX_ATTEMPTS + 1):
        moment = moment + timedelta(hours=2)
        send_due(db, now=moment, batch=1)
        db.refresh(row)
        assert row.attempts == attempt
    assert row.status == NotificationStatus.FAILED and row.last_error


def test_an_expired_claim_is_sent_and_a_live_one_is_left(build, db, smtp_server):
    booked_world(build, db)
    live, expired = db.scalars(select(Notification).order_by(Notification.id)).all()
    now = utcnow()
    live.status, live.claimed_until = NotificationStatus.SENDING, now + timedelta(minutes=5)
    expired.status, expired.claimed_until = NotificationStatus.SENDING, now - timedelta(seconds=1)
    db.commit()
    assert send_due(db, now=now).sent == 1
    assert [m["X-Envelope-To"] for m in smtp_server.wait_for(1)] == [expired.to_email]
    db.refresh(live)
    assert live.status == NotificationStatus.SENDING and live.sent_at is None
