"""The feature registry: every capability and what it brings, in one table.

Each :class:`Feature` names, by dotted path, its models, its job modules, its
periodic finders (the one schedule table), its demo seeders, its web package
(whose ``init_app(app)`` registers its blueprints) and its CLI command modules
(each with a ``COMMANDS`` list). Adding a capability touches this table and its
own folder, nothing else.

This module is data: it imports nothing of Pressroom's, so every layer may read
it without a cycle. The loading happens where each kind of thing is used:
models in :func:`load_all_models` (Alembic, schema checks), jobs in
comms.platform.jobs, seeders in comms.platform.seeding, blueprints and commands
in comms.app.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    """A periodic finder: ``fn(runtime, now) -> int`` registered as ``name`` in ``module``.

    Finders run on every scheduler tick (SCHEDULER_INTERVAL, 5 s by default) and find
    their own due rows; ``every`` is how often the work they find falls due, for readers.
    """

    name: str
    module: str
    every: str


@dataclass(frozen=True)
class Feature:
    """One capability and everything it registers."""

    name: str
    models: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()
    schedule: tuple[Periodic, ...] = ()
    demo: tuple[str, ...] = ()
    web: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()


FEATURES: tuple[Feature, ...] = (
    Feature("storage", models=("storage.audit", "storage.secrets", "storage.idempotency")),
    Feature("platform", models=("comms.platform.jobs",), jobs=("comms.platform.notifications",),
            commands=("comms.commands.db", "comms.commands.jobs", "comms.commands.serve")),
    Feature("public", web=("comms.web.public",)),
    Feature("accounts", models=("comms.accounts.users", "comms.accounts.approvals", "comms.accounts.links"), jobs=("comms.accounts.approvals",),
            web=("comms.web.accounts",), commands=("comms.commands.users",)),
    Feature("meetings",
            models=("comms.meetings.service", "comms.meetings.strategy", "comms.meetings.documents",
                    "comms.meetings.participants"),
            jobs=("comms.meetings.reminders", "comms.meetings.registration"),
            schedule=(Periodic("milestones.remind", "comms.meetings.reminders", "hourly: due within 48 h"),
                      Periodic("participants.anonymise_due", "comms.meetings.registration",
                               "each tick: participants past PRESSROOM_PARTICIPANT_RETENTION_DAYS")),
            demo=("comms.meetings.demo:seed_people_and_meeting", "comms.meetings.demo_programme:seed_programme",
                  "comms.meetings.demo_delegates:seed_delegates"),
            web=("comms.web.meetings",)),
    Feature("contacts", models=("contacts.models",), demo=("contacts.demo:seed",), web=("comms.web.contacts",)),
    Feature("releases", models=("comms.releases.service", "comms.releases.files", "comms.releases.followers"),
            jobs=("comms.releases.workflow",),
            schedule=(Periodic("releases.publish_due", "comms.releases.workflow", "each tick: embargoes, schedules"),),
            demo=("comms.releases.demo:seed_releases",), web=("comms.web.releases",)),
    Feature("distribution", models=("comms.distribution.models",),
            jobs=("comms.distribution.service", "comms.distribution.recovery", "comms.distribution.subscriber_jobs",
                  "comms.distribution.keys"),
            schedule=(Periodic("sends.resume_stalled", "comms.distribution.recovery", "each tick: stalled sends"),
                      Periodic("subscribers.notify_due", "comms.distribution.subscriber_jobs",
                               "each tick: releases gone public"),
                      Periodic("request_keys.prune", "comms.distribution.keys",
                               "each tick: Idempotency-Keys and form nonces older than 7 days")),
            web=("comms.web.dispatches",), commands=("comms.commands.sends",)),
    Feature("following",
            models=("feeds.follow.models", "comms.following.watchlists", "comms.following.pickup"),
            jobs=("comms.following.jobs", "comms.following.watch_alerts"),
            schedule=(Periodic("follow.poll_due", "comms.following.jobs", "per source: its poll interval"),
                      Periodic("watchlists.daily_digest", "comms.following.watch_alerts", "daily per person")),
            demo=("comms.following.watchlists:seed_demo",), web=("comms.web.following",),
            commands=("comms.commands.follow",)),
    Feature("syndication", models=("feeds.reach", "feeds.websub"), jobs=("comms.syndication.cache",),
            schedule=(Periodic("feeds.announce_changes", "comms.syndication.cache", "each tick: changed feeds"),),
            web=("comms.web.syndication",)),
    Feature("documents", models=("comms.documents.models", "comms.documents.participant_list"),
            demo=("comms.documents.demo:seed",),
            web=("comms.web.documents",), commands=("comms.commands.documents",)),
    Feature("programme", models=("comms.meetings.programme.models",),
            jobs=("comms.meetings.programme.invitations", "comms.meetings.programme.public_files"),
            demo=("comms.meetings.programme.demo:seed",), web=("comms.web.meetings.programme",)),
    Feature("ops", commands=("comms.commands.backup",)),
)


def _all(kind: str) -> list:
    seen: list = []
    for feature in FEATURES:
        for item in getattr(feature, kind):
            if item not in seen:
                seen.append(item)
    return seen


def model_modules() -> list[str]:
    """Every module that defines models."""
    return _all("models")


def job_modules() -> list[str]:
    """Every module that defines jobs or periodic finders."""
    return _all("jobs")


def schedule() -> list[Periodic]:
    """The schedule table: every periodic finder of every capability."""
    return _all("schedule")


def demo_seeders() -> list[str]:
    """Demo seeders as ``module:function``, in the order they run."""
    return _all("demo")


def web_packages() -> list[str]:
    """Web packages whose ``init_app(app)`` registers their pages and API."""
    return _all("web")


def command_modules() -> list[str]:
    """Modules whose ``COMMANDS`` list holds ``pressroom`` commands."""
    return _all("commands")


def load_all_models() -> None:
    """Import every module that defines models, filling Base.metadata."""
    for module in model_modules():
        importlib.import_module(module)
