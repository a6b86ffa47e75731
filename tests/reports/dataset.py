"""A small organisation whose figures are computed by hand in the tests.

On TODAY (15 June 2026; due soon = 14 days, expiring = 30 days) the current assignments
of active people are:

              course A (refresher 12 m)          course B
  Sales
    Sam       completed 10 Jan, expires 2027    completed 1 Jul 2025, expires 1 Jul 2026: expiring
    Sara      due 1 Jun: overdue                due 20 Jun: due soon
    Sid       due 1 Aug, started: in progress   expired 1 May 2026: expired
  Support
    Uma       completed 1 Mar, expires 2027     refresher due 1 Jul: expiring (still valid)
    Ugo       due 1 May: overdue                due 1 Sep: not started
  Support, deactivated
    Vic       due 1 Jan: overdue (not counted: inactive)

Sam manages Sara and Sid. Totals: 10 assigned, 4 compliant (40%), 2 overdue, 1 due soon,
2 expiring. Sales 2/6 (33%), Support 2/4 (50%), course A 2/5, course B 2/5.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from tests.factories import make_course, make_user
from trainer.models import Assignment, Course, User

D = dt.date
TODAY = D(2026, 6, 15)


@dataclasses.dataclass
class Org:
    sam: User
    sara: User
    sid: User
    uma: User
    ugo: User
    vic: User
    course_a: Course
    course_b: Course

    @property
    def sales_id(self) -> int:
        return self.sam.department_id  # type: ignore[return-value]

    @property
    def support_id(self) -> int:
        return self.uma.department_id  # type: ignore[return-value]


def assign(session, user, course, *, due, cycle=1, reason="requirement", assigned=None, started=None,
           completed=None, expires=None, current=True, closed=None) -> Assignment:
    row = Assignment(user_id=user.id, course_id=course.id, cycle=cycle, reason=reason,
                     assigned_on=assigned or due - dt.timedelta(days=30), due_on=due,
                     started_on=started or completed, completed_on=completed, expires_on=expires,
                     current=current, closed_on=closed, change_note="")
    session.add(row)
    session.flush()
    return row


def build_org(session) -> Org:
    course_a = make_course(session, slug="course-a", title="Course A", modules=1)
    course_b = make_course(session, slug="course-b", title="Course B", modules=1)
    sam = make_user(session, name="Sam Sales", email="sam@example.com", department="Sales")
    sara = make_user(session, name="Sara Sales", email="sara@example.com", department="Sales", manager=sam)
    sid = make_user(session, name="Sid Sales", email="sid@example.com", department="Sales", manager=sam)
    uma = make_user(session, name="Uma Support", email="uma@example.com", department="Support")
    ugo = make_user(session, name="Ugo Support", email="ugo@example.com", department="Support")
    vic = make_user(session, name="Vic Gone", email="vic@example.com", department="Support", active=False)
    a, b = course_a, course_b
    # An earlier, completed cycle: history, not counted today.
    assign(session, sam, a, due=D(2025, 2, 1), completed=D(2025, 1, 10), expires=D(2026, 1, 10),
           current=False)
    assign(session, sam, a, cycle=2, reason="refresher", due=D(2026, 1, 10), completed=D(2026, 1, 10),
           expires=D(2027, 1, 10))
    assign(session, sam, b, due=D(2025, 7, 10), completed=D(2025, 7, 1), expires=D(2026, 7, 1))
    assign(session, sara, a, due=D(2026, 6, 1))
    assign(session, sara, b, due=D(2026, 6, 20))
    assign(session, sid, a, due=D(2026, 8, 1), assigned=D(2026, 6, 1), started=D(2026, 6, 10))
    assign(session, sid, b, due=D(2025, 5, 10), completed=D(2025, 5, 1), expires=D(2026, 5, 1))
    assign(session, uma, a, due=D(2026, 3, 20), completed=D(2026, 3, 1), expires=D(2027, 3, 1))
    assign(session, uma, b, reason="refresher", due=D(2026, 7, 1))
    assign(session, ugo, a, due=D(2026, 5, 1))
    assign(session, ugo, b, due=D(2026, 9, 1), assigned=D(2026, 6, 1))
    assign(session, vic, a, due=D(2026, 1, 1))
    session.commit()
    return Org(sam, sara, sid, uma, ugo, vic, course_a, course_b)
