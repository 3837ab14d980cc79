"""Demo press contacts: invented journalists at invented outlets, and three lists.

Called by comms' demo seeding (``seed(session, world)``); idempotent: people
are found by email, lists by name.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from contacts import lists, service
from storage.audit import Actor

SEEDER = Actor(label="demo")

# (name, email, outlet, outlet kind, country, languages, topics, role)
JOURNALISTS = [
    ("Camille Laurent", "c.laurent@gazette-leman.example", "La Gazette du Léman", "newspaper", "CH", "fr",
     "meetings; universalization", "Geneva correspondent"),
    ("Jonas Meier", "jonas.meier@alpenpost.example", "Alpenpost", "newspaper", "CH", "de, en",
     "meetings", "Diplomatic editor"),
    ("Sofia Bianchi", "sofia@corriere-lago.example", "Corriere del Lago", "newspaper", "IT", "it, en",
     "victim assistance", "Humanitarian affairs"),
    ("Hannah Okafor", "h.okafor@lagos-ledger.example", "Lagos Ledger", "newspaper", "NG", "en",
     "mine clearance; cooperation and assistance", "Africa desk"),
    ("Amina Diallo", "amina.diallo@dakar-matin.example", "Dakar Matin", "newspaper", "SN", "fr",
     "victim assistance; mine clearance", "Société"),
    ("Kwabena Mensah", "kmensah@accra-chronicle.example", "Accra Chronicle", "newspaper", "GH", "en",
     "universalization", "Foreign news"),
    ("Lucía Fernández", "lucia.fernandez@heraldo-andino.example", "El Heraldo Andino", "newspaper", "CO", "es",
     "mine clearance; victim assistance", "Paz y conflicto"),
    ("Diego Ramírez", "d.ramirez@heraldo-andino.example", "El Heraldo Andino", "newspaper", "CO", "es, en",
     "stockpile destruction", "Defensa"),
    ("Valentina Rojas", "vrojas@cronica-austral.example", "Crónica Austral", "newspaper", "CL", "es",
     "transparency reporting", "Internacional"),
    ("Mateo Silva", "mateo@voz-del-plata.example", "La Voz del Plata", "online", "AR", "es",
     "universalization; meetings", "Diplomacia"),
    ("Ana Paula Costa", "anapaula@folha-do-sul.example", "Folha do Sul", "newspaper", "BR", "pt, es",
     "victim assistance", "Mundo"),
    ("Tomás Herrera", "t.herrera@radio-sierra.example", "Radio Sierra", "broadcaster", "PE", "es",
     "mine clearance", "Noticias"),
    ("Émile Dubois", "emile.dubois@ondes-du-nord.example", "Les Ondes du Nord", "broadcaster", "BE", "fr, nl",
     "meetings; stockpile destruction", "Europe"),
    ("Chloé Martin", "chloe.martin@depeche-internationale.example", "Dépêche Internationale", "news_agency", "FR",
     "fr, en", "meetings; universalization; victim assistance", "Wire reporter, Geneva"),
    ("Pierre Nkurunziza", "pierre@grands-lacs-info.example", "Grands Lacs Info", "online", "BI", "fr",
     "victim assistance", "Rédaction"),
    ("Fatima Zahra Alaoui", "fz.alaoui@maghreb-hebdo.example", "Maghreb Hebdo", "magazine", "MA", "fr, ar",
     "cooperation and assistance", "Politique étrangère"),
    ("Youssef Haddad", "youssef@levant-daily.example", "Levant Daily", "newspaper", "LB", "ar, en",
     "mine clearance; victim assistance", "Regional affairs"),
    ("Leila Karimi", "l.karimi@caspian-review.example", "Caspian Review", "magazine", "AZ", "en, ru",
     "mine clearance", "Features"),
    ("Omar Siddiqui", "omar@indus-tribune.example", "Indus Tribune", "newspaper", "PK", "en, ur",
     "universalization", "Foreign policy"),
    ("Nguyen Thi Lan", "lan.nguyen@mekong-times.example", "Mekong Times", "newspaper", "VN", "vi, en",
     "mine clearance; victim assistance", "Development"),
    ("Sokha Chea", "sokha@phnom-penh-voice.example", "Phnom Penh Voice", "online", "KH", "km, en",
     "mine clearance", "National news"),
    ("Kenji Watanabe", "k.watanabe@pacific-wire.example", "Pacific Wire Service", "news_agency", "JP", "ja, en",
     "cooperation and assistance", "Geneva bureau"),
    ("Priya Raman", "priya.raman@deccan-observer.example", "Deccan Observer", "newspaper", "IN", "en, hi",
     "universalization", "Diplomacy"),
    ("Li Wei", "li.wei@harbour-post.example", "Harbour Post", "newspaper", "SG", "zh, en",
     "meetings", "World desk"),
    ("Olena Kovalenko", "olena@dnipro-courier.example", "Dnipro Courier", "newspaper", "UA", "uk, en",
     "mine clearance; victim assistance", "War and recovery"),
    ("Marek Nowak", "m.nowak@vistula-news.example", "Vistula News", "online", "PL", "pl, en",
     "stockpile destruction", "Security"),
    ("Ingrid Johansson", "ingrid@nordic-wire.example", "Nordic Wire", "news_agency", "SE", "sv, en",
     "transparency reporting; cooperation and assistance", "Global affairs"),
    ("Aino Virtanen", "aino.virtanen@helsinki-morning.example", "Helsinki Morning", "newspaper", "FI", "fi, en",
     "universalization", "Foreign news"),
    ("Thomas Becker", "t.becker@rhein-zeitung-online.example", "Rhein Online", "online", "DE", "de, en",
     "meetings", "Politik"),
    ("Sarah O'Connor", "sarah.oconnor@atlantic-herald.example", "Atlantic Herald", "newspaper", "IE", "en",
     "victim assistance", "Humanitarian correspondent"),
    ("James Whitfield", "j.whitfield@world-service-radio.example", "World Service Radio", "broadcaster", "GB",
     "en", "meetings; universalization", "Geneva producer"),
    ("Grace Wanjiru", "grace.wanjiru@nairobi-evening.example", "Nairobi Evening Post", "newspaper", "KE", "en, sw",
     "mine clearance; cooperation and assistance", "East Africa"),
    ("Tadesse Bekele", "tadesse@addis-standard-weekly.example", "Addis Weekly", "magazine", "ET", "am, en",
     "victim assistance", "Reporter"),
    ("Joana Mabote", "joana.mabote@maputo-diario.example", "Diário de Maputo", "newspaper", "MZ", "pt",
     "mine clearance", "Sociedade"),
    ("Ahmed Farouk", "a.farouk@nile-gazette.example", "Nile Gazette", "newspaper", "EG", "ar, en",
     "universalization", "Diplomatic affairs"),
    ("Rania Saleh", "rania@gulf-bulletin.example", "Gulf Bulletin", "online", "JO", "ar",
     "victim assistance", "Features"),
    ("Carlos Mendoza", "c.mendoza@freelance-press.example", "Freelance", "freelance", "MX", "es, en",
     "mine clearance; victim assistance; meetings", "Freelance photojournalist"),
    ("Nadia Petrova", "nadia.petrova@balkan-insight-review.example", "Balkan Review", "magazine", "BA", "bs, en",
     "mine clearance", "Investigations"),
    ("Ali Rezaei", "ali@kabul-dispatch.example", "Kabul Dispatch", "online", "AF", "fa, en",
     "victim assistance; mine clearance", "Correspondent"),
    ("Marie Tremblay", "marie.tremblay@le-fleuve.example", "Le Fleuve", "newspaper", "CA", "fr, en",
     "universalization; stockpile destruction", "International"),
]

LISTS = [
    ("Geneva press corps (embargo-trusted)", True,
     "Accredited correspondents in Geneva who respect embargoes; they may receive releases before they are public."),
    ("French-language media", False, "Outlets publishing in French."),
    ("Spanish-language media", False, "Outlets publishing in Spanish."),
]


def seed(session: Session, world) -> None:
    """The demo journalists and lists (``world`` is comms.platform.seeding.DemoWorld)."""
    made = {}
    for name, email, outlet, kind, country, languages, topics, role in JOURNALISTS:
        contact = service.find_by_email(session, email)
        if contact is None:
            service.find_or_create_outlet(session, outlet, kind=kind, country=country)
            contact = service.create_contact(
                session, {"name": name, "email": email, "outlet": outlet, "country": country,
                          "languages": languages, "topics": topics, "role": role}, SEEDER, source="demo")
        made[email] = contact
    for list_name, trusted, description in LISTS:
        found = lists.find_list_by_name(session, list_name)
        if found is None:
            found = lists.create_list(session, list_name, SEEDER, description=description, embargo_trusted=trusted)
        if trusted:
            members = [c for c in made.values() if "Geneva" in (c.role or "")]
        else:
            language = "fr" if "French" in list_name else "es"
            members = [c for c in made.values() if language in c.languages]
        lists.add_to_list(session, found, [c.id for c in members], SEEDER)
    world.refs["contacts"] = made
    world.notes.append(f"{len(made)} demo press contacts in {len(LISTS)} lists")
