"""An iCalendar (RFC 5545) file of a candidate's upcoming assignments, written by hand: a few
lines of a stable format do not need a dependency.

Slot times are naive Europe/Paris wall-clock times; they are written in UTC (``Z``) so that
no VTIMEZONE block is needed and every calendar application reads them right.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from services.localtime import PARIS

PRODID = "-//Relève//Missions du candidat//FR"


def escape(text: str) -> str:
    """TEXT values: backslash, semicolon, comma and new lines are escaped (RFC 5545 §3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space (§3.1)."""
    parts, current = [], ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return [parts[0]] + [" " + part for part in parts[1:]]


def utc_stamp(local: datetime) -> str:
    """A naive Paris time as an iCalendar UTC time (handles the daylight-saving changes)."""
    return local.replace(tzinfo=PARIS).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(events: Iterable[dict], *, now: datetime, domain: str) -> str:
    """``events``: dicts with uid, start, end (naive Paris), summary, location, description.

    ``now`` is naive UTC (DTSTAMP); ``domain`` makes the UIDs globally unique.
    """
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             "X-WR-CALNAME:Mes missions Relève"]
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    for event in events:
        lines += [
            "BEGIN:VEVENT", f"UID:{event['uid']}@{domain}", f"DTSTAMP:{stamp}",
            f"DTSTART:{utc_stamp(event['start'])}", f"DTEND:{utc_stamp(event['end'])}",
            f"SUMMARY:{escape(event['summary'])}",
        ]
        if event.get("location"):
            lines.append(f"LOCATION:{escape(event['location'])}")
        if event.get("description"):
            lines.append(f"DESCRIPTION:{escape(event['description'])}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in fold(line))
