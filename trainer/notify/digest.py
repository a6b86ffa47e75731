"""One e-mail per recipient per run: their own training first, then their team's overdue."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer.models import User
from trainer.notify.items import Item, targets


@dataclasses.dataclass(frozen=True)
class Digest:
    recipient_id: int
    email: str
    name: str
    weekly: bool
    own: list[Item]  # one line per assignment or update, most recent first
    team: list[Item]  # escalations: one line per overdue report and course
    notification_ids: list[int]  # every outbox row this e-mail answers for

    @property
    def kinds(self) -> list[str]:
        return sorted({item.kind for item in (*self.own, *self.team)})


def build_digests(session: Session, items: list[Item]) -> list[Digest]:
    """Group items that still apply by recipient (in recipient order)."""
    by_recipient: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        by_recipient[item.recipient_id].append(item)
    if not by_recipient:
        return []
    recipients = {
        id_: (email, name, frequency)
        for id_, email, name, frequency in session.execute(
            select(User.id, User.email, User.name, User.digest_frequency)
            .where(User.id.in_(by_recipient)))
    }
    digests = []
    for recipient_id in sorted(by_recipient):
        email, name, frequency = recipients[recipient_id]
        group = by_recipient[recipient_id]
        digests.append(Digest(
            recipient_id, email, name, frequency == "weekly",
            own=targets(i for i in group if i.kind != "escalation"),
            team=targets(i for i in group if i.kind == "escalation"),
            notification_ids=sorted(i.id for i in group),
        ))
    return digests
