"""The related sites a fresh install follows, and the step that seeds them.

The list comes from the ISU's "Related websites" (isu-mandate.txt): the
Convention's own site and its partners, each at the page where it publishes
news. Sites named there that no longer publish news (the Nairobi and
Cartagena summit sites, Bibliomines, E-Mine, now mineaction.org, IMSMA, now
part of GICHD) are left out. Staff can edit, pause or delete any of them;
a site that moves answers 301 and the stored URL follows it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from feeds.follow.models import DEFAULT_INTERVAL_MINUTES, host_key


@dataclass(frozen=True)
class DefaultSource:
    """One seeded source; ``key`` recognises it again on later upgrades."""

    key: str
    name: str
    url: str
    language: str = "en"
    kind: str = "auto"


DEFAULT_SOURCES: tuple[DefaultSource, ...] = (
    DefaultSource("apmbc", "AP Mine Ban Convention", "https://www.apminebanconvention.org/en/newsroom/"),
    DefaultSource("icblcmc", "ICBL-CMC", "https://www.icblcmc.org/news"),
    DefaultSource("landmine-monitor", "Landmine Monitor", "https://www.the-monitor.org/news"),
    DefaultSource("unoda", "UNODA", "https://disarmament.unoda.org/updates/"),
    DefaultSource("ccm", "Convention on Cluster Munitions", "https://www.clusterconvention.org/news/"),
    DefaultSource("ccw", "Convention on Certain Conventional Weapons",
                  "https://disarmament.unoda.org/the-convention-on-certain-conventional-weapons/"),
    DefaultSource("gichd", "GICHD", "https://www.gichd.org/en/news-events/news/"),
    DefaultSource("icrc", "ICRC", "https://www.icrc.org/en/news-releases"),
    DefaultSource("imas", "Mine Action Standards (IMAS)", "https://www.mineactionstandards.org/en/news/"),
    DefaultSource("mineaction", "mineaction.org (UN Mine Action Service)", "https://www.mineaction.org/en/news"),
)

# Core table description: the seeding step runs inside a migration, where the
# ORM models may be newer than the schema being migrated.
_sources = sa.table(
    "follow_sources",
    sa.column("name", sa.String), sa.column("url", sa.String), sa.column("kind", sa.String),
    sa.column("language", sa.String), sa.column("interval_minutes", sa.Integer),
    sa.column("paused", sa.Boolean), sa.column("status", sa.String),
    sa.column("consecutive_failures", sa.Integer), sa.column("host", sa.String),
    sa.column("default_key", sa.String), sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def seed_default_sources(connection: Connection, now: dt.datetime | None = None) -> int:
    """Insert the default sources that are missing; returns how many were added.

    Idempotent: a source already seeded (recognised by its key, even if staff
    renamed it or it moved) is left alone, and one staff deleted stays deleted
    only until the next call, which is why only migrations call this.
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    stamp = now.replace(tzinfo=None) if connection.dialect.name == "sqlite" else now
    present = set(connection.execute(sa.text("SELECT default_key FROM follow_sources "
                                             "WHERE default_key IS NOT NULL")).scalars())
    rows = [dict(name=s.name, url=s.url, kind=s.kind, language=s.language,
                 interval_minutes=DEFAULT_INTERVAL_MINUTES, paused=False, status="ok",
                 consecutive_failures=0, host=host_key(s.url), default_key=s.key,
                 created_at=stamp, updated_at=stamp)
            for s in DEFAULT_SOURCES if s.key not in present]
    if rows:
        connection.execute(sa.insert(_sources), rows)
    return len(rows)
