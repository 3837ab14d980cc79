"""Public pages for journalists: subscribe with double opt-in, preferences, unsubscribe."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, render_template, request
from sqlalchemy import select

from comms.rendering import emails
from comms.platform.throttle import RateLimit
from comms.web.context import absolute_url, client_ip, db, runtime
from comms.web.i18n import current_language
from contacts import subscriptions
from contacts.errors import ContactError, NotAllowed
from contacts.models import Contact, Topic
from comms.web.accounts.login import csrf

bp = Blueprint("subscribe", __name__)
# Languages the office publishes in come first on the form.
FORM_LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español"), ("ar", "العربية"), ("ru", "Русский"),
                  ("zh", "中文"), ("de", "Deutsch"), ("pt", "Português")]
HONEYPOT = "website"


def init_app(app: Flask) -> None:
    """Register the blueprint; unsubscribe is CSRF-exempt (RFC 8058 one-click POST)."""
    config = app.extensions["pressroom"].config
    app.extensions["pressroom.subscribe_limit"] = RateLimit(config.redis_url or "memory://",
                                                            config.subscribe_limit_ip, "subscribe-ip")
    csrf.exempt(unsubscribe)
    app.register_blueprint(bp)


def _form_context(form=None, **extra):
    topics = db().scalars(select(Topic).order_by(Topic.label)).all()
    form = form or {}
    chosen_languages = form.getlist("languages") if hasattr(form, "getlist") else ["en"]
    chosen_topics = form.getlist("topics") if hasattr(form, "getlist") else []
    return dict(topics=topics, form=form, chosen_languages=chosen_languages, chosen_topics=chosen_topics, languages=FORM_LANGUAGES, wording=subscriptions.CONSENT_WORDINGS[
        subscriptions.CURRENT_WORDING], office=runtime().config.office_name, **extra)


@bp.route("/subscribe", methods=["GET", "POST"])
def subscribe():
    """The subscription form; POST sends the confirmation email."""
    if request.method != "POST":  # GET and HEAD only read (docs/design/security.md item 30)
        return render_template("public/subscribe.html", **_form_context(form={}, errors={}))
    form = request.form
    if form.get(HONEYPOT):
        # A bot filled the hidden field: act as if it worked, do nothing.
        return render_template("public/check_email.html", office=runtime().config.office_name)
    limit: RateLimit = current_app.extensions["pressroom.subscribe_limit"]
    wait = limit.retry_after(client_ip())
    if wait is not None:
        page = render_template("public/subscribe.html", **_form_context(
            form=form, errors={"form": f"Too many requests from your network. Try again in {wait // 60 + 1} minutes."}))
        return page, 429, {"Retry-After": str(wait)}
    limit.hit(client_ip())
    raw = {"name": form.get("name", ""), "email": form.get("email", ""), "outlet": form.get("outlet") or None,
           "languages": form.getlist("languages"), "topics": form.getlist("topics")}
    if not form.get("consent"):
        return render_template("public/subscribe.html", **_form_context(
            form=form, errors={"consent": "Please tick the box to agree to receive our emails."})), 400
    session = db()
    try:
        result = subscriptions.request_subscription(session, raw, client_ip())
    except ContactError as exc:
        session.rollback()
        return render_template("public/subscribe.html", **_form_context(form=form, errors=exc.fields)), 400
    if result is not None:
        request_row, token = result
        contact = session.get(Contact, request_row.contact_id)
        session.commit()
        # In the page's language; the link keeps its /fr/ or /es/ prefix, so the welcome sent when
        # the person confirms is in that language too.
        emails.queue_email(runtime(), "subscription_confirm", contact.email, raw["name"].strip(),
                           language=current_language(), confirm_url=absolute_url("subscribe.confirm", token=token))
    else:
        session.rollback()
    return render_template("public/check_email.html", office=runtime().config.office_name)


@bp.route("/subscribe/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """GET shows a confirm button (link scanners change nothing); POST confirms."""
    session = db()
    found = subscriptions.find_request(session, token)
    if found is None:
        abort(404, "This confirmation link is unknown or has expired. Please subscribe again.")
    if request.method != "POST":  # GET and HEAD only read (docs/design/security.md item 30)
        return render_template("public/confirm.html", confirmed=found.confirmed_at is not None,
                               office=runtime().config.office_name)
    already = found.confirmed_at is not None
    try:
        contact = subscriptions.confirm(session, found, client_ip())
    except NotAllowed as exc:
        session.rollback()
        abort(403, exc.message)
    session.commit()
    if not already:
        emails.queue_email(runtime(), "subscription_welcome", contact.email, contact.name,
                           language=current_language(), preferences_url=preferences_url(contact), unsubscribe_url=unsubscribe_url(contact))
    names = dict(FORM_LANGUAGES)
    topic_labels = [row.topic.label for row in contact.topic_rows]
    return render_template("public/subscribed.html", contact=contact, preferences_url=preferences_url(contact),
                           office=runtime().config.office_name,
                           language_names=[names.get(code, code) for code in contact.languages],
                           topic_labels=sorted(topic_labels))


def preferences_url(contact) -> str:
    """The signed link to a contact's preference centre."""
    signed = subscriptions.preferences_link_token(current_app.config["SECRET_KEY"], contact)
    return absolute_url("subscribe.preferences", signed=signed)


def unsubscribe_url(contact) -> str:
    """The opaque one-click unsubscribe link (RFC 8058)."""
    return absolute_url("subscribe.unsubscribe", token=contact.token)


@bp.route("/preferences/<signed>", methods=["GET", "POST"])
def preferences(signed: str):
    """The preference centre: topics, languages, pause, unsubscribe."""
    session = db()
    contact = subscriptions.contact_for_preferences(session, current_app.config["SECRET_KEY"], signed)
    if contact is None:
        abort(404, "This preferences link is not valid.")
    errors, saved = {}, False
    if request.method == "POST":
        try:
            subscriptions.update_preferences(session, contact, {"languages": request.form.getlist("languages"),
                                                                "topics": request.form.getlist("topics"),
                                                                "pause": request.form.get("pause", "")})
        except ContactError as exc:
            session.rollback()
            errors = exc.fields
        else:
            session.commit()
            saved = True
    return render_template("public/preferences.html", contact=contact, saved=saved, unsubscribe_url=unsubscribe_url(
        contact), **_form_context(errors=errors))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """GET shows a button (scanners never unsubscribe); POST unsubscribes, idempotently.

    The POST needs no cookie or CSRF token: mail clients send
    ``List-Unsubscribe=One-Click`` from their own servers (RFC 8058).
    """
    session = db()
    if request.method != "POST":  # GET and HEAD only read (docs/design/security.md item 30)
        contact = subscriptions.contact_for_token(session, token)
        if contact is None:
            abort(404, "This unsubscribe link is not valid.")
        return render_template("public/unsubscribe.html", token=token, done=contact.status == "unsubscribed",
                               office=runtime().config.office_name)
    how = "one-click" if request.form.get("List-Unsubscribe") == "One-Click" else "page"
    contact = subscriptions.unsubscribe_by_token(session, token, how)
    if contact is None:
        session.rollback()
        abort(404, "This unsubscribe link is not valid.")
    session.commit()
    return render_template("public/unsubscribe.html", token=token, done=True, office=runtime().config.office_name)
