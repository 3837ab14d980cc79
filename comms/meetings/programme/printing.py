"""The programme on paper: an A4 PDF by day, with times in the meeting's zone (no Flask).

Built with comms.rendering.pdf, so every title prints whatever its script and the text can
be extracted again.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from babel.dates import format_date

from comms.meetings.programme.sessions import moment_of, session_title
from comms.meetings.service import Meeting
from comms.rendering.pdf import PrintDocument, TableColumn

LABELS = {
    "en": {"programme": "Programme", "time": "Time", "session": "Session", "room": "Room", "track": "Track",
           "version": "Version", "times": "Times in", "empty": "The programme has not been published yet."},
    "fr": {"programme": "Programme", "time": "Heure", "session": "Séance", "room": "Salle", "track": "Volet",
           "version": "Version", "times": "Heures de", "empty": "Le programme n'a pas encore été publié."},
    "es": {"programme": "Programa", "time": "Hora", "session": "Sesión", "room": "Sala", "track": "Línea",
           "version": "Versión", "times": "Horas de", "empty": "El programa aún no se ha publicado."},
}
TRACK_LABELS = {
    "en": {"plenary": "Plenary", "victim_assistance": "Victim assistance", "side_event": "Side event", "other": "Other"},
    "fr": {"plenary": "Plénière", "victim_assistance": "Assistance aux victimes", "side_event": "Manifestation parallèle",
           "other": "Autre"},
    "es": {"plenary": "Plenaria", "victim_assistance": "Asistencia a las víctimas", "side_event": "Evento paralelo",
           "other": "Otro"},
}


def programme_pdf(meeting: Meeting, sessions: list[dict], version: int | None, language: str = "en",
                  created: dt.datetime | None = None) -> bytes:
    """The published sessions (and side events) as an A4 PDF in ``language``."""
    labels = LABELS.get(language, LABELS["en"])
    tracks = TRACK_LABELS.get(language, TRACK_LABELS["en"])
    document = PrintDocument(title=f"{labels['programme']}: {meeting.title}", header=meeting.title,
                             footer=f"{labels['version']} {version}" if version else "", language=language)
    document.heading(meeting.title)
    document.paragraph(f"{labels['programme']} · {meeting.venue} · {labels['times']} {meeting.timezone}")
    if not sessions:
        document.paragraph(labels["empty"])
    ordered = sorted(sessions, key=lambda s: s["starts_at"])
    for day, items in groupby(ordered, key=lambda s: meeting.local(moment_of(s["starts_at"])).date()):
        document.heading(format_date(day, "EEEE d MMMM y", locale="en_GB" if language == "en" else language).capitalize(),
                         level=2)
        rows = []
        for item in items:
            starts, ends = meeting.local(moment_of(item["starts_at"])), meeting.local(moment_of(item["ends_at"]))
            title = session_title(item, language)
            if item.get("agenda_item"):
                title = f"{title} ({item['agenda_item']})"
            rows.append([f"{starts:%H:%M}–{ends:%H:%M}", title, item.get("room", ""), tracks.get(item["track"], "")])
        document.table([TableColumn(labels["time"], 1.2), TableColumn(labels["session"], 4),
                        TableColumn(labels["room"], 1.4), TableColumn(labels["track"], 1.6)], rows)
    return document.render(created=created)
