"""In-memory releases for the rendering tests (no database needed): fixed content and times,
so that renders are deterministic and can be compared with snapshots."""

from __future__ import annotations

import datetime as dt

from comms.rendering.formats import FileLink, RenderContext
from comms.releases.service import Release, ReleaseRevision

BASE = "https://press.example"
NOW = dt.datetime(2026, 12, 10, 8, 0, tzinfo=dt.timezone.utc)
LIFT = dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.timezone.utc)  # 10:00 in Geneva
OFFICE = "Anti-Personnel Mine Ban Convention press office"
BOILERPLATE = ("The Convention on the Prohibition of the Use, Stockpiling, Production and Transfer of "
               "Anti-Personnel Mines and on their Destruction was adopted in 1997 and entered into force in 1999. "
               "More than 160 States have joined it.")

CONTENT = {
    "headline": "Mine clearance completed in three more States",
    "subheadline": "A milestone for the Mine Ban Convention",
    "dateline": "GENEVA, 14 December 2026",
    "body_markdown": (
        "Three States Parties **declared** completion of their [clearance obligations](https://example.org/art5) "
        "under Article 5 of the Convention at the opening of the Twenty-Second Meeting of the States Parties, "
        "bringing the number of States that have finished the job to 34.\n\n"
        "Key outcomes:\n\n- survey and clearance of 120 square kilometres;\n- new national strategies;\n"
        "- a [report](/news/report?lang=en) on victim assistance.\n\n"
        "> Delegations welcomed the news.\n\n"
        "Journalists can write to [press@apminebanconvention.example](mailto:press@apminebanconvention.example)."),
    "quotes": [{"text": "Every mine cleared is a field returned to a family.",
                "speaker": "Ambassador Jane Doe, President of the Twenty-Second Meeting"}],
    "notes_to_editors": "The meeting runs until 18 December. See the [programme](https://example.org/programme).",
    "media_contacts": "ISU press office\npress@apminebanconvention.example · +41 22 000 00 00",
    "topics": ["mine-clearance"],
}


def sample_release(release_id: int = 1, language: str = "en", revision: int = 1, **content) -> Release:
    """A published release with one revision (``content`` overrides fields)."""
    release = Release(id=release_id, slug="mine-clearance-completed", language=language, revision=revision,
                      correction_note="", first_published_at=dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.timezone.utc))
    release.revisions = [ReleaseRevision(number=number, content={**CONTENT, **content})
                         for number in range(1, revision + 1)]
    return release


def sample_context(language: str = "en", embargoed: bool = False, **overrides) -> RenderContext:
    """What release_context would give for the sample release once public (or still embargoed)."""
    page = f"{BASE}/news/mine-clearance-completed?lang={language}"
    values = dict(
        base_url=BASE, office=OFFICE, boilerplate=BOILERPLATE, now=NOW, timezone="Europe/Zurich",
        page_url="" if embargoed else page, embargo_until=LIFT if embargoed else None,
        files={} if embargoed else {
            "photo": FileLink(f"{BASE}/news/mine-clearance-completed/files/photo/plenary.jpg?lang={language}",
                              "Delegates in the plenary", 240_000),
            "pdf": FileLink(f"{BASE}/news/mine-clearance-completed/files/pdf/release.pdf?lang={language}", "",
                            180_000)},
        translations=() if embargoed else tuple(
            (code, f"{BASE}/news/mine-clearance-completed?lang={code}") for code in ("en", "fr", "es")))
    values.update(overrides)
    return RenderContext(**values)


RECIPIENT = {"name": "Émilie Durand", "unsubscribe_url": f"{BASE}/unsubscribe/tok123?list=4&src=email",
             "preferences_url": f"{BASE}/preferences/pref456"}
