"""Certificate verification: anyone with a code can check it is genuine and current."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from trainer import clock
from trainer.compliance.certificates import verify_certificate
from trainer.extensions import db
from trainer.web.access import public
from trainer.web.public import bp


@bp.route("/verify")
@public
def verify_form():
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("public.verify", code=code[:40]))
    return render_template("public/verify.html", code="", verification=None)


@bp.route("/verify/<code>")
@public
def verify(code: str):
    verification = verify_certificate(db.session, code[:40], clock.today())
    status = 200 if verification else 404
    return render_template("public/verify.html", code=code[:40], verification=verification), status
