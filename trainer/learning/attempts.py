"""Quiz attempts: starting (or resuming) one, submitting it exactly once, finding it again.

An attempt is created when the quiz page is first opened and reused until it is submitted,
so reloading shows the same questions in the same order. Submitting is a conditional
UPDATE on `submitted_at IS NULL`: of two submissions of one attempt (double click, two
tabs, a replayed POST) only one is graded and recorded; the other sees its result.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Mapping

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trainer import audit
from trainer.audit import Actor
from trainer.bulk import rowcount
from trainer.compliance.completion import current_assignment, mark_started, record_module_completion
from trainer.learning import quiz
from trainer.learning.quiz import AnswerError
from trainer.models import ModuleVersion, QuizAttempt


class StaleVersionError(AnswerError):
    """The module changed since the attempt began; the attempt can no longer be submitted."""


class CooldownError(ValueError):
    """Too many failed attempts in a row: the quiz pauses until `until`."""

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(f"You have failed this quiz several times in a row, so it pauses: you can try "
                         f"again at {until:%H:%M} UTC on {until.day} {until:%b %Y}. Use the time to read "
                         "the module again.")
        self.until = until


def cooldown_until(session: Session, user_id: int, version: ModuleVersion,
                   now: dt.datetime) -> dt.datetime | None:
    """When the person may start another attempt at `version` (None: now).

    The course allows `attempts_before_cooldown` failed attempts in a row; after each such
    run, the next attempt waits `cooldown_minutes` from the last failure. A pass resets it.
    """
    course = version.module.course
    if not course.cooldown_minutes:
        return None
    results = session.execute(
        select(QuizAttempt.passed, QuizAttempt.submitted_at)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.module_version_id == version.id,
               QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
    ).all()
    failures = 0
    for passed, _ in results:
        if passed:
            break
        failures += 1
    if not failures or failures % course.attempts_before_cooldown:
        return None
    until = results[0].submitted_at + dt.timedelta(minutes=course.cooldown_minutes)
    return until if until > now else None


def graded_for(attempt: QuizAttempt) -> tuple[list[quiz.GradedQuestion], bool]:
    """The review of a submitted attempt, and whether it may show the right choices (the
    course's `show_answers`: never, after passing, always)."""
    show = attempt.module_version.module.course.show_answers
    reveal = show == "always" or (show == "after_passing" and bool(attempt.passed))
    return graded_questions(attempt), reveal


@dataclasses.dataclass(frozen=True)
class Submission:
    """The outcome of a submit: recorded now, recorded before, or missing answers."""

    attempt: QuizAttempt
    already_submitted: bool = False
    unanswered: tuple[str, ...] = ()

    @property
    def recorded(self) -> bool:
        return not self.already_submitted and not self.unanswered


def open_attempt(session: Session, user_id: int, version: ModuleVersion, now: dt.datetime) -> QuizAttempt:
    """The person's unsubmitted attempt at `version`, or a new one with a fresh draw.

    Raises CooldownError instead of starting a new attempt while the quiz pauses."""
    attempt = session.scalar(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.module_version_id == version.id,
               QuizAttempt.submitted_at.is_(None))
        .order_by(QuizAttempt.id.desc()).limit(1)
    )
    if attempt is not None:
        return attempt
    until = cooldown_until(session, user_id, version, now)
    if until is not None:
        raise CooldownError(until)
    assignment = current_assignment(session, user_id, version.module.course_id)
    seed = secrets.randbelow(2**31)
    attempt = QuizAttempt(
        user_id=user_id,
        module_version_id=version.id,
        assignment_id=assignment.id if assignment else None,
        token=secrets.token_urlsafe(32),
        seed=seed,
        question_ids=quiz.draw(version.quiz, seed, version.questions_per_attempt),
        answers=None,
        started_at=now,
    )
    session.add(attempt)
    if assignment is not None:
        mark_started(assignment, now.date())
    session.flush()
    return attempt


def shown_questions(attempt: QuizAttempt) -> list[quiz.ShownQuestion]:
    version = attempt.module_version
    return quiz.shown_questions(version.quiz, attempt.question_ids, attempt.seed)


def find_attempt(session: Session, user_id: int, attempt_id: int) -> QuizAttempt | None:
    """One of the person's own attempts; someone else's is treated as not existing."""
    attempt = session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        return None
    return attempt


def attempt_by_token(session: Session, user_id: int, token: str) -> QuizAttempt | None:
    attempt = session.scalar(select(QuizAttempt).where(QuizAttempt.token == token[:64]))
    if attempt is None or attempt.user_id != user_id:
        return None
    return attempt


def submit_attempt(
    session: Session,
    actor: Actor,
    attempt: QuizAttempt,
    version_id: int | None,
    submitted: Mapping[str, list[str]],
    now: dt.datetime,
) -> Submission:
    """Grade and record `attempt` once; a pass completes the module against its version.

    Raises StaleVersionError when the module has a newer version than the attempt (or the
    form names another version) and AnswerError for questions or choices not in the attempt.
    Either way nothing is recorded.
    """
    if attempt.submitted_at is not None:
        return Submission(attempt, already_submitted=True)
    version = attempt.module_version
    if version_id != version.id or version.module.current_version_id != version.id:
        raise StaleVersionError(
            "This module was updated after you started the quiz, so those answers were not "
            "recorded. Please read the new version and take its quiz."
        )
    answers = quiz.parse_answers(version.quiz, attempt.question_ids, attempt.seed, submitted)
    unanswered = tuple(q for q in attempt.question_ids if not answers[q])
    if unanswered:
        return Submission(attempt, unanswered=unanswered)
    if not _claim(session, attempt, answers, version, now):
        session.refresh(attempt)
        return Submission(attempt, already_submitted=True)
    session.refresh(attempt)
    audit.record(session, actor, "quiz.submitted", attempt, module=version.module.slug,
                 version=version.number, score=attempt.score, passed=attempt.passed)
    if attempt.passed:
        record_module_completion(session, actor, attempt.user_id, version, method="quiz",
                                 score=attempt.score, attempt=attempt)
    return Submission(attempt)


def _claim(
    session: Session, attempt: QuizAttempt, answers: dict[str, list[str]],
    version: ModuleVersion, now: dt.datetime,
) -> bool:
    """Write the result only if nobody else has: the one portable way to submit once."""
    score = quiz.score(version.quiz, attempt.question_ids, answers)
    result = session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(answers=answers, score=score.percent, passed=score.reaches(version.module.course.pass_mark),
                submitted_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def graded_questions(attempt: QuizAttempt) -> list[quiz.GradedQuestion]:
    """The review of a submitted attempt (answers, right answers, explanations)."""
    assert attempt.submitted_at is not None, "never reveal answers before submission"
    version = attempt.module_version
    return quiz.graded_questions(version.quiz, attempt.question_ids, attempt.seed, attempt.answers or {})
