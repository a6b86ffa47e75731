"""The employee's records: transcript and certificate PDFs."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template

from trainer import clock
from trainer.extensions import db
from trainer.learning.certificate_pdf import certificate_facts, certificate_pdf, find_certificate
from trainer.learning.transcript import transcript as build_transcript
from trainer.reports.acknowledgements import person_acknowledgements
from trainer.web.access import login_required
from trainer.web.current import current_user
from trainer.web.learn import bp


@bp.route("/me/transcript")
@login_required
def transcript():
    acknowledgements = person_acknowledgements(db.session, current_user.id, clock.today())
    return render_template("learn/transcript.html", records=build_transcript(db.session, current_user.id),
                           acknowledgements=acknowledgements)


@bp.route("/me/certificates/<int:certificate_id>.pdf")
@login_required
def certificate(certificate_id: int):
    found = find_certificate(db.session, current_user.id, certificate_id)
    if found is None:
        abort(404)
    facts = certificate_facts(db.session, found, current_app.config["ORGANISATION_NAME"],
                              current_app.config["BASE_URL"])
    filename = f"certificate-{found.course.slug}-{found.completed_on.isoformat()}.pdf"
    return Response(certificate_pdf(facts), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    })
