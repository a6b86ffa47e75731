"""NUL and other control characters are refused in every text input, named where they are."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.factories import make_user
from tests.web.test_api import bearer
from trainer.content.errors import ValidationFailed
from trainer.content.parser import parse_course, parse_module
from trainer.models import User
from trainer.textcheck import control_characters, describe, has_control, refusal

REFUSED = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]
ALLOWED = ["\t", "\n", "\r", " ", "~", "\x80", "é", "\u2028", "Łukasz"]


@pytest.mark.parametrize("char", REFUSED)
def test_every_control_character_is_refused(char):
    assert has_control(f"a{char}b")


@pytest.mark.parametrize("char", ALLOWED)
def test_tab_newlines_and_printable_text_are_allowed(char):
    assert not has_control(f"a{char}b")


def test_position_and_name_are_reported():
    [found] = control_characters("first line\nsec\x00ond")
    assert (found.line, found.column, found.name) == (2, 4, "NUL (U+0000)")
    assert describe("\x1b") == "ESC (U+001B)" and describe("\x7f") == "DEL (U+007F)"
    assert refusal("Ad\x07a", "name") == (
        "name contains the control character BEL (U+0007) at column 3; remove it")
    assert refusal("Ada", "name") is None


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f"])
def test_a_form_field_with_a_control_character_gets_400_and_says_why(client, char):
    token = csrf_token(client, "/password/forgot")
    response = client.post("/password/forgot", data={"email": f"a{char}@example.com", "csrf_token": token})
    assert response.status_code == 400
    assert "control character" in response.get_data(as_text=True)


def test_tabs_and_newlines_pass_the_check(client):
    token = csrf_token(client, "/password/forgot")
    response = client.post("/password/forgot", data={"email": "a\r\n\t@example.com", "csrf_token": token})
    assert response.status_code != 400


def test_a_url_parameter_with_a_control_character_gets_400(client):
    assert client.get("/login?next=%1b").status_code == 400


@pytest.mark.parametrize("char", ["\x00", "\x08"])
def test_api_json_with_a_control_character_is_refused_and_nothing_changes(session, client, char):
    make_user(session, email="old@example.com", name="Old")
    headers = bearer(session, "sync")
    employees = [{"email": "new@example.com", "name": f"New{char}Person", "department": "Sales"}]
    response = client.post("/api/v1/employees/sync", headers=headers, json={"employees": employees})
    assert response.status_code == 400 and response.is_json
    assert "control character" in response.json["message"]
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_staff_csv_with_a_nul_names_the_line_and_imports_nothing(session, runner, tmp_path):
    staff = tmp_path / "staff.csv"
    staff.write_bytes(b"email,name,department\nada@example.com,Ada,Sales\nbob@example.com,B\x00ob,Sales\n")
    result = runner.invoke(args=["users", "import", str(staff)])
    assert result.exit_code != 0
    assert "line 3" in result.output.lower() or "3:" in result.output, result.output
    assert "column 'name' contains the control character NUL (U+0000) at column 2" in result.output
    assert session.scalar(select(func.count()).select_from(User)) == 0
    assert "Traceback" not in result.output


def test_a_course_file_with_a_control_character_names_line_and_column():
    text = "---\ntitle: Basics\nsummary: What it is.\n---\n\nIntro with a \x00 in it.\n"
    with pytest.raises(ValidationFailed) as failed:
        parse_course(text, "course.md")
    assert [(e.line, e.message) for e in failed.value.errors] == [
        (6, "column 14: the control character NUL (U+0000) does not belong in a course file; remove it")]


def test_a_module_file_with_many_control_characters_lists_the_first_five():
    text = "---\ntitle: T\nkind: policy\nminutes: 1\n---\n\n" + "x\x01\n" * 8
    with pytest.raises(ValidationFailed) as failed:
        parse_module(text, "01-a.md")
    lines = [e.line for e in failed.value.errors]
    assert lines == [7, 8, 9, 10, 11, 12]
    assert failed.value.errors[-1].message == "more control characters follow; remove them all"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01"])
def test_as_of_outside_the_sensible_range_is_one_clear_error(runner, day):
    result = runner.invoke(args=["assignments", "sync", "--as-of", day])
    assert result.exit_code == 2
    assert f"Invalid value for '--as-of': {day} is outside 2000-01-01 to 2099-12-31." in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("day", ["2000-01-01", "2099-12-31"])
def test_as_of_at_the_ends_of_the_range_works(runner, day):
    result = runner.invoke(args=["assignments", "sync", "--as-of", day])
    assert result.exit_code == 0 and result.output.startswith(f"Assignments on {day}")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"BIND": "127.0.0.1:70000"}, "TRAINER_BIND must be host:port with a port from 1 to 65535"),
    ({"BIND": "127.0.0.1"}, "TRAINER_BIND must be host:port"),
    ({"BIND": "127.0.0.1:0"}, "TRAINER_BIND must be host:port"),
    ({"BIND": "127.0.0.1:\u00b2"}, "TRAINER_BIND must be host:port"),  # isdigit() would let it through
    ({"DATABASE_URL": "postgresql+psycopg://u@db:70000/trainer"}, "TRAINER_DATABASE_URL has port 70000"),
])
def test_bad_ports_are_named(app_config, overrides, message):
    from trainer import ConfigError, create_app

    with pytest.raises(ConfigError, match=message):
        create_app({**app_config, **overrides})


def test_boundary_ports_are_accepted(app_config):
    from trainer import create_app

    create_app({**app_config, "BIND": "[::1]:65535"})
    create_app({**app_config, "BIND": "127.0.0.1:1"})


def test_every_value_of_a_repeated_name_is_checked(client):
    assert client.get("/login?next=/&next=%00").status_code == 400


def test_every_value_of_a_repeated_form_field_is_checked(client):
    token = csrf_token(client, "/password/forgot")
    response = client.post("/password/forgot", data={"email": ["a@example.com", "b\x00@example.com"],
                                                     "csrf_token": token})
    assert response.status_code == 400
