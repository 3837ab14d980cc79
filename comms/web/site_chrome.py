"""What every page wears: the office's name and mark, the public navigation, the favicon.

The public pages are the office's site (its name, not the software's, in the header and
in every title); staff pages keep the staff navigation.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, request, send_from_directory, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from comms.web.context import runtime

bp = Blueprint("site", __name__)

# Blueprints whose pages are the public site: they get the public navigation and languages.
PUBLIC_BLUEPRINTS = frozenset({"newsroom", "feeds", "subscribe", "meetings_public", "follower_public", "site",
                               "release_files", "register_public"})
# (label, endpoint) of each public section, in the order of the header.
PUBLIC_NAV = (
    (_l("News"), "newsroom.index"),
    (_l("Meetings"), "meetings_public.index"),
    (_l("Documents"), "register_public.index"),
    (_l("Calendar"), "meetings_public.calendar"),
    (_l("Feeds"), "feeds.index"),
    (_l("Subscribe"), "subscribe.subscribe"),
)


def is_public_page() -> bool:
    """True on the public site's pages (and on errors shown to anyone who is not signed in)."""
    if request.blueprint in PUBLIC_BLUEPRINTS:
        return True
    return request.url_rule is None and not current_user.is_authenticated


def public_nav() -> list[tuple[str, str, bool]]:
    """(label, URL, is this page) for each public section."""
    return [(str(label), url_for(endpoint), request.endpoint == endpoint) for label, endpoint in PUBLIC_NAV]


@bp.route("/favicon.ico")
def favicon():
    """The office's mark as the site icon (browsers ask for /favicon.ico whatever the page says)."""
    response = send_from_directory(current_app.static_folder, "mark.svg", mimetype="image/svg+xml", max_age=86400)
    return response


def init_app(app: Flask) -> None:
    """Register the favicon route and give every template the office's name and the public navigation."""
    app.register_blueprint(bp)

    @app.context_processor
    def _chrome():
        return {"office_name": runtime().config.office_name, "is_public_page": is_public_page,
                "public_nav": public_nav}
