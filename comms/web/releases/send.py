"""Sending a release from its staff page: choose lists, segments and the matching subscribers
(each with the number of people it reaches), review whom the mix reaches, confirm,
then watch a progress bar; and the release's delivery report as a small SVG chart.

The send goes through comms.distribution.service.create_send and the "sends.run" job, exactly
as POST /api/v1/releases/{id}/send does; the rules (approved, embargo-trusted lists only
before the embargo lifts, each contact once) are the server's, whatever the form offered.
static/send-progress.js polls the staff JSON route /staff/sends/{id}/status (session
auth) until the worker marks the send done. The page offers a "Refresh" link without
JavaScript.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for

from comms.distribution import report as delivery_report
from comms.platform import jobs
from comms.distribution.service import Send, SendError, create_send, embargo_in_force, progress
from comms.releases.service import Release, ReleaseError
from comms.distribution import audience as send_audience
from comms.web.access import current_actor, roles_required
from comms.web.context import db, runtime
from comms.web.releases.shared import READERS, WRITERS, load_release, template_context, when
from contacts.errors import ContactError
from comms.web.releases.pages import render_release

bp = Blueprint("release_send", __name__, url_prefix="/staff")
bp.context_processor(template_context)
# The chart: one bar per figure, scaled to the largest (SVG attributes, no inline style: CSP).
CHART_ROWS = (("sent", "Sent"), ("failed", "Failed"), ("pending", "Pending"), ("suppressed", "Suppressed"),
              ("unsubscribed_since", "Unsubscribed since"))
CHART_LABEL_WIDTH, CHART_BAR_WIDTH, CHART_ROW_HEIGHT = 150, 260, 28


def percent_done(state: dict) -> int:
    """How far a send is, 0-100: finished messages (sent or failed) out of its recipients."""
    if state["status"] == "done" and state["pending"] == 0:
        return 100
    total = state["total"]
    return min(100, (state["sent"] + state["failed"]) * 100 // total) if total else 0


def chart(report: dict) -> dict:
    """Bar geometry for releases/_report_chart.html."""
    rows = [(key, label, int(report[key])) for key, label in CHART_ROWS if key != "pending" or report[key]]
    largest = max([value for _key, _label, value in rows] + [1])
    bars = [{"key": key, "label": label, "value": value, "y": index * CHART_ROW_HEIGHT,
             "width": round(value * CHART_BAR_WIDTH / largest) if value else 0}
            for index, (key, label, value) in enumerate(rows)]
    return {"bars": bars, "label_width": CHART_LABEL_WIDTH, "bar_width": CHART_BAR_WIDTH,
            "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 60, "height": len(bars) * CHART_ROW_HEIGHT,
            "row_height": CHART_ROW_HEIGHT}


@bp.app_template_global("send_panel")
def send_panel(release: Release) -> dict:
    """What the release page's send and report sections show (called from releases/_send.html)."""
    session = db()
    report = delivery_report.release_report(session, release)
    sendable = (release.approved_revision is not None and release.retracted_at is None
                and release.status in ("approved", "scheduled", "published"))
    return {"lists": delivery_report.sendable_lists(session, release) if sendable else [],
            "segments": send_audience.segment_choices(session, release) if sendable else [],
            "subscribers": send_audience.subscriber_choice(session, release) if sendable else None,
            "embargoed": embargo_in_force(release), "sendable": sendable, "report": report,
            "recipients": delivery_report.recipients(session, release) if report["sends"] else None,
            "chart": chart(report), "embargo_text": when(release.effective_embargo_until, release.meeting)}


def _chosen_ids(field: str = "list_ids") -> list[int]:
    raw_ids = request.values.getlist(field)
    if any(not raw.isdigit() or len(raw) > 9 for raw in raw_ids):
        what = "lists" if field == "list_ids" else "segments"
        raise SendError(f"choose {what} from the form", 422, {field: f"not a {what[:-1]}"})
    return list(dict.fromkeys(int(raw) for raw in raw_ids))


def _chosen_list_ids() -> list[int]:
    return _chosen_ids("list_ids")


def _chosen_subscribers() -> bool:
    return request.values.get("subscribers") == "1"


def _refused(release_id: int, exc: Exception):
    """Back to the release page with the reason: shown there (a 4xx status) for the review page, and
    for the POST-only send address a redirect (303), so a reload never posts the send again."""
    db().rollback()
    message = getattr(exc, "message", str(exc))
    flash(message[:1].upper() + message[1:], "error")
    if request.method == "POST":
        return redirect(url_for("releases_ui.show", release_id=release_id, _anchor="publication"), 303)
    return render_release(load_release(release_id), getattr(exc, "status", 422))


def _check_segments(release: Release, segment_ids: list[int]) -> list[dict]:
    """The chosen segments; SendError for an unknown one, or any under embargo."""
    known = {item["id"]: item for item in send_audience.segment_choices(db(), release)} if segment_ids else {}
    unknown = [segment_id for segment_id in segment_ids if segment_id not in known]
    if unknown:
        raise SendError(f"there is no segment {unknown[0]}", 422, {"segment_ids": "unknown"})
    if segment_ids and embargo_in_force(release):
        raise SendError("before the embargo lifts, only embargo-trusted lists can be sent this release "
                        "(not: segments)", 409, {"segment_ids": "not embargo-trusted"})
    return [known[segment_id] for segment_id in segment_ids]


def _check_lists(release: Release, list_ids: list[int], others: bool = False) -> list[dict]:
    """The chosen lists; SendError for none (unless ``others``: segments or subscribers are chosen),
    an unknown one, or an untrusted one under embargo."""
    if not list_ids and not others:
        raise SendError("choose at least one list, segment or the subscribers to send to", 422,
                        {"list_ids": "empty"})
    known = {item["id"]: item for item in delivery_report.sendable_lists(db(), release)}
    unknown = [list_id for list_id in list_ids if list_id not in known]
    if unknown:
        raise SendError(f"there is no list {unknown[0]}", 422, {"list_ids": "unknown"})
    chosen = [known[list_id] for list_id in list_ids]
    refused = [item["name"] for item in chosen if not item["allowed"]]
    if refused:
        raise SendError("before the embargo lifts, only embargo-trusted lists can be sent this release "
                        f"(not: {', '.join(refused)})", 409, {"list_ids": "not embargo-trusted"})
    return chosen


@bp.route("/releases/<int:release_id>/send/review")
@roles_required(*WRITERS)
def review(release_id: int):
    """The chosen lists and how many people the send reaches, with a Confirm button."""
    release = load_release(release_id)
    subscribers = _chosen_subscribers()
    try:
        segments = _check_segments(release, _chosen_ids("segment_ids"))
        chosen = _check_lists(release, _chosen_list_ids(), others=bool(segments) or subscribers)
        reach = send_audience.subscriber_choice(db(), release) if subscribers else None
        if reach is not None and not reach["allowed"]:
            raise SendError(reach["why"][:1].upper() + reach["why"][1:], 409, {"subscribers": "not now"})
    except SendError as exc:
        return _refused(release_id, exc)
    numbers = send_audience.estimate(db(), release, list_ids=[item["id"] for item in chosen],
                                     segment_ids=[item["id"] for item in segments], subscribers=subscribers)
    return render_template("releases/send_review.html", release=release, content=release.content(), chosen=chosen,
                           segments=segments, subscribers=reach, numbers=numbers, embargoed=embargo_in_force(release),
                           embargo_text=when(release.effective_embargo_until, release.meeting))


@bp.route("/releases/<int:release_id>/send", methods=["POST"])
@roles_required(*WRITERS)
def send(release_id: int):
    """Plan the send (the ledger decides who gets it), queue it, and show its progress."""
    release, session = load_release(release_id), db()
    try:
        send_row = create_send(session, release, list_ids=_chosen_list_ids(), segment_ids=_chosen_ids("segment_ids"),
                               subscribers=_chosen_subscribers(), actor=current_actor(),
                               mail_from=runtime().config.mail_from)
    except (SendError, ReleaseError, ContactError) as exc:
        return _refused(release_id, exc)
    session.commit()
    jobs.enqueue(runtime(), "sends.run", send_row.id)
    flash(f"Sending to {send_row.total} {'person' if send_row.total == 1 else 'people'}.", "success")
    return redirect(url_for("release_send.show_send", send_id=send_row.id), 303)


def _load_send(send_id: int) -> Send:
    send_row = db().get(Send, send_id) if 0 < send_id < 2**31 else None
    if send_row is None:
        abort(404, f"There is no send {send_id}.")
    return send_row


@bp.route("/sends/<int:send_id>")
@roles_required(*READERS)
def show_send(send_id: int):
    """A send's progress bar (static/send-progress.js keeps it live)."""
    send_row = _load_send(send_id)
    if send_row.dispatch_id is not None:  # the ledger is shared: a dispatch's send has the dispatch's page
        return redirect(url_for("dispatches_ui.show", dispatch_id=send_row.dispatch_id), 303)
    release = load_release(send_row.release_id)
    state = progress(db(), send_row)
    return render_template("releases/send_progress.html", release=release, content=release.content(),
                           send=send_row, state=state, percent=percent_done(state))


@bp.route("/sends/<int:send_id>/status")
@roles_required(*READERS)
def send_status(send_id: int):
    """The send's progress as JSON for the page: docs/design/contract.md's send status plus ``percent``."""
    state = progress(db(), _load_send(send_id))
    return jsonify({**state, "percent": percent_done(state)})
