"""Sending the outbox: claim a row, send it, mark it sent; retry with backoff, give up after N tries.

Delivery is *at least once* in exactly one case, by choice: if the process dies after the SMTP
server accepted a message but before the row is marked ``sent``, the claim expires and the
message is sent again. The opposite choice (mark sent, then send) would silently lose e-mails
in the same crash, and a lost "your shift is cancelled" is worse than a duplicate. Duplicates
carry the same ``Message-ID`` (derived from the row's ``dedup_key``), so mail clients and
servers that deduplicate drop them. Apart from that window a message is never sent twice:
every claim is a conditional UPDATE, so two senders never hold the same row.
"""

from __future__ import annotations

import hashlib
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from models import Notification
from models.enums import NotificationStatus
from services import mailer

MAX_ATTEMPTS = 6
CLAIM_SECONDS = 300
FIRST_RETRY_SECONDS = 60
TABLE = Notification.__table__


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def message_id(dedup_key: str, domain: str = "releve.fr") -> str:
    """The same Message-ID for every attempt of one notification."""
    return f"<{hashlib.sha256(dedup_key.encode()).hexdigest()[:40]}@{domain}>"


def backoff(attempts: int) -> timedelta:
    """1 min, 2, 4, 8… after the 1st, 2nd, 3rd failure."""
    return timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def _due(now: datetime):
    pending = and_(TABLE.c.status == NotificationStatus.PENDING.value, TABLE.c.next_attempt_at <= now)
    expired = and_(TABLE.c.status == NotificationStatus.SENDING.value, TABLE.c.claimed_until < now)
    return and_(or_(pending, expired), TABLE.c.attempts < MAX_ATTEMPTS)


def send_due(session, *, now: datetime, batch: int = 100) -> Report:
    """Send every due notification (one batch); each claim and each result is committed at once."""
    report = Report()
    _give_up_expired(session, now)
    ids = list(session.scalars(select(Notification.id).where(_due(now)).order_by(Notification.id).limit(batch)))
    session.commit()
    for notification_id in ids:
        claimed = session.execute(update(TABLE).where(TABLE.c.id == notification_id, _due(now)).values(
            status=NotificationStatus.SENDING.value, claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
            attempts=TABLE.c.attempts + 1)).rowcount == 1
        session.commit()  # the claim is visible before anything is sent
        if not claimed:
            continue  # another sender took it
        row = session.execute(select(TABLE).where(TABLE.c.id == notification_id)).one()
        try:
            mailer.send(row.to_email, row.subject, row.body, message_id=message_id(row.dedup_key))
        except (OSError, smtplib.SMTPException) as error:
            _record_failure(session, row, error, now, report)
        else:
            session.execute(update(TABLE).where(TABLE.c.id == notification_id).values(
                status=NotificationStatus.SENT.value, sent_at=now, claimed_until=None, last_error=None))
            report.sent += 1
        session.commit()
    return report


def _record_failure(session, row, error: Exception, now: datetime, report: Report) -> None:
    attempts = row.attempts
    final = attempts >= MAX_ATTEMPTS
    session.execute(update(TABLE).where(TABLE.c.id == row.id).values(
        status=(NotificationStatus.FAILED if final else NotificationStatus.PENDING).value, claimed_until=None,
        next_attempt_at=now + backoff(attempts), last_error=f"{type(error).__name__}: {error}"[:500]))
    if final:
        report.failed += 1
    else:
        report.retried += 1


def _give_up_expired(session, now: datetime) -> None:
    """A row whose claims all expired (the sender died each time) is not retried forever."""
    session.execute(update(TABLE).where(
        TABLE.c.status == NotificationStatus.SENDING.value, TABLE.c.claimed_until < now,
        TABLE.c.attempts >= MAX_ATTEMPTS).values(status=NotificationStatus.FAILED.value, claimed_until=None))
