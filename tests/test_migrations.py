"""The migrations and the models describe the same schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text, update

from tests.test_audit_anchor import rechain
from trainer import MIGRATIONS_DIRECTORY as MIGRATIONS
from trainer import audit, create_app
from trainer.audit import Actor, canonical_payload
from trainer.extensions import db
from trainer.models import AuditEvent


def test_models_and_migration_head_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_upgrade_downgrade_upgrade(scratch_database, tmp_path):
    app = create_app({"DATABASE_URL": scratch_database, "SECRET_KEY": "s" * 40,
                      "INSTANCE_PATH": str(tmp_path), "TESTING": True})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        assert "assignments" in inspect(db.engine).get_table_names()
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()


def test_upgrade_closes_duplicate_current_cycles_before_refusing_them(scratch_database, tmp_path):
    """0006: the completed current cycle (else the earliest) stays; the rest are closed."""
    import datetime as dt
    from types import SimpleNamespace

    import sqlalchemy as sa
    from sqlalchemy import select

    from trainer.models import Assignment

    app = create_app({"DATABASE_URL": scratch_database, "SECRET_KEY": "s" * 40,
                      "INSTANCE_PATH": str(tmp_path), "TESTING": True})
    day = dt.date(2026, 1, 5)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0005_scim_links")
        # Courses and people as the 0005 schema has them: the models may have grown columns since.
        courses = sa.Table("courses", sa.MetaData(), autoload_with=db.session.connection())
        users = sa.Table("users", sa.MetaData(), autoload_with=db.session.connection())

        def course_row(slug):  # type: ignore[no-untyped-def]
            values = {"slug": slug, "title": slug, "summary": "", "intro_source": "", "intro_html": "",
                      "pass_mark": 80, "due_days": 30, "audience": "everyone", "regulations": [],
                      "source_hash": "", "created_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}
            key = db.session.execute(courses.insert().values(values)).inserted_primary_key
            return SimpleNamespace(id=key[0])

        def person(email):  # type: ignore[no-untyped-def]
            values = {"email": email, "name": email, "is_hr": False, "is_admin": False, "active": True,
                      "locale": "en", "created_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                      "session_version": 1, "digest_frequency": "immediate"}
            key = db.session.execute(users.insert().values(values)).inserted_primary_key
            return SimpleNamespace(id=key[0])

        course, other = course_row("first"), course_row("second")
        ann, bob = person("ann@example.com"), person("bob@example.com")

        def cycle(user, of, n, completed=None):  # type: ignore[no-untyped-def]
            db.session.add(Assignment(user_id=user.id, course_id=of.id, cycle=n, reason="refresher",
                                      assigned_on=day, due_on=day, completed_on=completed, current=True))

        cycle(ann, course, 2), cycle(ann, course, 3, completed=day), cycle(ann, course, 4)
        cycle(bob, course, 5), cycle(bob, course, 6)
        cycle(bob, other, 1)
        db.session.commit()
        upgrade(directory=MIGRATIONS)
        rows = db.session.execute(select(Assignment.user_id, Assignment.course_id, Assignment.cycle,
                                         Assignment.current, Assignment.closed_reason)
                                  .order_by(Assignment.user_id, Assignment.course_id, Assignment.cycle)).all()
        closed = "duplicate current cycle closed by upgrade 0006"
        assert [tuple(r) for r in rows] == [
            (ann.id, course.id, 2, False, closed), (ann.id, course.id, 3, True, None),
            (ann.id, course.id, 4, False, closed),
            (bob.id, course.id, 5, True, None), (bob.id, course.id, 6, False, closed),
            (bob.id, other.id, 1, True, None),
        ]


def test_the_migration_re_keys_an_existing_unkeyed_chain(scratch_database, tmp_path):
    before = "0008_audit_hmac"
    app = create_app({"DATABASE_URL": scratch_database, "SECRET_KEY": "s" * 40, "AUDIT_KEY": "k" * 40,
                      "INSTANCE_PATH": str(tmp_path), "TESTING": True})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=f"{before}-1")
        for n in range(3):  # as the previous version wrote them: plain SHA-256
            audit.record(db.session, Actor.cli(), "test.event", n=n)
        db.session.commit()
        rechain(db.session, lambda payload: hashlib.sha256(payload).hexdigest())
        upgrade(directory=MIGRATIONS)
        db.session.expire_all()
        assert audit.verify_chain(db.session) is None
        assert len(db.session.scalars(select(AuditEvent)).all()) == 3
        downgrade(directory=MIGRATIONS, revision=f"{before}-1")
        db.session.expire_all()
        first = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).first()
        assert first.hash == hashlib.sha256(canonical_payload(first)).hexdigest()
        db.session.remove()
        db.engine.dispose()


def test_the_migration_refuses_to_re_key_a_broken_chain(scratch_database, tmp_path):
    app = create_app({"DATABASE_URL": scratch_database, "SECRET_KEY": "s" * 40, "AUDIT_KEY": "k" * 40,
                      "INSTANCE_PATH": str(tmp_path), "TESTING": True})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0008_audit_hmac-1")
        made = [audit.record(db.session, Actor.cli(), "test.event", n=n) for n in range(3)]
        db.session.commit()
        rechain(db.session, lambda payload: hashlib.sha256(payload).hexdigest())
        db.session.execute(update(AuditEvent).where(AuditEvent.id == made[1].id).values(details={"n": 9}))
        db.session.commit()
        with pytest.raises(SystemExit):  # Flask-Migrate logs the RuntimeError's message and exits 1
            upgrade(directory=MIGRATIONS)
        db.session.expire_all()
        first = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).first()
        assert first.hash == hashlib.sha256(canonical_payload(first)).hexdigest()  # left as it was
        db.session.remove()
        db.engine.dispose()


def test_hr_users_who_saw_everything_keep_it_explicitly(scratch_database, tmp_path):
    """0009: an HR user with no department ticked used to see every department; after the
    upgrade that is their explicit choice, and a limited HR user stays limited."""
    app = create_app({"DATABASE_URL": scratch_database, "SECRET_KEY": "s" * 40,
                      "INSTANCE_PATH": str(tmp_path), "TESTING": True})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0008_audit_hmac")
        with db.engine.begin() as connection:
            for id_, email, is_hr in ((1, "all@example.com", True), (2, "some@example.com", True),
                                      (3, "e@example.com", False)):
                connection.execute(text(
                    "INSERT INTO users (id, email, name, is_hr, is_admin, active, locale, created_at, "
                    "session_version, digest_frequency) VALUES (:id, :email, 'X', :hr, false, true, 'en', "
                    "CURRENT_TIMESTAMP, 1, 'immediate')"), {"id": id_, "email": email, "hr": is_hr})
            connection.execute(text("INSERT INTO departments (id, name) VALUES (1, 'Sales')"))
            connection.execute(text("INSERT INTO hr_scope (user_id, department_id) VALUES (2, 1)"))
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT id, hr_all_departments FROM users ORDER BY id")).all()
        assert [(id_, bool(flag)) for id_, flag in rows] == [(1, True), (2, False), (3, False)]
        db.engine.dispose()


# Rows of the tables that reference users, courses, modules or requirements, as the 0002
# schema has them. Migrations after 0002 rebuild users (0003), assignments (0006) and
# modules (0011) on SQLite; every row here must come through.
ROWS_AT_0002 = (
    "INSERT INTO departments (id, name) VALUES (1, 'Sales')",
    "INSERT INTO users (id, email, name, department_id, is_hr, is_admin, active, locale, created_at, "
    "session_version, digest_frequency) VALUES (1, 'hr@example.com', 'H', 1, true, false, true, 'en', "
    "CURRENT_TIMESTAMP, 1, 'immediate'), (2, 'e@example.com', 'E', 1, false, false, true, 'en', "
    "CURRENT_TIMESTAMP, 1, 'immediate')",
    "INSERT INTO hr_scope (user_id, department_id) VALUES (1, 1)",
    "INSERT INTO courses (id, slug, title, summary, intro_source, intro_html, pass_mark, due_days, "
    "audience, regulations, source_hash, created_at) VALUES (1, 'c', 'C', '', '', '', 80, 30, '{}', "
    "'[]', 'h', CURRENT_TIMESTAMP)",
    "INSERT INTO modules (id, course_id, slug, position, major_floor) VALUES (1, 1, 'm', 1, 1)",
    "INSERT INTO requirements (id, course_id, name, everyone, due_days, renew_grace_days, status, "
    "is_course_default, created_at) VALUES (1, 1, 'R', false, 30, 0, 'active', false, CURRENT_TIMESTAMP)",
    "INSERT INTO requirement_users (requirement_id, user_id) VALUES (1, 2)",
    "INSERT INTO requirement_departments (requirement_id, department_id) VALUES (1, 1)",
    "INSERT INTO assignments (id, user_id, course_id, requirement_id, cycle, reason, assigned_on, "
    "due_on, current, change_note) VALUES (1, 2, 1, 1, 1, 'new', '2026-01-05', '2026-02-04', true, '')",
    "INSERT INTO password_reset_tokens (id, user_id, token_hash, created_at, expires_at) VALUES "
    "(1, 2, 't', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
)
REFERENCING_TABLES = ("hr_scope", "requirement_users", "requirement_departments", "assignments",
                      "password_reset_tokens", "modules", "users")


def test_table_rebuilds_keep_every_row_that_references_the_rebuilt_table(scratch_database, tmp_path):
    """On SQLite a batch migration drops and re-creates a table; with foreign keys on, dropping
    users used to cascade into hr_scope and empty it (an HR user limited to one department came
    out of 0009 seeing all of them). env.py now turns foreign keys off around migrations."""
    app = create_app({"DATABASE_URL": scratch_database, "SECRET_KEY": "s" * 40,
                      "INSTANCE_PATH": str(tmp_path), "TESTING": True})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="1b2aeab06fa7")
        with db.engine.begin() as connection:
            for statement in ROWS_AT_0002:
                connection.execute(text(statement))
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            counts = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                      for table in REFERENCING_TABLES}
            limited = connection.execute(text("SELECT hr_all_departments FROM users WHERE id = 1")).scalar()
            # The app's connections still enforce foreign keys after a migration.
            if connection.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert counts == {"hr_scope": 1, "requirement_users": 1, "requirement_departments": 1,
                          "assignments": 1, "password_reset_tokens": 1, "modules": 1, "users": 2}
        assert not limited
        db.engine.dispose()
