"""The module editor: check with line numbers, preview with answers, drafts, publishing, conflicts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.compliance.helpers import complete_course, current, sync
from tests.conftest import Auth
from tests.factories import make_user
from tests.web.authoring import (
    LESSON,
    form_values,
    imported_course,
    module_of,
    page_form,
    post_confirmed,
    sign_in_admin,
)
from trainer.audit import Actor
from trainer.content import content_hash, parse_module
from trainer.content.authoring import EditConflict, Publication, publish
from trainer.extensions import db
from trainer.models import AuditEvent, Module, ModuleDraft, ModuleVersion

EDITOR = "/admin/courses/breach-basics/modules/reporting"
NO_CORRECT_ANSWER = LESSON.replace("- [x] Choice 1 of 2", "- [ ] Choice 1 of 2")


@pytest.fixture
def course(session, auth, tmp_path):
    sign_in_admin(session, auth)
    return imported_course(session, tmp_path)


def post(client, **changes):
    data = page_form(client, EDITOR, action=None)
    data.update(changes)
    if "publish" in changes:
        return post_confirmed(client, EDITOR, data)
    return client.post(EDITOR, data=data)


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), start=1) if fragment in line)


def test_the_editor_holds_the_whole_module_file(client, course):
    page = client.get(EDITOR).get_data(as_text=True)
    assert "title: Reporting a breach" in page
    assert "### Who do you tell first?" in page
    assert page_form(client, EDITOR)["source"] == LESSON


def test_preview_lists_each_problem_with_its_line_and_saves_nothing(session, client, course):
    response = post(client, source=NO_CORRECT_ANSWER, preview="Preview")
    page = response.get_data(as_text=True)
    line = line_of(NO_CORRECT_ANSWER, "### How fast?")
    assert f"Line {line}</a>:" in page
    assert "a question without a correct answer" in page
    assert "<code class=\"excerpt\">### How fast?</code>" in page  # the offending line is quoted
    session.expire_all()
    assert session.scalars(select(ModuleDraft)).all() == []
    assert module_of(session, "breach-basics", "reporting").current_version.number == 1


def test_preview_renders_like_employees_see_it_with_the_answers_marked(client, course):
    source = LESSON.replace("Tell the privacy team at once.",
                            "Tell **the privacy team** <script>x()</script>")
    page = post(client, source=source, preview="Preview").get_data(as_text=True)
    assert "<strong>the privacy team</strong>" in page
    assert "<script>x()" not in page
    assert 'class="key-correct"><span class="key-mark">Correct:</span> Choice 1 of 1' in page
    assert 'class="key-wrong"><span class="key-mark">Wrong:</span> Choice 2 of 1' in page


def test_preview_lists_quiz_quality_warnings_with_their_lines(client, course):
    page = post(client, source=LESSON, preview="Preview").get_data(as_text=True)
    assert "No problems found." in page  # valid: the warnings do not block
    assert "3 quiz-quality warnings</h2>" in page  # no questions_per_attempt; two explanations
    assert "questions_per_attempt is not set, so every attempt asks all 2 questions" in page
    for question in ("### Who do you tell first?", "### How fast?"):
        line = line_of(LESSON, question)
        assert re.search(rf'data-line="{line}">Line {line}</a>:\s*the explanation cites no source', page)
    assert 'id="preview-heading"' in page


def test_preview_of_a_sound_quiz_shows_no_warnings(client, course):
    source = LESSON.replace("> Because.", "> GDPR Art. 33(1).").replace(
        "minutes: 5\n", "minutes: 5\nquestions_per_attempt: 1\n")
    page = post(client, source=source, preview="Preview").get_data(as_text=True)
    assert "No problems found." in page
    assert "quiz-quality warning" not in page


def test_a_module_with_warnings_can_still_be_published(session, client, course):
    edited = LESSON.replace("at once", "straight away")
    response = post(client, source=edited, publish="Publish", change="minor")
    assert response.status_code == 302
    session.expire_all()
    assert module_of(session, "breach-basics", "reporting").current_version.number == 2


def test_a_draft_is_kept_but_employees_still_get_the_published_version(session, client, course):
    draft_text = LESSON.replace("at once", "within the hour")
    response = post(client, source=draft_text, save_draft="Save draft")
    assert response.status_code == 302
    session.expire_all()
    module = module_of(session, "breach-basics", "reporting")
    assert module.current_version.number == 1
    assert "at once" in module.current_version.body_html
    assert page_form(client, EDITOR)["source"] == draft_text  # the editor reopens the draft
    assert "You are editing the draft saved" in client.get(EDITOR).get_data(as_text=True)


def test_an_unfinished_draft_may_be_saved_and_says_what_is_left(session, client, course):
    response = post(client, source=NO_CORRECT_ANSWER, save_draft="Save draft")
    page = client.get(response.location).get_data(as_text=True)
    assert "It has 1 problem(s) to fix before it can be published" in page


def test_publishing_a_minor_change_adds_version_2_and_drops_the_draft(session, client, course, app):
    post(client, source=LESSON.replace("at once", "within the hour"), save_draft="Save draft")
    response = post(client, source=LESSON.replace("at once", "right away"), change="minor", publish="Publish")
    assert response.status_code == 302
    session.expire_all()
    module = module_of(session, "breach-basics", "reporting")
    version = module.current_version
    assert (version.number, version.change, module.major_floor) == (2, "minor", 1)
    assert "right away" in version.body_html
    admin = session.scalar(select(AuditEvent).where(AuditEvent.action == "module.published"
                                                    ).order_by(AuditEvent.id.desc()))
    assert version.published_by_id == admin.actor_id is not None
    assert session.scalars(select(ModuleDraft)).all() == []


def test_the_published_version_matches_what_an_import_of_the_same_file_makes(session, client, course):
    text = LESSON.replace("at once", "right away")
    post(client, source=text, change="minor", publish="Publish")
    session.expire_all()
    version = module_of(session, "breach-basics", "reporting").current_version
    parsed = parse_module(text)
    assert version.source == text
    assert version.content_hash == content_hash(text)
    assert version.quiz == parsed.quiz_snapshot()
    assert version.body_html == parsed.body_html()


def test_a_major_change_needs_a_note(session, client, course):
    response = post(client, source=LESSON.replace("at once", "right away"), change="major", change_note=" ",
                    publish="Publish")
    assert response.status_code == 400
    assert "A major change needs a note" in response.get_data(as_text=True)
    assert "right away" in response.get_data(as_text=True)  # the text is not lost
    session.expire_all()
    assert module_of(session, "breach-basics", "reporting").current_version.number == 1


def test_a_major_change_reopens_the_module_for_people_who_completed_it(session, client, course):
    employee = make_user(session)
    day = dt.date.today()
    sync(session, day)
    complete_course(session, employee, course, day)
    session.commit()
    note = "Breaches must now be reported within one hour."
    response = post(client, source=LESSON.replace("at once", "within one hour"), change="major",
                    change_note=note, publish="Publish")
    assert "1 people must take it again" in client.get(response.location).get_data(as_text=True)
    session.expire_all()
    assignment = current(session, employee, course)
    assert (assignment.reason, assignment.change_note) == ("major_change", note)
    assert assignment.completed_on is None
    assert module_of(session, "breach-basics", "reporting").major_floor == 2


def test_publishing_unchanged_text_is_refused(client, course):
    response = post(client, publish="Publish")
    assert "This text is the same as version 1: nothing to publish." in response.get_data(as_text=True)


def test_publishing_text_with_problems_is_refused_with_the_lines(session, client, course):
    response = post(client, source=NO_CORRECT_ANSWER, publish="Publish")
    assert response.status_code == 400
    assert "a question without a correct answer" in response.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(ModuleVersion).where(ModuleVersion.number == 2)) is None


def test_front_matter_saying_major_cannot_be_published_as_minor(client, course):
    text = LESSON.replace("minutes: 5\n", "minutes: 5\nchange: major\nchange_note: Rewritten.\n")
    response = post(client, source=text, change="minor", publish="Publish")
    page = response.get_data(as_text=True)
    assert "the front matter says &#39;change: major&#39;" in page
    assert f"Line {line_of(text, 'change: major')}</a>" in page


def test_two_admins_editing_at_once_the_second_publish_is_refused_and_shown_the_change(
        session, app, client, course):
    other = app.test_client()
    make_user(session, email="bea@example.com", name="Bea", roles=("admin",))
    session.commit()
    Auth(other).login("bea@example.com")
    mine = page_form(client, EDITOR)
    theirs = page_form(other, EDITOR)
    theirs.update(source=LESSON.replace("at once", "by phone"), change="minor", publish="Publish")
    assert post_confirmed(other, EDITOR, theirs).status_code == 302
    mine.update(source=LESSON.replace("Who do you tell first?", "Whom do you tell first?"), change="minor",
                publish="Publish")
    response = client.post(EDITOR, data=mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Version 2 was published while you were editing. Nothing was saved." in page
    assert "<ins>by phone</ins>" in page  # their change, as a diff
    assert "Whom do you tell first?" in page  # my text is still in the editor
    session.expire_all()
    module = module_of(session, "breach-basics", "reporting")
    assert module.current_version.number == 2 and "by phone" in module.current_version.source
    # Saving a draft on top of their version is refused too, until I continue from it.
    mine.pop("publish")
    assert client.post(EDITOR, data={**mine, "save_draft": "Save draft"}).status_code == 409
    rebased = client.post(EDITOR, data={**mine, "rebase": "x"}).get_data(as_text=True)
    assert "You are now editing on top of version 2" in rebased
    again = form_values(rebased)
    again.update(publish="Publish", change="minor")
    assert post_confirmed(client, EDITOR, again).status_code == 302
    session.expire_all()
    assert module_of(session, "breach-basics", "reporting").current_version.number == 3


def test_a_draft_saved_by_someone_else_meanwhile_is_not_overwritten(session, app, client, course):
    other = app.test_client()
    make_user(session, email="bea@example.com", roles=("admin",))
    session.commit()
    Auth(other).login("bea@example.com")
    mine = page_form(client, EDITOR)
    theirs = page_form(other, EDITOR)
    other.post(EDITOR, data={**theirs, "source": LESSON + "\n", "save_draft": "Save draft"})
    their_text = LESSON.replace("at once", "their words")
    other.post(EDITOR, data={**page_form(other, EDITOR), "source": their_text, "save_draft": "Save draft"})
    response = client.post(EDITOR, data={**mine, "source": LESSON.replace("at once", "my words"),
                                         "save_draft": "Save draft"})
    assert response.status_code == 409
    assert "The draft was changed while you were editing" in response.get_data(as_text=True)
    session.expire_all()
    assert "their words" in session.scalar(select(ModuleDraft)).source


def test_discarding_the_draft_brings_back_the_published_text(session, client, course):
    post(client, source=LESSON.replace("at once", "soon"), save_draft="Save draft")
    data = page_form(client, EDITOR, action=f"{EDITOR}/discard")
    assert client.post(f"{EDITOR}/discard", data=data).status_code == 302
    assert page_form(client, EDITOR)["source"] == LESSON
    session.expire_all()
    assert session.scalars(select(ModuleDraft)).all() == []


def test_editor_pages_are_for_admins_only(session, client, auth, course):
    auth.logout()
    make_user(session, email="hr@example.com", roles=("hr",))
    session.commit()
    auth.login("hr@example.com")
    assert client.get(EDITOR).status_code == 403
    assert client.get(f"{EDITOR}/versions").status_code == 403
    assert client.get("/admin/courses/breach-basics/export.zip").status_code == 403


def test_unknown_course_or_module_is_404(client, course):
    assert client.get("/admin/courses/nope/modules/reporting").status_code == 404
    assert client.get("/admin/courses/breach-basics/modules/nope").status_code == 404


@pytest.mark.skipif("postgresql" not in os.environ.get("TRAINER_TEST_DATABASE_URL", ""),
                    reason="row locks need PostgreSQL; SQLite serialises writers itself")
def test_two_publishes_at_the_same_moment_the_second_waits_then_sees_a_conflict(session, app, course):
    module_id = module_of(session, "breach-basics", "reporting").id
    base = module_of(session, "breach-basics", "reporting").current_version_id
    session.commit()
    first, second = Session(db.engine), Session(db.engine)
    request = Publication(LESSON.replace("at once", "now"), base, "", "minor", "")
    publish(first, Actor.cli(), first.get(Module, module_id), request)  # holds the row lock
    outcome: list[object] = []

    def publish_second() -> None:
        try:
            publish(second, Actor.cli(), second.get(Module, module_id),
                    dataclasses.replace(request, source=LESSON.replace("at once", "later")))
            outcome.append("published")
        except EditConflict as conflict:
            outcome.append(conflict)
        finally:
            second.rollback()

    thread = threading.Thread(target=publish_second)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive()  # waiting for the first one's lock
    first.commit()
    thread.join(timeout=10)
    first.close()
    second.close()
    assert isinstance(outcome[0], EditConflict)
    assert "Version 2 was published while you were editing" in str(outcome[0])


def test_publishing_first_shows_whom_it_reopens_and_writes_nothing_until_confirmed(session, client, course):
    employee = make_user(session, name="Eve Employee", email="eve@example.com")
    day = dt.date.today()
    sync(session, day)
    complete_course(session, employee, course, day)
    session.commit()
    data = page_form(client, EDITOR)
    data.update(source=LESSON.replace("at once", "within one hour"), change="major",
                change_note="Within one hour.", publish="Publish")
    page = client.post(EDITOR, data=data).get_data(as_text=True)
    due = day + dt.timedelta(days=30)
    assert (f"Assigns 0 people, reopens 1 people&#39;s training, due on {due:%d %b %Y}; e-mails them on "
            f"{day:%d %b %Y}.") in page
    assert "Eve Employee &lt;eve@example.com&gt;" in page
    assert "Confirm and publish" in page
    session.expire_all()
    assert module_of(session, "breach-basics", "reporting").current_version.number == 1  # nothing yet
    assert current(session, employee, course).completed_on == day
    published = select(AuditEvent).where(AuditEvent.action == "module.published")
    assert len(session.scalars(published).all()) == 1  # version 1's, from the import
    # A changed text after seeing the impact asks again instead of publishing.
    confirmed = form_values(page)["confirmed"]
    edited = data["source"].replace("within one hour", "within 60 minutes")
    again = client.post(EDITOR, data={**data, "source": edited, "confirmed": confirmed})
    assert "Before you confirm" in again.get_data(as_text=True)
    session.expire_all()
    assert module_of(session, "breach-basics", "reporting").current_version.number == 1
    done = client.post(EDITOR, data={**data, "confirmed": confirmed})
    assert done.status_code == 302
    session.expire_all()
    assert module_of(session, "breach-basics", "reporting").current_version.number == 2
    assert current(session, employee, course).reason == "major_change"


def test_employees_see_a_new_version_at_once_and_never_a_draft(session, client, course):
    """The module page's content is cached per process by version: a draft or its preview
    never reaches employees, and a publish (a new version, a new key) shows at once."""
    page = "/courses/breach-basics/reporting"  # the admin is an employee too, reading ahead
    assert "at once" in client.get(page).get_data(as_text=True)  # now in the cache
    draft = LESSON.replace("at once", "within the hour")
    post(client, source=draft, save_draft="Save draft")
    assert "within the hour" in post(client, source=draft, preview="Preview").get_data(as_text=True)
    shown = client.get(page).get_data(as_text=True)
    assert "at once" in shown and "within the hour" not in shown
    post(client, source=LESSON.replace("at once", "right away"), change="minor", publish="Publish")
    shown = client.get(page).get_data(as_text=True)
    assert "right away" in shown and "at once" not in shown
