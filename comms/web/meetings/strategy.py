"""Staff pages for a meeting's communication strategy: the editor, asking the President to
sign off, and a printable version to send to a host."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from comms.rendering import emails
from comms.meetings import service as meetings
from comms.meetings import strategy
from comms.web.access import roles_required
from comms.web.context import db, runtime
from comms.web.decision_mail import tell_press_office
from comms.web.meetings.links import ask_again, sign_off_email_or_error
from comms.web.meetings.shared import DOMAIN_ERRORS, READERS, WRITERS, check_length, fail, find_strategy, get_meeting, lines, parse_id, sign_off_summary, staff_choices, template_context
from contacts import lists

bp = Blueprint("strategy_ui", __name__, url_prefix="/staff/meetings")
bp.context_processor(template_context)
EMPTY_MILESTONE_ROWS = 3
MAX_MILESTONE_ROWS = 300
_ROW_FIELD = re.compile(r"^m-(\d{1,3})-(?:id|title)$")
_MESSAGE_FIELD = re.compile(r"^key_messages_([a-z]{2})$")


# --- between the form and strategy.save_strategy -------------------------------------------------------------------

def form_values(found: strategy.Strategy | None) -> dict:
    """What the editor shows for the current version (or an empty strategy)."""
    content = found.current.content if found and found.current else {}
    messages: dict[str, list[str]] = {}
    for item in sorted(content.get("key_messages", []), key=lambda m: m.get("position", 0)):
        messages.setdefault(item["language"], []).append(item["text"])
    audiences = content.get("audiences", [])
    return {
        "base_version": found.version if found else 0,
        "objectives": "\n".join(content.get("objectives", [])),
        "key_messages": {language: "\n".join(texts) for language, texts in messages.items()},
        "audiences": [f"{a['type']}:{a['id']}" for a in audiences if a["type"] in ("list", "segment")],
        "audience_text": "\n".join(a["name"] for a in audiences if a["type"] == "text"),
        "channels": list(content.get("channels", [])),
        "spokespersons": "\n".join(content.get("spokespersons", [])),
        "risks": "\n".join(content.get("risks", [])),
        "milestones": [{"id": str(m.id), "title": m.title, "due_on": m.due_on.isoformat(),
                        "owner_id": str(m.owner_id or ""), "status": m.status}
                       for m in (found.milestones if found else [])],
    }


def posted_values(form) -> dict:
    """The posted editor, as it shows again after an error."""
    rows = sorted({int(match.group(1)) for key in form if (match := _ROW_FIELD.match(key))})[:MAX_MILESTONE_ROWS]
    return {
        "base_version": parse_id(form.get("base_version")) or 0,
        "objectives": form.get("objectives", ""),
        "key_messages": {match.group(1): form.get(key, "") for key in form if (match := _MESSAGE_FIELD.match(key))},
        "audiences": form.getlist("audiences"), "audience_text": form.get("audience_text", ""),
        "channels": form.getlist("channels"),
        "spokespersons": form.get("spokespersons", ""), "risks": form.get("risks", ""),
        "milestones": [{"row": i, **{name: form.get(f"m-{i}-{name}", "").strip()
                                     for name in ("id", "title", "due_on", "owner_id", "status", "remove")}}
                       for i in rows],
    }


def message_languages(meeting: meetings.Meeting, values: dict) -> list[str]:
    """The meeting's languages, then any other language a key message is in (so it can be fixed)."""
    return list(meeting.languages) + sorted(set(values["key_messages"]) - set(meeting.languages))


def audience_choices(found: strategy.Strategy | None) -> list[dict]:
    """Lists and segments to tick, plus ones the strategy names that have since been deleted."""
    choices = [{"value": f"list:{item.id}", "type": "list", "id": item.id, "name": item.name}
               for item in lists.all_lists(db())]
    choices += [{"value": f"segment:{item.id}", "type": "segment", "id": item.id, "name": item.name}
                for item in lists.all_segments(db())]
    known = {choice["value"] for choice in choices}
    content = found.current.content if found and found.current else {}
    for item in content.get("audiences", []):
        value = f"{item['type']}:{item.get('id')}"
        if item["type"] in ("list", "segment") and value not in known:
            choices.append({"value": value, "type": item["type"], "id": item["id"],
                            "name": f"{item['name'] or value} (deleted {item['type']})"})
    return choices


def read_strategy(meeting: meetings.Meeting, found: strategy.Strategy | None, values: dict) -> tuple[dict, list[int]]:
    """The raw strategy for save_strategy, and the form row of each milestone passed on."""
    messages = [{"language": language, "text": text} for language in message_languages(meeting, values)
                for text in lines(values["key_messages"].get(language))]
    choices = {choice["value"]: choice for choice in audience_choices(found)}
    audiences = []
    for value in values["audiences"]:
        choice = choices.get(value)
        if choice is None:
            raise strategy.StrategyError("some fields are not valid", {"audiences": f"no list or segment {value!r}"})
        audiences.append({"type": choice["type"], "id": choice["id"], "name": choice["name"]})
    audiences += lines(values["audience_text"])
    existing = {m.id: m for m in (found.milestones if found else [])}
    milestones, rows = [], []
    for row in values["milestones"]:
        milestone = existing.get(parse_id(row["id"]))
        if row["remove"] == "yes" or (milestone is None and not row["title"] and not row["due_on"]):
            continue
        title = check_length(row["title"], 300, f"the title of milestone {len(rows) + 1}", strategy.StrategyError)
        milestones.append({"id": milestone.id if milestone else None, "title": title, "due_on": row["due_on"],
                           "owner_id": parse_id(row["owner_id"]), "status": row["status"] or "planned",
                           # Tracking that the form does not show (a linked release) stays as it was.
                           "release_id": milestone.release_id if milestone else None})
        rows.append(row["row"])
    raw = {"objectives": lines(values["objectives"]), "key_messages": messages, "audiences": audiences,
           "channels": values["channels"], "spokespersons": lines(values["spokespersons"]),
           "risks": lines(values["risks"]), "milestones": milestones}
    return raw, rows


def row_errors(exc: strategy.StrategyError, rows: list[int], values: dict) -> tuple[dict, str]:
    """The error's fields keyed for the form (``milestones[2]`` becomes the row it came from),
    and a message that numbers milestones as the page shows them."""
    shown = {row["row"]: position for position, row in enumerate(values["milestones"], start=1)}
    errors, phrases = {}, []
    for name, problem in exc.fields.items():
        match = re.fullmatch(r"milestones\[(\d+)\]", name)
        if match and int(match.group(1)) < len(rows):
            row = rows[int(match.group(1))]
            errors[f"row-{row}"] = problem
            phrases.append(f"milestone {shown.get(row, row + 1)}: {problem}")
        else:
            errors[name] = problem
            phrases.append(f"{name.replace('_', ' ')}: {problem}")
    message = exc.message[:1].upper() + exc.message[1:]
    return errors, f"{message} ({'; '.join(phrases)})" if phrases else message


# --- pages ---------------------------------------------------------------------------------------------------------

def render_editor(meeting: meetings.Meeting, values: dict | None = None, errors: dict | None = None,
                  status: int = 200):
    """The strategy editor (a read-only view for those who cannot edit)."""
    found = find_strategy(meeting)
    values = values or form_values(found)
    milestone_rows = values["milestones"]
    start = max([row.get("row", i) for i, row in enumerate(milestone_rows)] + [-1]) + 1
    milestone_rows = [{**row, "row": row.get("row", i)} for i, row in enumerate(milestone_rows)]
    milestone_rows += [{"row": start + i, "id": "", "title": "", "due_on": "", "owner_id": "", "status": "planned"}
                       for i in range(EMPTY_MILESTONE_ROWS)]
    owners = staff_choices([m.owner for m in found.milestones] if found else [])
    return render_template(
        "meetings/strategy_edit.html", meeting=meeting, found=found, summary=sign_off_summary(found), values=values,
        errors=errors or {}, languages=message_languages(meeting, values), audiences=audience_choices(found),
        channels=strategy.CHANNELS, statuses=strategy.MILESTONE_STATUSES, owners=owners,
        milestone_rows=milestone_rows, content=found.current.content if found and found.current else None,
        subject=found, my_request=strategy.open_request_for(db(), found, current_user.user) if found else None,
    ), status


@bp.route("/<int:meeting_id>/strategy")
@roles_required(*READERS)
def edit(meeting_id: int):
    """The strategy: objectives, key messages per language, audiences, channels, people, risks, milestones."""
    return render_editor(get_meeting(meeting_id))


@bp.route("/<int:meeting_id>/strategy", methods=["POST"])
@roles_required(*WRITERS)
def save(meeting_id: int):
    """Save the editor; new content makes a new version and clears sign-off."""
    meeting, session = get_meeting(meeting_id), db()
    values = posted_values(request.form)
    found = find_strategy(meeting)
    current_version = found.version if found else 0
    if values["base_version"] != current_version:
        flash(f"Someone saved version {current_version} after you opened this page. Your text is below: check it "
              "against theirs (open the printable version in another tab) and save again.", "error")
        return render_editor(meeting, {**values, "base_version": current_version}, status=409)
    was_signed_off = bool(found and found.is_signed_off)
    had_open_request = bool(found and sign_off_summary(found)["state"] == "requested")
    ask_president_again = strategy.in_sign_off(session, found)
    rows: list[int] = []
    try:
        raw, rows = read_strategy(meeting, found, values)
        saved, new_version = strategy.save_strategy(session, meeting, raw, current_user.user)
    except strategy.StrategyError as exc:
        session.rollback()
        errors, message = row_errors(exc, rows, values)
        flash(message, "error")
        return render_editor(get_meeting(meeting_id), values, errors, 400)
    session.commit()
    if new_version:
        message = f"Saved version {saved.version} of the strategy."
        if was_signed_off:
            message += " The President's sign-off was cleared."
        elif had_open_request:
            message += " The sign-off link sent earlier no longer works."
        if ask_president_again:
            message += " " + ask_again(session, current_app.config["SECRET_KEY"], saved, current_user.user)
    else:
        message = f"The content did not change: still version {saved.version}. Milestone progress is saved."
    flash(message, "success")
    return redirect(url_for("strategy_ui.edit", meeting_id=meeting.id), 303)


@bp.route("/<int:meeting_id>/strategy/sign-off", methods=["POST"])
@roles_required(*WRITERS)
def request_sign_off(meeting_id: int):
    """Email the President a signed link to sign off the current version."""
    meeting, session = get_meeting(meeting_id), db()
    found = find_strategy(meeting)
    me = current_user.user
    try:
        if found is None:
            raise strategy.StrategyError("write the strategy before asking for sign-off")
        approval, token = strategy.request_sign_off(session, current_app.config["SECRET_KEY"], found, me)
        messages = sign_off_email_or_error(found, approval, token, me)
    except DOMAIN_ERRORS as exc:
        status = fail(exc)
        return render_editor(get_meeting(meeting_id), status=status)
    session.commit()
    emails.queue_approval_messages(runtime(), messages)
    flash(f"Sign-off requested from {approval.approver.display_name} (version {approval.version}).", "success")
    return redirect(url_for("strategy_ui.edit", meeting_id=meeting.id), 303)


@bp.route("/<int:meeting_id>/strategy/decide", methods=["POST"])
@roles_required("approver")
def decide(meeting_id: int):
    """The President signs off the current version in the app, or asks for changes (as by the link)."""
    meeting, session, user = get_meeting(meeting_id), db(), current_user.user
    found = find_strategy(meeting)
    version = request.form.get("version", "")
    if found is None or version != str(found.version):
        flash(f"Version {version[:10]} is no longer current: read the new text first.", "error")
        return render_editor(meeting, status=409)
    approval = strategy.open_request_for(session, found, user)
    if approval is None:
        flash("You were not asked to sign off this version (or the request has expired).", "error")
        return render_editor(meeting, status=403)
    try:
        strategy.record_decision(session, found, approval, request.form.get("decision", ""),
                                 request.form.get("comment", ""), via="staff", actor=user)
    except DOMAIN_ERRORS as exc:
        return render_editor(get_meeting(meeting_id), status=fail(exc))
    session.commit()
    told = tell_press_office(session, approval, found)
    flash(("You signed off version {v}." if approval.status == "approved" else "You asked for changes to version {v}.")
          .format(v=approval.version) + (" The press office has been told." if told else
                                         " The press office could not be emailed about it: please tell them."),
          "success")
    return redirect(url_for("strategy_ui.edit", meeting_id=meeting.id), 303)


@bp.route("/<int:meeting_id>/strategy/print")
@roles_required(*READERS)
def print_view(meeting_id: int):
    """The strategy on paper: A4, no navigation or forms."""
    meeting = get_meeting(meeting_id)
    found = find_strategy(meeting)
    return render_template("meetings/strategy_print.html", meeting=meeting, found=found,
                           summary=sign_off_summary(found), subject=found,
                           content=found.current.content if found and found.current else None)

