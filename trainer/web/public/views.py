"""Pages anyone may read: the privacy notice."""

from __future__ import annotations

from flask import current_app, render_template

from trainer.people.privacy import privacy_notice
from trainer.web.access import public
from trainer.web.public import bp


@bp.route("/privacy")
@public
def privacy():
    return render_template("public/privacy.html", notice=privacy_notice(current_app.config))
