"""The notification outbox: e-mails are written in the transaction of the change they report,
and sent afterwards by ``flask --app app send-notifications`` (never from ORM hooks)."""

from __future__ import annotations

from sqlalchemy import select

from models import Notification, User, utcnow


def enqueue(session, *, kind: str, recipient: User, subject: str, body: str, dedup_key: str) -> Notification | None:
    """Add an e-mail to the outbox once: a second call with the same ``dedup_key`` does nothing.

    The caller commits; nothing is sent before the change itself is committed.
    """
    existing = session.scalar(select(Notification).where(Notification.dedup_key == dedup_key))
    if existing is not None:
        return None
    notification = Notification(
        dedup_key=dedup_key, kind=kind, recipient_user_id=recipient.id, to_email=recipient.email,
        subject=subject, body=body, next_attempt_at=utcnow(),
    )
    session.add(notification)
    return notification
