"""My data: what is stored and why, a download of all of it, and the calendar feed."""

from __future__ import annotations

import json

from flask import Response, current_app, flash, redirect, render_template, request, url_for

from trainer import clock
from trainer.extensions import db
from trainer.notify.links import absolute
from trainer.people.calendar_feed import enable_feed, revoke_feed
from trainer.people.privacy import privacy_notice
from trainer.people.subject_access import subject_access_export
from trainer.web.access import login_required
from trainer.web.context import current_actor
from trainer.web.current import signed_in_user
from trainer.web.learn import bp
from trainer.web.one_time import keep_for_next_page, take_for_this_page

NEW_FEED = "calendar-feed"  # the one-time secret: a new feed address's token


@bp.route("/me/data")
@login_required
def my_data():
    """With ?feed=new (where turning the feed on redirects): the new address, this once."""
    token = take_for_this_page(NEW_FEED)
    feed_url = absolute(current_app.config["BASE_URL"], url_for("public.calendar_feed", token=token)) \
        if token else None
    return render_template("learn/my_data.html", notice=privacy_notice(current_app.config),
                           feed_on=signed_in_user().calendar_token_hash is not None, feed_url=feed_url,
                           feed_shown_before=feed_url is None and request.args.get("feed") == "new")


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
    keep_for_next_page(NEW_FEED, token)  # shown once by the page we redirect to
    db.session.commit()
    return redirect(url_for("learn.my_data", feed="new"))
