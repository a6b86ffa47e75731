"""Counts of current assignments kept per department x course x what their status depends on."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from trainer.models.base import Base

# "No date": the due date of a finished cycle, the expiry of one that never expires. Later
# than any today, so every comparison the status makes with it reads as "not yet".
NO_DATE = dt.date(9999, 12, 31)


class ComplianceCount(Base):
    """How many current assignments of active people one key holds (`n`, may be negative
    until merged: see trainer/compliance/counts.py).

    The key is what status_sql() needs to classify a row on any day: department (0: none),
    course, `stage` (completed, closed, refresher, update, started, not_started) and the two
    dates it compares with today (NO_DATE where the stage does not look at one). Database
    triggers on assignments and users keep the rows in the same transaction as every change
    (migration 0017); nothing in Python writes them except merging and rebuilding. Plain
    ids, not foreign keys: a row may outlive its course until it is merged away.
    """

    __tablename__ = "compliance_counts"
    __table_args__ = (
        # One merged row per key: SQLite's triggers add into it; PostgreSQL's append
        # unmerged deltas that merge_counts() folds in.
        Index("uq_compliance_counts_key", "department_id", "course_id", "stage", "due_on", "expires_on",
              unique=True, sqlite_where=text("merged"), postgresql_where=text("merged")),
        # The dashboard's read, one department's or all: the rows from the index alone.
        Index("ix_compliance_counts_read", "department_id", "course_id", "stage", "due_on", "expires_on",
              "n"),
        Index("ix_compliance_counts_unmerged", "id", sqlite_where=text("NOT merged"),
              postgresql_where=text("NOT merged")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int]
    course_id: Mapped[int]
    stage: Mapped[str] = mapped_column(String(12))
    due_on: Mapped[dt.date]
    expires_on: Mapped[dt.date]
    n: Mapped[int]
    merged: Mapped[bool] = mapped_column(default=False)
