"""The notification sender killed in the middle of a batch (SIGKILL), then restarted.

What must hold: every e-mail arrives, and none twice except in the one window the sender
documents (services/outbox_sender.py): the SMTP server accepted the message and the process
died before marking it sent. That message stays claimed; once the claim expires it is sent
again, with the same Message-ID so that mail software drops the copy.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import select, update

from models import Notification
from models.enums import NotificationStatus
from services import outbox
from services.outbox_sender import message_id
from tests.smtp import SmtpServer, _Collector, running_smtp_server

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 12


class _SlowCollector(_Collector):
    """Takes its time before accepting each message, so that a kill lands mid-batch."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        await asyncio.sleep(0.3)
        return await super().handle_DATA(server, session, envelope)


def slow_smtp_server():
    return running_smtp_server(_SlowCollector())


def _sender(app, server: SmtpServer) -> subprocess.Popen:
    env = dict(os.environ, RELEVE_ENV="test", DATABASE_URL=app.config["DATABASE_URL"], MAIL_BACKEND="smtp",
               MAIL_HOST=server.host, MAIL_PORT=str(server.port))
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "send-notifications", "--batch", "100"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _run_to_end(app, server) -> None:
    process = _sender(app, server)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err.decode()


def _queue(build, db) -> set[str]:
    keys = set()
    for n in range(MESSAGES):
        user = build.user(email=f"personne{n}@exemple.fr")
        key = f"test:{n}:{user.id}"
        outbox.enqueue(db, kind="test", recipient=user, subject=f"Message {n}", body="Bonjour.\n", dedup_key=key)
        keys.add(key)
    build.commit()
    return keys


def test_killed_sender_loses_nothing_and_duplicates_only_the_message_in_flight(app, build, db):
    keys = _queue(build, db)
    with slow_smtp_server() as server:
        process = _sender(app, server)
        server.wait_for(3, timeout=30)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=10)
        delivered_before_kill = len(server.messages)
        assert 3 <= delivered_before_kill < MESSAGES, "the kill must land in the middle of the batch"

        in_flight = [n.dedup_key for n in db.scalars(select(Notification).where(
            Notification.status == NotificationStatus.SENDING))]
        db.rollback()
        assert len(in_flight) <= 1

        _run_to_end(app, server)  # the restarted sender sends the rest, not the claimed row
        assert db.scalars(select(Notification.dedup_key).where(
            Notification.status != NotificationStatus.SENT)).all() == in_flight
        db.rollback()

        # Time passes: the dead sender's claim expires and the claimed row is sent again.
        db.execute(update(Notification).where(Notification.status == NotificationStatus.SENDING)
                   .values(claimed_until=Notification.created_at))
        db.commit()
        _run_to_end(app, server)
        received = Counter(message["Message-ID"] for message in server.wait_for(MESSAGES))

    assert set(received) == {message_id(key) for key in keys}  # nothing lost
    duplicated = {mid for mid, count in received.items() if count > 1}
    assert duplicated <= {message_id(key) for key in in_flight}  # only the message in flight, if any
    assert all(count <= 2 for count in received.values())
    assert set(db.scalars(select(Notification.status))) == {NotificationStatus.SENT}
