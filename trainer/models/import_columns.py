"""The staff import's remembered column mapping: the HR page's column step, kept for next time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from trainer import clock
from trainer.models.base import Base


class ImportColumn(Base):
    """One column name of an HR system's export (as `staff_columns.header_key` compares it) and
    the field it gives; an empty field means the column is ignored. One mapping for the whole
    organisation: the export of one HR system looks the same every time."""

    __tablename__ = "import_columns"

    header_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    field: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
