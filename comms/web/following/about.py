"""/about/follower: what the follower robot is, for the people who run the sites it reads."""

from __future__ import annotations

from flask import Blueprint, render_template

from comms.following.jobs import follower_user_agent
from comms.web.context import runtime
from feeds.follow.robots import MAX_AGE, MAX_CRAWL_DELAY

bp = Blueprint("follower_public", __name__)


@bp.route("/about/follower")
def about_follower():
    """A plain page explaining the User-Agent, its manners and how to opt out."""
    config = runtime().config
    return render_template("public/follower.html", user_agent=follower_user_agent(config),
                           office=config.office_name, robots_hours=int(MAX_AGE.total_seconds() // 3600),
                           max_crawl_delay=int(MAX_CRAWL_DELAY))
