"""The 22MSP's register for the demo: a symbol prefix, a dozen documents with small real PDFs in
EN/FR/ES (made here with fpdf2, so their words can be searched), a Rev.1, a Corr.1, an INF
document, a limited working paper and statements."""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.documents import service
from comms.documents import workflow
from comms.documents.models import RegisterDocument
from comms.platform.seeding import DemoWorld
from contacts.models import Delegation
from storage.audit import Actor

PREFIX = "APLC/MSP.22/2026"
SEEDER = Actor(label="demo")
MAX_BYTES = 5 * 1024 * 1024
# kind, titles (en, fr, es), texts (en, fr, es), distribution, issue?, agenda items
DOCUMENTS = [
    ("provisional_agenda", ("Provisional agenda", "Ordre du jour provisoire", "Programa provisional"),
     ("Opening of the meeting. Election of the President. Adoption of the agenda.",
      "Ouverture de la réunion. Élection du Président. Adoption de l'ordre du jour.",
      "Apertura de la reunión. Elección del Presidente. Aprobación del programa."), "general", True, ["1", "2", "3"]),
    ("programme", ("Provisional programme of work", "Programme de travail provisoire", "Programa de trabajo provisional"),
     ("Plenary sessions each morning; victim assistance on Tuesday.",
      "Séances plénières chaque matin ; assistance aux victimes le mardi.",
      "Sesiones plenarias cada mañana; asistencia a las víctimas el martes."), "general", True, ["4"]),
    ("report", ("Draft final report", "Projet de rapport final", "Proyecto de informe final"),
     ("The States Parties welcomed progress in mine clearance in Ayacucho.",
      "Les États parties ont salué les progrès du déminage à Ayacucho.",
      "Los Estados partes acogieron con beneplácito los avances en la remoción de minas en Ayacucho."),
     "general", True, ["12"]),
    ("information", ("Information for participants", "Informations à l'intention des participants",
                     "Información para los participantes"),
     ("Badges are collected at the CICG entrance from 8 a.m.",
      "Les badges sont retirés à l'entrée du CICG dès 8 heures.",
      "Las acreditaciones se recogen en la entrada del CICG desde las 8 h."), "general", True, []),
    ("list_of_participants", ("List of participants", "Liste des participants", "Lista de participantes"),
     None, "general", False, []),
    ("working_paper", ("Working paper on victim assistance", "Document de travail sur l'assistance aux victimes",
                       "Documento de trabajo sobre asistencia a las víctimas"),
     ("Survivors' needs: rehabilitation, psychosocial support, economic inclusion.",
      "Besoins des survivants : réadaptation, soutien psychosocial, inclusion économique.",
      "Necesidades de los sobrevivientes: rehabilitación, apoyo psicosocial, inclusión económica."),
     "limited", True, ["10"]),
    ("decision", ("Decision on the Article 5 extension request", "Décision sur la demande de prolongation au titre de l'article 5",
                  "Decisión sobre la solicitud de prórroga en virtud del artículo 5"),
     ("The Meeting grants the request until 2031.", "La Réunion accorde la prolongation jusqu'en 2031.",
      "La Reunión concede la prórroga hasta 2031."), "general", False, ["11"]),
    ("background", ("Background paper: stockpile destruction", "Document d'information : destruction des stocks",
                    "Documento de antecedentes: destrucción de existencias"),
     ("Stockpiled anti-personnel mines destroyed since 1999 exceed 55 million.",
      "Plus de 55 millions de mines antipersonnel stockées ont été détruites depuis 1999.",
      "Desde 1999 se han destruido más de 55 millones de minas antipersonal almacenadas."), "general", True, ["9"]),
    ("report", ("Report of the President on Article 5", "Rapport du Président sur l'article 5",
                "Informe del Presidente sobre el artículo 5"),
     ("Thirty States Parties still report mined areas under their jurisdiction.",
      "Trente États parties signalent encore des zones minées sous leur juridiction.",
      "Treinta Estados partes aún informan de zonas minadas bajo su jurisdicción."), "general", True, ["8"]),
]
STATEMENTS = [
    ("state:PE", "Statement by Peru on mine clearance", "es",
     "El Perú reafirma su compromiso con el desminado humanitario en la frontera norte."),
    ("state:FR", "Statement by France on victim assistance", "fr",
     "La France soutient l'assistance aux victimes et la réadaptation des survivants."),
    (None, "Statement by the International Campaign to Ban Landmines", "en",
     "Civil society urges every State to join the Convention without delay."),
]


def demo_pdf(title: str, text: str) -> bytes:
    """A one-page PDF with a title and a paragraph (Latin-1, the core fonts' range)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def _add_files(session: Session, document: RegisterDocument, storage_path, titles, texts) -> None:
    for language, title, text in zip(("en", "fr", "es"), titles, texts):
        service.add_file(session, document, storage_path, language=language, filename=f"{title}.pdf",
                         data=demo_pdf(f"{document.symbol or ''} {title}", text), max_bytes=MAX_BYTES, actor=SEEDER, trusted=True)


def seed(session: Session, world: DemoWorld) -> None:
    """The 22MSP's register (once: nothing happens if its documents exist, or without a files folder)."""
    meeting, storage_path = world.refs["meeting"], world.refs.get("documents_path")
    if storage_path is None:
        return
    meeting.symbol_prefix = meeting.symbol_prefix or PREFIX
    if session.scalar(select(RegisterDocument.id).where(RegisterDocument.symbol == f"{PREFIX}/1")) is not None:
        return
    made = []
    for kind, titles, texts, distribution, issue, items in DOCUMENTS:
        document = service.create(session, meeting, {
            "kind": kind, "titles": dict(zip(("en", "fr", "es"), titles)), "distribution": distribution,
            "agenda_items": items, "due_days_before": 42 if kind != "list_of_participants" else 1}, SEEDER)
        if texts:
            _add_files(session, document, storage_path, titles, texts)
        if issue:
            workflow.issue(session, document, SEEDER, today=meeting.starts_on - dt.timedelta(days=30))
        made.append(document)
    rev = workflow.derive(session, made[2], "rev", SEEDER)
    _add_files(session, rev, storage_path, DOCUMENTS[2][1],
               [t + " Revised after informal consultations." for t in DOCUMENTS[2][2]])
    workflow.issue(session, rev, SEEDER, today=meeting.starts_on - dt.timedelta(days=10))
    corr = workflow.derive(session, made[8], "corr", SEEDER)
    _add_files(session, corr, storage_path, DOCUMENTS[8][1], ["Paragraph 4: for thirty read thirty-one."] * 3)
    workflow.issue(session, corr, SEEDER, today=meeting.starts_on - dt.timedelta(days=5))
    for seed_key, title, language, text in STATEMENTS:
        delegation = session.scalar(select(Delegation).where(Delegation.seed_key == seed_key)) if seed_key else None
        statement = service.create(session, meeting, {
            "kind": "statement", "titles": {"en": title}, "original_language": language, "agenda_items": ["8"],
            "delegation_id": delegation.id if delegation else None,
            "author": delegation.name if delegation else "International Campaign to Ban Landmines",
            "delivered_at": dt.datetime.combine(meeting.starts_on, dt.time(9, 30), dt.timezone.utc)}, SEEDER)
        service.add_file(session, statement, storage_path, language=language, filename=f"{title}.pdf",
                         data=demo_pdf(title, text), max_bytes=MAX_BYTES, actor=SEEDER, trusted=True)
        workflow.issue(session, statement, SEEDER, today=meeting.starts_on)
    world.notes.append(f"Document register: {len(made) + 2 + len(STATEMENTS)} documents under {PREFIX} "
                       f"(/documents/, /staff/register/meetings/{meeting.id})")
