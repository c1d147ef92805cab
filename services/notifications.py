"""The e-mails of the booking journey, written to the outbox in the caller's transaction.

Each e-mail is a plain-text French template in ``templates/emails/<kind>.txt`` whose first
line is the subject. Links point to ``BASE_URL`` (e-mails are read outside any request).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template

from models import Need, User
from services import outbox


def render_email(kind: str, **context) -> tuple[str, str]:
    """(subject, body) of the ``kind`` template."""
    text = render_template(f"emails/{kind}.txt", base_url=current_app.config["BASE_URL"].rstrip("/"), **context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def notify(session, kind: str, recipient: User | None, *, key: str, **context) -> None:
    """Queue one e-mail to ``recipient`` (nobody when the account was erased); ``key`` makes it idempotent."""
    if recipient is None or not recipient.active:
        return
    subject, body = render_email(kind, recipient=recipient, **context)
    outbox.enqueue(session, kind=kind, recipient=recipient, subject=subject, body=body,
                   dedup_key=f"{kind}:{key}:{recipient.id}")


def notify_managers(session, kind: str, need: Need, *, key: str, **context) -> None:
    """Every manager of the need's establishment gets the e-mail."""
    for manager in need.establishment.managers:
        notify(session, kind, manager, key=key, need=need, **context)


def event_key(*parts, now: datetime) -> str:
    """A dedup key for one event: the same event retried in one transaction is queued once."""
    return ":".join(str(p) for p in parts) + f":{now:%Y%m%d%H%M%S%f}"
