"""Sending one e-mail: over SMTP (configurable), or printed to the console in the demo."""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app


def build_message(to: str, subject: str, body: str, message_id: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id or make_msgid(domain="releve.fr")
    message.set_content(body, charset="utf-8")
    return message


def send(to: str, subject: str, body: str, message_id: str | None = None) -> None:
    """Send now; raises ``OSError``/``smtplib.SMTPException`` on failure (the outbox retries)."""
    message = build_message(to, subject, body, message_id)
    config = current_app.config
    if config["MAIL_BACKEND"] == "console":
        print(f"--- e-mail (console) ---\n{message}", file=sys.stdout, flush=True)
        return
    with smtplib.SMTP(config["MAIL_HOST"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
