"""A course as a .zip: export, round trip, dry run then confirm, and every refused upload."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import stat
import zipfile

import pytest
from sqlalchemy import func, select

from tests.compliance.helpers import complete_course, current, sync
from tests.conftest import csrf_token
from tests.content.builders import COURSE_MD
from tests.factories import make_user
from tests.web.authoring import LESSON, form_values, imported_course, module_of, sign_in_admin
from trainer.models import AuditEvent, Course, ModuleVersion

IMPORT = "/admin/courses/+import"
MiB = 1024 * 1024


@pytest.fixture
def admin(session, auth):
    return sign_in_admin(session, auth)


def make_zip(entries: dict[str, bytes | str], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def course_zip(**extra: bytes | str) -> dict[str, bytes | str]:
    return {"breach-basics/course.md": COURSE_MD, "breach-basics/01-reporting.md": LESSON, **extra}


def upload(client, data: bytes, name: str = "course.zip"):
    return client.post(IMPORT, data={"csrf_token": csrf_token(client, IMPORT), "check": "Check",
                                     "archive": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def versions(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ModuleVersion))


def test_export_is_a_zip_of_the_course_files(session, client, admin, tmp_path):
    imported_course(session, tmp_path)
    response = client.get("/admin/courses/breach-basics/export.zip")
    assert response.mimetype == "application/zip"
    assert 'filename="breach-basics.zip"' in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        assert archive.namelist() == ["breach-basics/course.md", "breach-basics/01-reporting.md"]
        assert archive.read("breach-basics/01-reporting.md").decode() == LESSON
        assert archive.read("breach-basics/course.md").decode() == (  # the canonical course.md
            "---\ntitle: Test course\nsummary: A course for tests.\npass_mark: 80\nrefresher_months: 12\n"
            "due_days: 30\naudience: everyone\nregulations: []\nowner: owner@example.com\n"
            "reviewed_on: 2026-11-01\n---\nWhat this course is about.\n")


def test_export_then_import_changes_nothing(session, client, admin, tmp_path):
    imported_course(session, tmp_path)
    exported = client.get("/admin/courses/breach-basics/export.zip").get_data()
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    page = upload(client, exported).get_data(as_text=True)
    assert "Nothing would change" in page
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_upload_shows_what_would_change_and_imports_only_when_confirmed(session, client, admin, tmp_path):
    imported_course(session, tmp_path)
    changed = LESSON.replace("at once", "within the hour")
    page = upload(client, make_zip(course_zip(**{"breach-basics/01-reporting.md": changed,
                                                 "breach-basics/02-new.md": LESSON}))).get_data(as_text=True)
    assert "breach-basics/reporting: new version 2 (minor)" in page
    assert "breach-basics/new: created (version 1)" in page
    assert versions(session) == 1  # a dry run so far
    confirm = form_values(page, action="/admin/courses/+import/confirm")
    response = client.post("/admin/courses/+import/confirm", data={**confirm, "confirm": "Import"})
    assert response.location == "/admin/courses/breach-basics"
    assert versions(session) == 3
    version = module_of(session, "breach-basics", "reporting").current_version
    assert "within the hour" in version.source and version.published_by_id == admin.id


def test_a_major_change_in_a_zip_reopens_training_like_the_file_import(session, client, admin, tmp_path):
    course = imported_course(session, tmp_path)
    employee = make_user(session)
    day = dt.date.today()
    sync(session, day)
    complete_course(session, employee, course, day)
    session.commit()
    note = "Breaches are now reported within one hour."
    changed = LESSON.replace("title: Reporting a breach\n",
                             f"title: Reporting a breach\nchange: major\nchange_note: {note}\n")
    changed = changed.replace("at once", "within one hour")
    archive = make_zip(course_zip(**{"breach-basics/01-reporting.md": changed}))
    page = upload(client, archive).get_data(as_text=True)
    assert "breach-basics/reporting: new version 2 (major)" in page
    assert "Assigns 0 people, reopens 1 people&#39;s training" in page  # the impact, before confirming
    session.expire_all()
    assert current(session, employee, course).reason != "major_change"
    confirm = form_values(page, action="/admin/courses/+import/confirm")
    client.post("/admin/courses/+import/confirm", data={**confirm, "confirm": "Import"})
    session.expire_all()
    assignment = current(session, employee, course)
    assert (assignment.reason, assignment.change_note) == ("major_change", note)
    assert assignment.completed_on is None
    course_page = client.get("/admin/courses/breach-basics").get_data(as_text=True)
    assert "1 reopened after major changes" in course_page


def test_a_new_course_from_a_zip_is_created_and_assigned(session, client, admin):
    page = upload(client, make_zip(course_zip())).get_data(as_text=True)
    confirm = form_values(page, action="/admin/courses/+import/confirm")
    client.post("/admin/courses/+import/confirm", data={**confirm, "confirm": "Import"})
    session.expire_all()
    assert session.scalar(select(Course)).slug == "breach-basics"
    assert "Compliance:" in client.get("/admin/courses/breach-basics").get_data(as_text=True)


def test_problems_in_the_files_are_listed_with_file_and_line(session, client, admin):
    broken = LESSON.replace("- [x] Choice 1 of 2", "- [ ] Choice 1 of 2")
    response = upload(client, make_zip(course_zip(**{"breach-basics/01-reporting.md": broken})))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<code>breach-basics/01-reporting.md</code>, line 17:" in page
    assert "a question without a correct answer" in page
    assert session.scalars(select(Course)).all() == []


def symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("breach-basics/course.md", COURSE_MD)
        link = zipfile.ZipInfo("breach-basics/01-reporting.md")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def encrypted_zip() -> bytes:
    """zipfile cannot encrypt: set the "encrypted" flag in the headers by hand."""
    data = bytearray(make_zip(course_zip()))
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            data[at + flag_offset] |= 0x1
            at = data.find(signature, at + 4)
    return bytes(data)


ATTACKS = {
    "traversal": (lambda: make_zip(course_zip(**{"breach-basics/../evil/course.md": COURSE_MD})),
                  "&#39;..&#39;, &#39;.&#39; and empty path parts are not allowed"),
    "traversal at the top": (lambda: make_zip({"../breach-basics/course.md": COURSE_MD}),
                             "&#39;..&#39;, &#39;.&#39; and empty path parts are not allowed"),
    "absolute path": (lambda: make_zip({"/breach-basics/course.md": COURSE_MD}),
                      "absolute paths are not allowed"),
    "windows drive": (lambda: make_zip({"C:/breach-basics/course.md": COURSE_MD}),
                      "absolute paths are not allowed"),
    "backslash": (lambda: make_zip({"breach-basics\\course.md": COURSE_MD}), "backslashes are not allowed"),
    "symlink": (symlink_zip, "symbolic links are not allowed"),
    "not markdown": (lambda: make_zip(course_zip(**{"breach-basics/run.sh": "rm -rf /"})),
                     "only course.md and module files named NN-slug.md are accepted"),
    "nested folder": (lambda: make_zip(course_zip(**{"breach-basics/sub/01-x.md": LESSON})),
                      "only course.md and module files named NN-slug.md are accepted"),
    "two courses": (lambda: make_zip({**course_zip(), "other/course.md": COURSE_MD}),
                    "exactly one course folder"),
    "too large": (lambda: make_zip(course_zip(**{"breach-basics/02-big.md": os.urandom(5 * 1024 * 1024)}),
                                   compression=zipfile.ZIP_STORED), "larger than 5 MB"),
    "zip bomb": (lambda: make_zip(course_zip(**{"breach-basics/02-bomb.md": b"\0" * (10 * 1024 * 1024)})),
                 "compressed more than 100:1"),
    "too much unpacked": (lambda: make_zip(course_zip(**{f"breach-basics/0{n}-big.md": b"a" * (8 * MiB)
                                                         for n in (2, 3, 4)})), "unpacked; at most 20 MB"),
    "too many entries": (lambda: make_zip({f"breach-basics/{n:02d}-m{n}.md": LESSON for n in range(100)}
                                          | {f"breach-basics/x{n}/": b"" for n in range(101)}),
                         "holds 201 entries; at most 200"),
    "encrypted": (encrypted_zip, "encrypted files are not accepted"),
    "not a zip": (lambda: b"PK\3\4 but not really a zip file", "This is not a readable zip file"),
}


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
def test_a_dangerous_or_wrong_upload_is_refused_and_nothing_is_written(session, client, admin, tmp_path,
                                                                     attack):
    build, message = ATTACKS[attack]
    response = upload(client, build())
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert "The archive was not imported" in page
    session.expire_all()
    assert session.scalars(select(Course)).all() == []
    assert not (tmp_path.parent / "evil").exists()


def test_a_forged_confirmation_is_checked_again(session, client, admin):
    token = csrf_token(client, IMPORT)
    forged = base64.b64encode(make_zip({"../evil/course.md": COURSE_MD})).decode()
    response = client.post("/admin/courses/+import/confirm",
                           data={"csrf_token": token, "archive_data": forged, "confirm": "Import"})
    assert response.status_code == 400
    assert "not allowed" in response.get_data(as_text=True)
    response = client.post("/admin/courses/+import/confirm",
                           data={"csrf_token": token, "archive_data": "%%%", "confirm": "Import"})
    assert response.status_code == 400
    assert session.scalars(select(Course)).all() == []
