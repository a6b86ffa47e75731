"""Secrets shown once (trainer/one_time.py): two halves, joined once, within ten minutes."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select

from tests.factories import make_user
from trainer import one_time
from trainer.models import OneTimeSecret

NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
SECRET = "trn_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"


def rows(session) -> int:
    return session.scalar(select(func.count()).select_from(OneTimeSecret))


def test_shown_once_and_neither_half_is_the_secret(session):
    ada = make_user(session, email="ada@example.com")
    held = one_time.keep(session, ada.id, "api-token:1", SECRET, NOW)
    stored = session.scalar(select(OneTimeSecret.masked))
    assert SECRET.encode() not in stored and SECRET not in held.pad and len(stored) == len(SECRET)
    assert one_time.take(session, ada.id, "api-token:1", held, NOW) == SECRET
    assert one_time.take(session, ada.id, "api-token:1", held, NOW) is None  # the row is gone
    assert rows(session) == 0


def test_only_its_maker_for_its_purpose_with_its_pad(session):
    ada = make_user(session, email="ada@example.com")
    eve = make_user(session, email="eve@example.com")
    held = one_time.keep(session, ada.id, "api-token:1", SECRET, NOW)
    assert one_time.take(session, eve.id, "api-token:1", held, NOW) is None
    assert one_time.take(session, ada.id, "api-token:2", held, NOW) is None
    assert one_time.take(session, ada.id, "api-token:1", dataclasses.replace(held, pad="AAAA"), NOW) is None
    assert one_time.take(session, ada.id, "api-token:1", dataclasses.replace(held, pad="*not base64*"),
                         NOW) is None


def test_shown_within_ten_minutes_and_not_a_second_later(session):
    ada = make_user(session, email="ada@example.com")
    held = one_time.keep(session, ada.id, "calendar-feed", SECRET, NOW)
    late = NOW + one_time.SHOW_WITHIN + dt.timedelta(seconds=1)
    assert one_time.take(session, ada.id, "calendar-feed", held, late) is None
    held = one_time.keep(session, ada.id, "calendar-feed", SECRET, NOW)
    assert one_time.take(session, ada.id, "calendar-feed", held, NOW + one_time.SHOW_WITHIN) == SECRET


def test_a_new_secret_replaces_the_last_of_its_purpose_and_old_rows_go(session):
    ada = make_user(session, email="ada@example.com")
    grace = make_user(session, email="grace@example.com")
    first = one_time.keep(session, ada.id, "calendar-feed", "first-address-token", NOW)
    one_time.keep(session, grace.id, "calendar-feed", "graces-token", NOW - dt.timedelta(minutes=11))
    kept = one_time.keep(session, grace.id, "api-token:3", "graces-api-token", NOW - dt.timedelta(minutes=5))
    second = one_time.keep(session, ada.id, "calendar-feed", "second-address-token", NOW)
    assert rows(session) == 2  # Ada's first is replaced, Grace's stale one deleted, her recent one kept
    assert one_time.take(session, ada.id, "calendar-feed", first, NOW) is None
    assert one_time.take(session, ada.id, "calendar-feed", second, NOW) == "second-address-token"
    assert one_time.take(session, grace.id, "api-token:3", kept, NOW) == "graces-api-token"
