"""Two `trainer reminders send` processes started together send every message exactly once.

Real separate processes on the test database (SQLite file or PostgreSQL, whichever this run
uses) and a real SMTP server: the job lock (trainer/jobs.py) lets one run at a time, and the
claim protocol keeps apart whatever still overlaps (a run from before the lock, --as-of runs).
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import subprocess
import sys

from sqlalchemy import func, select

from tests.compliance.helpers import require, sync
from tests.factories import make_course, make_user
from trainer.models import Notification

PEOPLE = 150
DAY = "2026-03-02"


def test_two_runs_started_together_send_each_message_once(session, tmp_path, smtp_server,
                                                           test_database_url):
    courses = [make_course(session) for _ in range(2)]
    people = [make_user(session, email=f"p{n}@shop.example", password=None) for n in range(PEOPLE)]
    for course in courses:
        require(session, course)
    sync(session, dt.date(2026, 3, 2))
    session.commit()  # the other processes must see the data

    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRAINER_")},
        "TRAINER_DATABASE_URL": test_database_url,
        "TRAINER_SMTP_HOST": smtp_server.host,
        "TRAINER_SMTP_PORT": str(smtp_server.port),
        "TRAINER_INSTANCE_PATH": str(tmp_path),
        "TRAINER_SECRET_KEY": "concurrency-test-secret-key-long-enough-0123456789",
    }
    command = [sys.executable, "-m", "trainer.cli", "reminders", "send", "--as-of", DAY]
    runs = [subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, out + err

    # People without a password who never signed in also get their invitation: once.
    per_recipient = collections.Counter(
        (m.recipients[0], "invitation" if "account" in m.message["Subject"] else "digest")
        for m in smtp_server.messages)
    assert per_recipient == {(p.email, kind): 1 for p in people for kind in ("digest", "invitation")}
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Notification)) == 3 * PEOPLE
    assert session.scalar(select(func.count()).select_from(Notification).where(
        Notification.sent_at.is_(None) | (Notification.attempts != 1))) == 0
    summaries = [out for out, _ in outputs if "another run is in progress" not in out]
    planned, sent = (sum(_count(out, label) for out in summaries) for label in ("planned", "sent"))
    assert (planned, sent) == (2 * PEOPLE, 3 * PEOPLE)


def _count(summary: str, label: str) -> int:
    """The number before `label` in "Reminders for D: 300 planned, 200 sent in ..."."""
    words = summary.replace(",", "").split()
    return int(words[words.index(label) - 1])
