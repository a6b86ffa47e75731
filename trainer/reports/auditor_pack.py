"""The auditor pack: one zip with everything an auditor asks for about a period.

    manifest.json                  SHA-256 and size of every other file, period, as-of date,
                                   filters, the audit trail's head
    summary.pdf                    programme, coverage, on-time figures, overdue people,
                                   standards mapping (reports/pack_summary.py)
    completion-matrix.csv          each person's status per course as of the date
    evidence/course-cycles.csv     every cycle open or done in the period: dates, status,
                                   reminders and escalations sent, certificate code
    evidence/module-completions.csv  every module completion: version, content hash,
                                   first opened, completed, score, quiz attempts
    evidence/acknowledgements.csv  policy acknowledgements (with the SHA-256 of the policy
                                   version's source) and regulation-update acknowledgements
    content/versions.csv           the module versions in force in the period
    content/<course>/<module>/v<N>.md  each of them, its Markdown source

Reproducible: the same arguments on the same data give byte-identical files (and zip).
Rows are ordered by stable keys; zip entries carry the as-of date as their timestamp; the
PDF's creation date is the as-of date; the manifest holds no "generated at". The audit
head is the last event recorded by the end of the as-of day, leaving out the records of
exports themselves (making a pack is audited, and must not change the next pack).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from trainer.compliance.status import Thresholds
from trainer.models import AuditEvent
from trainer.reports import pack_data as data
from trainer.reports.filters import ReportFilter
from trainer.reports.pack_data import Period
from trainer.reports.pack_summary import STANDARDS, summary_figures, summary_pdf
from trainer.reports.streaming import (
    cell_csv_chunks,
    cell_rows,
    csv_cells,
    csv_chunks,
    csv_query_chunks,
    neutral_row,
)
from trainer.reports.trend import history_table

PACK_FORMAT = 1
DEFLATE_LEVEL = 1


@dataclasses.dataclass(frozen=True)
class PackRequest:
    """What a pack covers: the period and as-of date, the filter (department, course, HR
    scope), and how the scope reads in the pack ("all departments", "Sales")."""

    period: Period
    filters: ReportFilter
    scope_label: str
    organisation: str
    thresholds: Thresholds

    def filename(self) -> str:
        p = self.period
        return f"auditor-pack-{p.start.isoformat()}-to-{p.end.isoformat()}-as-of-{p.as_of.isoformat()}.zip"


def write_pack(session: Session, request: PackRequest, output: IO[bytes]) -> dict[str, Any]:
    """Write the pack to `output` (a seekable binary file); returns the manifest."""
    writer = _PackWriter(output, request.period)
    period, filters = request.period, request.filters
    head = audit_head(session, period)
    with history_table(session, filters) as history:  # read by the matrix, cycles and summary
        courses = data.matrix_courses(session, filters, period, history)
        matrix_query = data.matrix_query(filters, period, request.thresholds, history)
        matrix = cell_rows(session, csv_cells(matrix_query))
        writer.cells("completion-matrix.csv", neutral_row(data.matrix_header(courses)),
                     data.matrix_rows(matrix, courses))
        writer.csv_query(session, "evidence/course-cycles.csv", data.CYCLE_COLUMNS,
                         data.cycle_query(filters, period, request.thresholds, history))
        writer.csv_query(session, "evidence/module-completions.csv", data.COMPLETION_COLUMNS,
                         data.completion_query(filters, period))
        writer.csv("evidence/acknowledgements.csv", data.ACK_COLUMNS,
                   data.acknowledgement_rows(session, filters, period))
        versions = list(data.versions_in_force(session, filters, period))
        writer.csv("content/versions.csv", data.VERSION_COLUMNS, (v.row() for v in versions))
        for version in versions:
            writer.file(version.path, version.source.encode("utf-8"))
        figures = summary_figures(session, filters, period, request.thresholds, request.organisation,
                                  request.scope_label, head["hash"] if head else None, history)
    writer.file("summary.pdf", summary_pdf(figures))
    manifest = _manifest(request, head, writer.files)
    writer.file("manifest.json", (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    writer.close()
    return manifest


def audit_head(session: Session, period: Period) -> dict[str, Any] | None:
    """The last audit event recorded by the end of the as-of day (exports aside)."""
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.at < period.cutoff, AuditEvent.action != "report.exported")
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return None if event is None else {"event_id": event.id, "hash": event.hash, "at": event.at.isoformat()}


def _manifest(request: PackRequest, head: dict[str, Any] | None,
              files: list[dict[str, Any]]) -> dict[str, Any]:
    p = request.period
    return {
        "format": PACK_FORMAT,
        "organisation": request.organisation,
        "period": {"from": p.start.isoformat(), "to": p.end.isoformat()},
        "as_of": p.as_of.isoformat(),
        "scope": request.scope_label,
        "filters": request.filters.describe(),
        "audit_chain_head": head,
        "standards": [{"figure": figure, "evidences": controls} for figure, controls in STANDARDS],
        "files": files,
    }


class _PackWriter:
    """Zip entries with fixed metadata; remembers each file's SHA-256 and size."""

    def __init__(self, output: IO[bytes], period: Period) -> None:
        self.zip = zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED)
        day = period.as_of
        self.stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
        self.files: list[dict[str, Any]] = []

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        # Deflate level 1: a quarter of level 6's CPU for a zip 1.6x larger (docs/performance.md).
        # A ZipInfo made here gets its level only through this attribute (Python 3.11-3.13).
        info._compresslevel = DEFLATE_LEVEL  # type: ignore[attr-defined]
        info.external_attr = 0o644 << 16
        info.create_system = 3  # the same on every host
        return info

    def file(self, name: str, content: bytes) -> None:
        self._write(name, [content])

    def csv(self, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self._write(name, (chunk.encode("utf-8") for chunk in csv_chunks(header, rows)))

    def cells(self, name: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
        """Rows of cells ready to write (`csv_cells`'s)."""
        self._write(name, (chunk.encode("utf-8") for chunk in cell_csv_chunks(header, rows)))

    def csv_query(self, session: Session, name: str, header: Sequence[str], query: Select[Any]) -> None:
        """The rows of `query` as CSV cells computed by the database (`csv_cells`), with no
        Python per row: the same bytes as `csv` writes from the query's rows."""
        chunks = csv_query_chunks(session, header, csv_cells(query))
        self._write(name, (chunk.encode("utf-8") for chunk in chunks))

    def _write(self, name: str, chunks: Iterable[bytes]) -> None:
        digest, size = hashlib.sha256(), 0
        with self.zip.open(self._info(name), "w", force_zip64=True) as entry:
            for chunk in chunks:
                entry.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        if name != "manifest.json":
            self.files.append({"path": name, "sha256": digest.hexdigest(), "bytes": size})

    def close(self) -> None:
        self.zip.close()


def pack_bytes(session: Session, request: PackRequest) -> bytes:
    """The pack in memory (tests, small packs)."""
    buffer = io.BytesIO()
    write_pack(session, request, buffer)
    return buffer.getvalue()
