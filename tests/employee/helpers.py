"""Helpers for employee-page tests: an enrolled employee, and reading quiz forms like a browser."""

from __future__ import annotations

import dataclasses
import html
import re

from tests.compliance.helpers import require, sync
from tests.conftest import csrf_token
from tests.factories import make_course, make_user
from trainer import clock


def enrol(session, *, email="ada@example.com", name="Ada Lovelace", kinds=("lesson", "policy"),
          questions=3, **course_options):
    """A user with a current assignment of a new course (lessons with quizzes, then a policy)."""
    user = make_user(session, email=email, name=name)
    course = make_course(session, modules=len(kinds), kinds=kinds, questions=questions, **course_options)
    require(session, course, user_ids=[user.id])
    sync(session, clock.today())
    session.commit()
    return user, course


@dataclasses.dataclass
class QuizForm:
    """The quiz page as a browser sees it: hidden fields and labelled choices per question."""

    page: str
    token: str
    version: str
    # field name -> [(value, label text)]
    questions: dict[str, list[tuple[str, str]]]

    def answers(self, right: bool = True) -> dict[str, list[str]]:
        """Pick the right (or the wrong) choices by their labels (factories' wording)."""
        chosen = {}
        for name, choices in self.questions.items():
            if right:
                chosen[name] = [v for v, label in choices if label.startswith(("Right", "Also right"))]
            else:
                chosen[name] = [next(v for v, label in choices if label.startswith("Wrong"))]
        return chosen

    def data(self, answers: dict[str, list[str]], csrf: str) -> dict:
        return {"csrf_token": csrf, "token": self.token, "version": self.version, **answers}


def quiz_url(course, module) -> str:
    return f"/courses/{course.slug}/{module.slug}/quiz"


def open_quiz(client, course, module) -> QuizForm:
    response = client.get(quiz_url(course, module))
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    labels = {m[0]: html.unescape(m[1]) for m in re.findall(r'<label for="([^"]+)">(.*?)</label>', page)}
    questions: dict[str, list[tuple[str, str]]] = {}
    for name, input_id, value in re.findall(
        r'<input type="(?:radio|checkbox)" name="([^"]+)" id="([^"]+)" value="([^"]+)"', page
    ):
        questions.setdefault(name, []).append((value, labels[input_id]))
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    version = re.search(r'name="version" value="([^"]+)"', page).group(1)
    return QuizForm(page, token, version, questions)


def submit_quiz(client, course, module, form: QuizForm, answers=None, right=True, **overrides):
    data = form.data(answers if answers is not None else form.answers(right), csrf_token(client, "/"))
    data.update(overrides)
    return client.post(quiz_url(course, module), data=data)
