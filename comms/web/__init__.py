"""The web layer: every blueprint, and the request plumbing they share."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Attach request handling, authentication and every blueprint to ``app``."""
    from comms.web import access, api, errors, login, public, security, subscribe, ui
    from comms.web import approve, contact_page, contacts_ui, import_ui, lists_ui, meetings_public, newsroom
    from comms.web import calendar_ui, meeting_documents_ui, meetings_ui, strategy_ui
    from comms.web import release_editor, release_files_ui, releases_ui
    from comms.web import release_preview_ui, release_send_ui
    from comms.web import items_ui, sources_ui, watchlists_ui
    from comms.web import follower_public
    from comms.web import feeds
    from comms.web.context import init_db_session

    init_db_session(app)
    security.init_app(app)
    access.init_app(app)
    login.init_app(app)
    errors.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(ui.bp)
    app.register_blueprint(contacts_ui.bp)
    app.register_blueprint(contact_page.bp)
    app.register_blueprint(import_ui.bp)
    app.register_blueprint(lists_ui.bp)
    app.register_blueprint(meetings_public.bp)
    app.register_blueprint(approve.bp)
    app.register_blueprint(newsroom.bp)
    app.register_blueprint(meetings_ui.bp)
    app.register_blueprint(meeting_documents_ui.bp)
    app.register_blueprint(strategy_ui.bp)
    app.register_blueprint(calendar_ui.bp)
    app.register_blueprint(releases_ui.bp)
    app.register_blueprint(release_editor.bp)
    app.register_blueprint(release_files_ui.bp)
    app.register_blueprint(release_send_ui.bp)
    app.register_blueprint(sources_ui.bp)
    app.register_blueprint(items_ui.bp)
    app.register_blueprint(watchlists_ui.bp)
    app.register_blueprint(follower_public.bp)
    feeds.init_app(app)
    release_preview_ui.init_app(app)
    subscribe.init_app(app)
    api.init_app(app)
