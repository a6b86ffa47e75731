"""The personal calendar feed: public URL, secret token, 404 for anything unknown."""

from __future__ import annotations

from flask import Response, abort, current_app

from trainer import clock
from trainer.extensions import db
from trainer.people.calendar_feed import feed_ics, user_for_token
from trainer.web.access import public
from trainer.web.public import bp


@bp.route("/calendar/<token>.ics")
@public
def calendar_feed(token: str):
    user = user_for_token(db.session, token)
    if user is None:
        abort(404)
    body = feed_ics(db.session, user, current_app.config["BASE_URL"], clock.now())
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, no-store"})
