"""My data: what is stored and why, a download of all of it, and the calendar feed."""

from __future__ import annotations

import json

from flask import Response, current_app, flash, redirect, render_template, request, url_for

from trainer import clock
from trainer.extensions import db
from trainer.people.calendar_feed import enable_feed, revoke_feed
from trainer.people.privacy import privacy_notice
from trainer.people.subject_access import subject_access_export
from trainer.web.access import login_required
from trainer.web.context import current_actor
from trainer.web.current import signed_in_user
from trainer.web.learn import bp


def render_my_data(feed_url: str | None = None):
    return render_template("learn/my_data.html", notice=privacy_notice(current_app.config),
                           feed_on=signed_in_user().calendar_token_hash is not None, feed_url=feed_url)


@bp.route("/me/data")
@login_required
def my_data():
    return render_my_data()


@bp.route("/me/data.json")
@login_required
def my_data_download():
    export = subject_access_export(db.session, signed_in_user(), clock.now())
    return Response(json.dumps(export, indent=2, ensure_ascii=False), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-training-data.json"',
                             "Cache-Control": "private, no-store"})


@bp.route("/me/calendar", methods=["POST"])
@login_required
def calendar_feed():
    """Turn the feed on, give it a new secret, or turn it off."""
    if request.form.get("action") == "revoke":
        revoke_feed(db.session, current_actor(), signed_in_user())
        db.session.commit()
        flash("Your calendar feed is off; its old address no longer works.", "success")
        return redirect(url_for("learn.my_data") + "#calendar")
    token = enable_feed(db.session, current_actor(), signed_in_user())
    db.session.commit()
    # Shown in this response only, never stored in plain text or put in the session cookie.
    feed_url = current_app.config["BASE_URL"].rstrip("/") + url_for("public.calendar_feed", token=token)
    return render_my_data(feed_url)
